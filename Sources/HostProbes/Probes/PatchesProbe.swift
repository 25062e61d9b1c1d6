import FoundationEssentials
import HardeningCore
import HostAccess

/// Pending security fixes, list freshness and pending reboots (VN-TD-UPD-002, Điều 10 khoản 5).
///
/// A fix is pending when an installed package (same name and architecture) has a newer version,
/// by Debian's ordering, in the index of a security archive. Only security archives' indexes are
/// read, and only the stanzas of installed packages are kept.
struct PatchesProbe {
    let host: HostRoot
    let installed: [InstalledPackage]
    let release: ReleaseId

    static let lists = "/var/lib/apt/lists"
    static let stamp = "/var/lib/apt/periodic/update-success-stamp"

    func collect() throws -> PatchFacts {
        let names = try host.list(Self.lists)
        var archives: [SecurityArchive] = []
        var pending: [String: PendingUpdate] = [:]
        var unread: [UnreadIndex] = []
        var newest: Sourced<String>? = nil
        var newestDate: Date? = nil
        let byName = Dictionary(grouping: installed, by: \.name)
        // dpkg's own architecture is the native one: `Architecture: all` entries stand in for it.
        let native = installed.first { $0.name == "dpkg" }?.architecture ?? "amd64"
        for name in names {
            guard let prefix = AptLists.prefix(ofRelease: name) else { continue }
            let path = "\(Self.lists)/\(name)"
            // The header comes first; the hash list after it is most of the file (150 KB for Debian's
            // main archive) and is not needed.
            guard let head = try host.head(path, bytes: 8 << 10), let release = AptLists.release(String(decoding: head, as: UTF8.self)) else { continue }
            let published = release.date.map { Sourced(Timestamp($0).description, SourceLocation(path: path, line: release.dateLine)) }
            if let date = release.date, newestDate.map({ date > $0 }) ?? true { newestDate = date; newest = published }
            guard release.isSecurity else { continue }
            archives.append(SecurityArchive(name: release.name, published: published?.value, source: SourceLocation(path: path, line: release.line)))
            for index in names where index.hasPrefix(prefix) && index.contains("_Packages") {
                let indexPath = "\(Self.lists)/\(index)"
                var scanner = PackagesIndexScanner(wanted: Set(byName.keys))
                if index.hasSuffix("_Packages") {
                    _ = try host.stream(indexPath) { scanner.feed($0) }
                } else if index.hasSuffix("_Packages.lz4") {
                    do {
                        let decoder = try LZ4Frame()
                        _ = try host.stream(indexPath, chunk: 64 << 10) { piece in try decoder.feed(piece) { scanner.feed($0) } }
                        try decoder.finish()
                    } catch let error as ProbeError {
                        throw error
                    } catch {
                        unread.append(UnreadIndex(name: index, reason: "\(error)", source: SourceLocation(path: indexPath)))
                        continue
                    }
                } else {
                    // gzip, xz or zstd: attt does not carry those decoders, so it says it did not look.
                    unread.append(UnreadIndex(name: index, reason: "compressed index not read (set Acquire::GzipIndexes to false or use lz4)", source: SourceLocation(path: indexPath)))
                    continue
                }
                scanner.finish()
                for entry in scanner.entries {
                    for package in byName[entry.package] ?? [] where Self.sameArchitecture(package.architecture ?? native, entry.architecture, native: native) {
                        let have = DebianVersion(package.version), fix = DebianVersion(entry.version)
                        guard fix > have else { continue }
                        let key = "\(package.name):\(package.architecture ?? native)"
                        if let known = pending[key], DebianVersion(known.fixed) >= fix { continue }
                        pending[key] = PendingUpdate(
                            package: package.name, architecture: package.architecture ?? native,
                            installed: package.version, fixed: entry.version, availableSince: published,
                            source: SourceLocation(path: indexPath, line: entry.line)
                        )
                    }
                }
            }
        }
        // The stamp is touched after every successful refresh; the archive date is a lower bound
        // of the refresh time. Either proves freshness, so the later one is the evidence.
        var refreshed = newest
        if let touched = try host.modified(Self.stamp), newestDate.map({ touched > $0 }) ?? true {
            refreshed = Sourced(Timestamp(touched).description, SourceLocation(path: Self.stamp))
        }
        return PatchFacts(
            listsRefreshed: refreshed, securityArchives: archives,
            pending: pending.values.sorted { $0.update < $1.update },
            reboots: try reboots(), unreadIndexes: unread, release: release
        )
    }

    /// A package built for `all` replaces the native one and the other way round (apt does the same
    /// when a package changes architecture); foreign architectures match only themselves.
    static func sameArchitecture(_ installed: String, _ candidate: String, native: String) -> Bool {
        if installed == candidate { return true }
        return (installed == "all" && candidate == native) || (installed == native && candidate == "all")
    }

    /// `/var/run/reboot-required` (written by update-notifier-common's hook and by unattended-upgrades).
    func reboots() throws -> [RebootRequest] {
        let path = "/var/run/reboot-required"
        guard let touched = try host.modified(path) else { return [] }
        let packages = (try host.text(path + ".pkgs"))?.lines.map(\.trimmed).filter { !$0.isEmpty } ?? []
        return [RebootRequest(since: Sourced(Timestamp(touched).description, SourceLocation(path: path)), packages: Array(Set(packages)).sorted())]
    }
}
