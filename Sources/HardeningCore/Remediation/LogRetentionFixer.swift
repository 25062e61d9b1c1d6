import FoundationEssentials

/// VN-TD-LOG-002 (Điều 7 khoản 4: "hạn chế việc tràn log file"; Điều 9 khoản 3): a persistent,
/// capped journal; the authentication log kept long enough; auditd rotating instead of halting; an
/// NTP client at boot. Each part changes only what fails, and only in files attt can put back.
public struct LogRetentionFixer: Fixer {
    public let name = "log-retention"
    public init() {}

    public static let journaldDropIn = "/etc/systemd/journald.conf.d/50-vn-td.conf"
    public static let auditdConf = "/etc/audit/auditd.conf"
    public static let authLog = "/var/log/auth.log"
    public static let timesyncdLink = "/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service"
    static let ntpUnits: Set<String> = ["systemd-timesyncd.service", "chrony.service", "chronyd.service", "ntpsec.service", "ntp.service", "openntpd.service"]

    public func reads(_ facts: HostFacts) -> [String] {
        var paths = [Self.journaldDropIn, Self.auditdConf]
        if let stanza = facts.logging.value?.authLogRotation?.stanza.path { paths.append(stanza) }
        return paths
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let logging = context.facts.logging.value else { throw FixError.cannotFix(context.control.id, "the logging facts could not be collected") }
        let minDays = try context.int("min_days")
        let installed = Dictionary((context.facts.packages.value?.installed ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var actions: [RemediationAction] = []

        // journald: persistent and capped; an age limit shorter than the retention period removed.
        let journal = logging.journald
        let retentionTooShort = (journal.maxRetentionDays?.value).map { $0 > 0 && $0 < Double(minDays) } ?? false
        if !journal.persistent || journal.systemMaxUse == nil || retentionTooShort {
            // A drop-in named after attt's would still win: say so rather than write a file that changes nothing.
            let failing = (journal.persistent ? [] : [journal.storage.source]) + (retentionTooShort ? [journal.maxRetentionDays!.source] : [])
            for setting in failing {
                let name = String(setting.path.split(separator: "/").last ?? "")
                if setting.path.contains("journald.conf.d/"), Array(name.utf8).lexicographicallyPrecedes(Array("50-vn-td.conf".utf8)) == false, name != "50-vn-td.conf" {
                    throw FixError.cannotFix(context.control.id, "\(setting) comes after \(Self.journaldDropIn) and overrides it; change or remove it first")
                }
            }
            var text = """
                # attt VN-TD-LOG-002 — Điều 7 khoản 4 ("hạn chế việc tràn log file"), Điều 9 khoản 3:
                # the journal is kept across reboots (Storage=persistent) and capped (SystemMaxUse).
                [Journal]
                Storage=persistent
                SystemMaxUse=1G

                """
            if retentionTooShort { text += "# No age limit: SystemMaxUse bounds the space instead.\nMaxRetentionSec=0\n" }
            if context.files[Self.journaldDropIn] != Data(text.utf8) {
                actions.append(.writeFile(path: Self.journaldDropIn, content: Data(text.utf8), mode: 0o644))
                if context.root == "/" {
                    actions.append(.runCommand(arguments: ["systemctl", "restart", "systemd-journald.service"], touches: [], inRoot: false))
                }
            }
        }

        // logrotate: auth.log in a stanza of its own, weekly, enough weeks for the retention period.
        if installed["rsyslog"] != nil, let rotation = logging.authLogRotation, rotation.days < minDays {
            let path = rotation.stanza.path
            guard let text = context.text(path) else { throw FixError.cannotFix(context.control.id, "\(path) could not be read") }
            let weeks = max(6, (minDays + 6) / 7)
            guard let edited = Self.separateAuthLog(text, weeks: weeks) else {
                throw FixError.cannotFix(context.control.id, "\(path): \(Self.authLog) could not be given a stanza of its own; set its rotation by hand")
            }
            actions.append(.writeFile(path: path, content: Data(edited.utf8), mode: 0o644))
        }

        // auditd: rotate rather than stop recording; never halt the machine when the disk is full.
        if installed["auditd"] != nil, let auditd = logging.auditd, var text = context.text(Self.auditdConf) {
            let original = text
            if !["ROTATE", "KEEP_LOGS"].contains(auditd.maxLogFileAction.value) {
                text = ConfigEdit.set("max_log_file_action", to: "ROTATE", in: text, style: .equals, comment: "attt VN-TD-LOG-002 (Điều 7 khoản 4)")
            }
            if auditd.diskFullAction.value == "HALT" {
                text = ConfigEdit.set("disk_full_action", to: "SUSPEND", in: text, style: .equals, comment: "attt VN-TD-LOG-002 (Điều 7 khoản 4)")
            }
            if text != original {
                actions.append(.writeFile(path: Self.auditdConf, content: Data(text.utf8), mode: 0o640))
                if context.root == "/" {
                    // auditd re-reads auditd.conf on SIGHUP (it refuses a manual restart).
                    actions.append(.runCommand(arguments: ["systemctl", "kill", "-s", "HUP", "auditd.service"], touches: [], inRoot: false))
                }
            }
        }

        // NTP: logs are evidence only with the right time.
        if !(context.facts.services.enabled.value ?? []).contains(where: { Self.ntpUnits.contains($0.unit) }) {
            if installed["systemd-timesyncd"] != nil {
                let root = context.root == "/" ? ["--now"] : ["--root", context.root]
                actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable", "systemd-timesyncd.service"], touches: [Self.timesyncdLink], inRoot: false))
            } else if installed["chrony"] == nil, installed["ntpsec"] == nil, installed["ntp"] == nil {
                // Its postinst enables the service.
                actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "systemd-timesyncd"], touches: [], inRoot: true))
            }
        }
        return actions
    }

    /// Takes `/var/log/auth.log` out of the stanza it shares (rsyslog's file names six logs) and gives
    /// it its own stanza at the end of the same file: logrotate refuses a log named in two stanzas
    /// ("duplicate log entry"), so a second file cannot simply override it. The other logs keep their
    /// settings. Nil when the result would leave a stanza without logs or name auth.log twice.
    public static func separateAuthLog(_ text: String, weeks: Int) -> String? {
        var out: [String] = []
        var inStanza = false, inScript = false, capturing = false
        var removed = 0
        // Names seen since the last stanza, and whether auth.log was one of them.
        var pendingNames = 0, pendingHadAuth = false, stanzaHasAuth = false
        var postrotate: [String] = []
        func isName(_ word: String) -> Bool { word.hasPrefix("/") || word.hasPrefix("\"/") || word.hasPrefix("~") }
        for raw in text.rawLines.map(String.init) {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if inScript {
                if capturing { postrotate.append(raw) }
                if words.first == "endscript" { inScript = false; capturing = false }
                out.append(raw)
                continue
            }
            if !inStanza {
                guard let first = words.first, !first.hasPrefix("#") else { out.append(raw); continue }
                var tokens = words
                var opens = false
                if tokens.last == "{" {
                    tokens.removeLast(); opens = true
                } else if let last = tokens.last, last.hasSuffix("{") {
                    tokens[tokens.count - 1] = String(last.dropLast()); opens = true
                }
                if !tokens.allSatisfy(isName) { pendingNames = 0; pendingHadAuth = false }
                let kept = tokens.filter { $0 != authLog && $0 != "\"\(authLog)\"" }
                if kept.count != tokens.count {
                    removed += tokens.count - kept.count
                    pendingHadAuth = true
                    let line = (kept + (opens ? ["{"] : [])).joined(separator: " ")
                    if !line.isEmpty { out.append(line) }
                } else {
                    out.append(raw)
                }
                pendingNames += kept.filter(isName).count
                if opens {
                    if pendingHadAuth && pendingNames == 0 { return nil }
                    inStanza = true
                    stanzaHasAuth = pendingHadAuth
                    pendingNames = 0
                    pendingHadAuth = false
                }
                continue
            }
            if words.first == "}" {
                inStanza = false
                stanzaHasAuth = false
            } else if words.first == "postrotate" {
                inScript = true
                capturing = stanzaHasAuth
                if capturing { postrotate = [raw] }
            } else if ["prerotate", "firstaction", "lastaction", "preremove"].contains(words.first ?? "") {
                inScript = true
            }
            out.append(raw)
        }
        guard removed == 1 else { return nil }
        while out.last?.isEmpty == true { out.removeLast() }
        let stanza = [
            "",
            "# attt VN-TD-LOG-002 — Điều 7 khoản 4 (\"hạn chế việc tràn log file\"), Điều 9 khoản 3: authentication",
            "# events are kept \(weeks) weeks. auth.log was taken out of the stanza above: logrotate refuses a",
            "# log named in two stanzas.",
            authLog,
            "{",
            "\trotate \(weeks)",
            "\tweekly",
            "\tmissingok",
            "\tnotifempty",
            "\tcompress",
            "\tdelaycompress",
        ] + postrotate.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 } + ["}"]
        return (out + stanza).joined(separator: "\n") + "\n"
    }
}
