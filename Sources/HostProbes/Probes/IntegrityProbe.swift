import Crypto
import FoundationEssentials
import HardeningCore
import HostAccess

/// VN-TD-INT-001 (Điều 11 khoản 2 điểm a; Điều 7 khoản 7): hashes the files dpkg recorded for a
/// named list of security-relevant packages and compares them with its MD5 sums, as
/// `dpkg --verify` does, within a byte and a file budget so `attt check` stays fast.
///
/// Only the paths the md5sums files list are opened: no directory tree is walked. Paths resolve
/// inside the root (``HostRoot``); a file that became a symbolic link is reported, not followed.
struct IntegrityProbe {
    let host: HostRoot
    var packages: [String] = IntegrityProbe.defaultPackages
    var maxBytes = 256 << 20
    var maxFiles = 4000

    /// The packages whose files decide who can log in and what runs as root, in the order they are
    /// checked (what an intruder replaces first: login, su, sudo, sshd, PAM modules, ps).
    /// Measured on a Debian 12 host (2026-11-26): these hold about 9 MB of programs and libraries
    /// (125 files); adding coreutils, util-linux, systemd, apt and dpkg makes it 31 MB (727 files),
    /// three times the time `attt check` may spend in all, so those five are `extendedPackages`.
    static let defaultPackages = [
        "login", "passwd", "sudo", "openssh-server", "openssh-client", "libpam-modules", "libpam-runtime",
        "libpam0g", "procps", "auditd", "clamav",
    ]
    static let extendedPackages = ["coreutils", "util-linux", "systemd", "apt", "dpkg"]

    /// Documentation never runs: it is not hashed (it is most of the bytes of many packages).
    static let documentation = ["/usr/share/doc/", "/usr/share/man/", "/usr/share/locale/", "/usr/share/info/"]

    static let status = "/var/lib/dpkg/status"
    static let unfinishedStates: Set<String> = ["half-installed", "half-configured", "unpacked", "triggers-awaited"]

    func collect() throws -> IntegrityFacts {
        guard let text = try host.text(Self.status) else {
            throw ProbeError(path: Self.status, reason: "missing: no dpkg database (this probe reads Debian-family systems)")
        }
        let records = DpkgInfo.status(text)
        let wanted = Set(packages)
        var modified: [ChangedFile] = [], changedConfiguration: [ChangedFile] = []
        var unfinished: [UnfinishedPackage] = [], withoutSums: [String] = []
        var files = 0, total = 0, bytes = 0
        var budgetReached = false
        var checkedPackages: [String] = []
        for record in records {
            // `dpkg --audit`: a package stuck between unpacking and configuring.
            if record.status.count == 3, Self.unfinishedStates.contains(record.status[2]) || record.status[1] == "reinstreq" {
                unfinished.append(UnfinishedPackage(name: record.name, state: record.status[1] == "reinstreq" ? "reinstreq " + record.status[2] : record.status[2], source: SourceLocation(path: Self.status, line: record.statusLine)))
            }
            guard wanted.contains(record.name), record.status.last == "installed" else { continue }
            checkedPackages.append(record.name)
            // Multi-Arch: same packages keep `<pkg>:<arch>.md5sums`.
            var sumsPath = "/var/lib/dpkg/info/\(record.name).md5sums"
            if !host.exists(sumsPath), let arch = record.architecture { sumsPath = "/var/lib/dpkg/info/\(record.name):\(arch).md5sums" }
            let conffiles = Set(record.conffiles.map(\.path))
            if let sumsText = try host.text(sumsPath) {
                let parsed = DpkgInfo.md5sums(sumsText)
                if let bad = parsed.problems.first {
                    throw ProbeError(path: "\(sumsPath):\(bad.line)", reason: bad.reason)
                }
                for sum in parsed.sums where !conffiles.contains(sum.path) && !Self.documentation.contains(where: { sum.path.hasPrefix($0) }) {
                    total += 1
                    if budgetReached || files >= maxFiles || bytes >= maxBytes { budgetReached = true; continue }
                    files += 1
                    let source = SourceLocation(path: sumsPath, line: sum.line)
                    if let problem = try compare(sum, bytes: &bytes) {
                        modified.append(ChangedFile(path: sum.path, package: record.name, problem: problem, source: source))
                    }
                }
            } else {
                withoutSums.append(record.name)
            }
            for sum in record.conffiles {
                total += 1
                if budgetReached || files >= maxFiles || bytes >= maxBytes { budgetReached = true; continue }
                files += 1
                if let problem = try compare(sum, bytes: &bytes) {
                    changedConfiguration.append(ChangedFile(path: sum.path, package: record.name, problem: problem, source: SourceLocation(path: Self.status, line: sum.line)))
                }
            }
        }
        let mib = Double(bytes) / 1_048_576
        let size = "\(Int(mib)).\(Int(mib * 10) % 10) MiB"
        var coverage = "checked \(files) of \(total) files (\(size), documentation skipped) of \(checkedPackages.count) packages: \(checkedPackages.sorted().joined(separator: ", "))"
        if budgetReached { coverage += "; budget reached (\(maxFiles) files, \(maxBytes >> 20) MiB)" }
        if !withoutSums.isEmpty { coverage += "; no md5sums file: \(withoutSums.sorted().joined(separator: ", "))" }
        return IntegrityFacts(
            // Changed files first: a file missing from a trimmed install is less telling than an edit.
            modified: modified, changedConfiguration: changedConfiguration.filter { $0.problem != "missing" } + changedConfiguration.filter { $0.problem == "missing" }, unfinished: unfinished,
            coverage: coverage, withoutSums: withoutSums.sorted(), aide: try aide()
        )
    }

    /// `nil` when the file matches its sum; otherwise what is wrong with it.
    func compare(_ sum: DpkgInfo.Sum, bytes: inout Int) throws -> String? {
        if host.linkTarget(sum.path) != nil { return "replaced by a link" }
        var hasher = Insecure.MD5()
        var read = 0
        let found: Bool
        do {
            found = try host.stream(sum.path, chunk: 64 << 10) { chunk in
                hasher.update(bufferPointer: chunk)
                read += chunk.count
            }
        } catch let error as ProbeError {
            return "unreadable (\(error.reason))"
        }
        bytes += read
        guard found else { return "missing" }
        let hex = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
        return hex == sum.md5 ? nil : "changed"
    }

    /// AIDE's configuration and database, and when its daily check last wrote its log.
    func aide() throws -> AideState {
        let config = ["/etc/aide/aide.conf", "/etc/aide.conf"].first(where: host.exists)
        let database = ["/var/lib/aide/aide.db", "/var/lib/aide/aide.db.gz"].first(where: host.exists)
        var last: Sourced<String>? = nil
        for path in ["/var/log/aide/aide.log", "/var/log/aide/aide.log.1"] {
            if let date = try host.modified(path), last.map({ Timestamp.parse($0.value).map { date > $0 } ?? true }) ?? true {
                last = Sourced(Timestamp(date).description, SourceLocation(path: path))
            }
        }
        return AideState(config: config.map { SourceLocation(path: $0) }, database: database.map { SourceLocation(path: $0) }, lastCheck: last)
    }
}
