import HardeningCore

/// Kernel network parameters from sysctl.d (``SysctlConfig``) and, on the live host, /proc/sys.
struct NetworkProbe {
    let host: HostRoot

    /// Debian 12's kernel defaults, for what no file sets.
    static let linux = SourceLocation.builtin("linux")

    func collect() throws -> NetworkFacts {
        let config = try SysctlConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) },
            linkTarget: { host.linkTarget($0) }
        )
        func parameter(_ name: String, default fallback: String) throws -> KernelParameter {
            let configured = config.value(name).map { Sourced($0.value, $0.source) } ?? Sourced(fallback, Self.linux)
            var running: Sourced<String>? = nil
            if host.isLiveHost {
                let path = "/proc/sys/" + SysctlConfig.normalize(name)
                running = try host.text(path).map { Sourced($0.trimmed, SourceLocation(path: path)) }
            }
            return KernelParameter(name: name, configured: configured, running: running)
        }
        return NetworkFacts(kernel: KernelNetworkParameters(
            tcpSyncookies: try parameter("net.ipv4.tcp_syncookies", default: "1"),
            acceptRedirects: try parameter("net.ipv4.conf.all.accept_redirects", default: "1"),
            defaultAcceptRedirects: try parameter("net.ipv4.conf.default.accept_redirects", default: "1"),
            ipv6AcceptRedirects: try parameter("net.ipv6.conf.all.accept_redirects", default: "1"),
            rpFilter: try parameter("net.ipv4.conf.all.rp_filter", default: "0"),
            files: config.files
        ))
    }
}
