public import FoundationEssentials

/// Isolating a PC and releasing it, as steps the `Applier` runs as one transaction each (Điều 11
/// khoản 2 điểm a, Bước 1). Shaped like a `Fixer`, but not one: the planner must never offer to cut a
/// PC off the network because a control fails.
///
/// The PC is isolated exactly as long as `/etc/attt/isolation.nft` exists: `attt-isolation.service`
/// loads it at boot, before any interface comes up, and `attt run` loads it again if someone flushed
/// the ruleset.
public enum IsolationPlan {
    public static let rulesPath = "/etc/attt/isolation.nft"
    public static let hostsPath = "/etc/hosts"
    /// The control isolation steps are filed under in the journal (`attt history`).
    public static let control = "VN-TD-INC-001"
    public static let fixer = "isolation"
    /// How long an isolation waits for the collector before the safety net undoes it.
    public static let confirmSeconds = 300
    /// Lines of `/etc/hosts` attt adds, so that release removes exactly those.
    public static let hostsMarker = "# attt-isolation"

    /// Where the host is: the live one (rules go to this kernel) or a tree under another root (rules
    /// are only checked, in a network namespace of their own, and never loaded into this kernel).
    public struct Target: Sendable {
        public var root: String
        /// The current `/etc/hosts` (nil when absent).
        public var hosts: String?
        /// `/etc/attt/isolation.nft` exists already: a new isolation replaces the old one.
        public var alreadyIsolated: Bool
        /// Keep the change only if the collector answers through the new rules (isolate without
        /// `--without-collector`, on the live host).
        public var confirmWithCollector: Bool

        public init(root: String, hosts: String?, alreadyIsolated: Bool, confirmWithCollector: Bool) {
            self.root = root
            self.hosts = hosts
            self.alreadyIsolated = alreadyIsolated
            self.confirmWithCollector = confirmWithCollector
        }

        public var live: Bool { root == "/" }

        /// `nft ARGS` for this host: the kernel's own on the live host, else a fresh network namespace.
        func nft(_ arguments: [String]) -> [String] {
            (live ? ["nft"] : ["unshare", "--net", "nft"]) + arguments
        }
    }

    /// The steps of an isolation, in the order the `Applier` runs them.
    public static func isolate(_ rules: IsolationRules, on target: Target) -> [RemediationStep] {
        var actions: [RemediationAction] = []
        let deleteTable = ["delete", "table", IsolationRules.family, IsolationRules.table]
        if target.live {
            // First in the journal: whatever happens next, a rollback makes the kernel follow the files.
            actions.append(.onRestore(arguments: target.alreadyIsolated ? ["nft", "-f", rulesPath] : ["nft"] + deleteTable, inRoot: false))
            if target.confirmWithCollector { actions.append(.confirmConnectivity(seconds: confirmSeconds)) }
        }
        if let name = rules.collectorName {
            let pinned = pinning(name, to: rules.collectorAddresses, in: target.hosts ?? "")
            if pinned != target.hosts { actions.append(.writeFile(path: hostsPath, content: Data(pinned.utf8), mode: 0o644)) }
        }
        // Checked by nft before it replaces anything (`{file}` is the staged copy).
        actions.append(.writeFile(path: rulesPath, content: Data(rules.ruleset.utf8), mode: 0o600, validator: target.nft(["-c", "-f", "{file}"])))
        if target.live { actions.append(.runCommand(arguments: ["nft", "-f", rulesPath], touches: [], inRoot: false)) }
        return actions.map { step($0) }
    }

    /// The steps of a release: a transaction of its own (a rollback of the isolation would be refused
    /// once a later change, a restore, is applied). No safety net: a release only opens.
    public static func release(on target: Target) -> [RemediationStep] {
        var actions: [RemediationAction] = []
        if target.live { actions.append(.onRestore(arguments: ["nft", "-f", rulesPath], inRoot: false)) }
        actions.append(.removeFile(path: rulesPath))
        if let hosts = target.hosts {
            let unpinned = unpinning(hosts)
            if unpinned != hosts { actions.append(.writeFile(path: hostsPath, content: Data(unpinned.utf8), mode: 0o644)) }
        }
        // The table may already be gone (a flushed ruleset): deleting it then is not a failure.
        if target.live {
            actions.append(.runCommand(arguments: ["sh", "-c", "if nft list table \(IsolationRules.family) \(IsolationRules.table) >/dev/null 2>&1; then nft delete table \(IsolationRules.family) \(IsolationRules.table); fi"], touches: [], inRoot: false))
        }
        return actions.map { step($0) }
    }

    static func step(_ action: RemediationAction) -> RemediationStep {
        RemediationStep(control: control, fixer: fixer, description: describe(action), action: action)
    }

    static func describe(_ action: RemediationAction) -> LocalizedText {
        switch action {
        case .onRestore: return LocalizedText(vi: "Nếu hoàn tác: nạp lại tường lửa theo các tệp cũ", en: "On rollback: load the firewall from the old files")
        case .confirmConnectivity(let seconds):
            return LocalizedText(vi: "Chỉ giữ nếu vẫn liên lạc được với máy chủ thu thập; nếu không, tự hoàn tác sau \(seconds) giây",
                                 en: "Kept only if the collector still answers; otherwise undone after \(seconds) seconds")
        case .writeFile(let path, _, _, _) where path == hostsPath:
            return LocalizedText(vi: "Ghi địa chỉ máy chủ thu thập vào /etc/hosts (khi cách ly không dùng DNS)", en: "Pin the collector's addresses in /etc/hosts (no DNS while isolated)")
        case .writeFile:
            return LocalizedText(vi: "Ghi bộ luật cách ly \(rulesPath) (đã kiểm tra bằng nft -c)", en: "Write the isolation rules \(rulesPath) (checked with nft -c)")
        case .removeFile:
            return LocalizedText(vi: "Xoá bộ luật cách ly \(rulesPath)", en: "Remove the isolation rules \(rulesPath)")
        case .runCommand(let arguments, _, _) where arguments.first == "nft":
            return LocalizedText(vi: "Nạp bảng inet attt_isolation vào nhân", en: "Load table inet attt_isolation into the kernel")
        case .runCommand, .stagedPam:
            return LocalizedText(vi: "Gỡ bảng inet attt_isolation khỏi nhân", en: "Remove table inet attt_isolation from the kernel")
        case .putInPlace(let path, _), .restoreDirectory(let path, _, _, _):
            // Not made by the isolation plans (the restore's actions); described for completeness.
            return LocalizedText(vi: "Khôi phục \(path) từ bản sao lưu", en: "Restore \(path) from the backup")
        }
    }

    // MARK: /etc/hosts

    /// `hosts` with the collector's name on lines of its own, marked, one per address; any earlier
    /// marked lines are replaced. The name is pinned because the agent resolves it on every connection
    /// and DNS is blocked while isolated.
    public static func pinning(_ name: String, to addresses: [IPAddress], in hosts: String) -> String {
        var text = unpinning(hosts)
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for address in addresses { text += "\(address)\t\(name)\t\(hostsMarker)\n" }
        return text
    }

    /// `hosts` without the lines attt added.
    public static func unpinning(_ hosts: String) -> String {
        guard hosts.contains(hostsMarker) else { return hosts }
        let lines = hosts.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasSuffix(hostsMarker) }
        return lines.joined(separator: "\n")
    }
}
