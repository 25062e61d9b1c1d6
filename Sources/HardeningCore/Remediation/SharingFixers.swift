import FoundationEssentials

/// VN-TD-SHR-002 (Điều 7 khoản 1): NFS has no password, so no export lets a client's root act as
/// root (`no_root_squash` is removed, root_squash is NFS's default), and anonymous FTP is turned off.
/// Exports to every host need the unit's list of allowed hosts, so they are reported, not guessed;
/// no export or share is ever removed.
public struct NfsExportFixer: Fixer {
    public let name = "nfs-export-options"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] {
        var paths = Set(facts.shares.value?.nfsExports.filter(\.noRootSquash).map(\.source.path) ?? [])
        if facts.shares.value?.ftpAnonymous?.value == true { paths.insert("/etc/vsftpd.conf") }
        return paths.sorted()
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let shares = context.facts.shares.value else { throw FixError.cannotFix(context.control.id, "the sharing facts could not be collected") }
        var actions: [RemediationAction] = []
        for path in Array(Set(shares.nfsExports.filter(\.noRootSquash).map(\.source.path))).sorted() {
            guard let text = context.text(path) else { continue }
            // Only the option goes: `no_root_squash,` / `,no_root_squash` / `(no_root_squash)`.
            var lines = text.rawLines.map(String.init)
            for export in shares.nfsExports where export.source.path == path && export.noRootSquash {
                guard let line = export.source.line, line >= 1, line <= lines.count else { continue }
                lines[line - 1] = lines[line - 1]
                    .replacing("no_root_squash,", with: "")
                    .replacing(",no_root_squash", with: "")
                    .replacing("(no_root_squash)", with: "")
            }
            actions.append(.writeFile(path: path, content: Data(lines.joined(separator: "\n").utf8), mode: 0o644))
        }
        if shares.ftpAnonymous?.value == true {
            let text = context.text("/etc/vsftpd.conf") ?? ""
            let edited = ConfigEdit.set("anonymous_enable", to: "NO", in: text, style: .equals, comment: "attt \(context.control.id) (Điều 7 khoản 1)")
                .replacing("anonymous_enable = NO", with: "anonymous_enable=NO")
            actions.append(.writeFile(path: "/etc/vsftpd.conf", content: Data(edited.utf8), mode: 0o644))
        }
        if actions.isEmpty, shares.nfsExports.contains(where: \.world) {
            throw FixError.cannotFix(context.control.id, "exports to every host need the unit's list of allowed hosts: edit /etc/exports (the export is not removed automatically)")
        }
        return actions
    }
}

/// VN-TD-AV-002 (Điều 10 khoản 5): fresh signatures. freshclam is run (inside the root), or the
/// freshclam service restarted on the live host, where it holds freshclam's lock.
public struct FreshclamFixer: Fixer {
    public let name = "freshclam"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { [] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        let running = (context.facts.services.enabled.value ?? []).contains { $0.unit == "clamav-freshclam.service" }
        if context.root == "/" && running {
            return [.runCommand(arguments: ["systemctl", "restart", "clamav-freshclam.service"], touches: [], inRoot: false)]
        }
        return [.runCommand(arguments: ["freshclam", "--quiet"], touches: [], inRoot: true)]
    }
}
