import FoundationEssentials

/// VN-TD-PW-001 (Điều 9 khoản 6: at least 6 characters with upper, lower, digit and special; Điều 6 —
/// Trang thiết bị — khoản 3). Installs libpam-pwquality (its package script adds it to the password
/// stack through pam-auth-update, here on a staged pam.d), then a drop-in with the profile's values, and
/// comments out the main file's keys that would override it (pwquality.conf is read last and wins).
public struct PwqualityFixer: Fixer {
    public let name = "pwquality"
    public init() {}

    static let managedKeys = ["minlen", "dcredit", "ucredit", "lcredit", "ocredit", "minclass", "enforcing", "enforce_for_root"]
    static let dropIn = "/etc/security/pwquality.conf.d/50-vn-td.conf"

    public func reads(_ facts: HostFacts) -> [String] { ["/etc/security/pwquality.conf", Self.dropIn] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        // Never worse: a stricter value already in force is kept.
        let current = context.facts.authentication.value?.passwordChange.pwquality
        let minlen = max(try context.int("minlen"), current?.minlen.value ?? 0)
        func credit(_ value: Sourced<Int>?) -> Int { min(-1, value?.value ?? -1) }
        var actions: [RemediationAction] = []
        let packages = Set(context.facts.packages.value?.installed.map(\.name) ?? [])
        let inStack = context.facts.authentication.value?.passwordChange.qualityModule != nil
        // Without cracklib's dictionary, dictcheck refuses every new password: install it with the module.
        if !packages.contains("libpam-pwquality") {
            actions.append(.stagedPam(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "libpam-pwquality", "cracklib-runtime"]))
        } else {
            if !packages.contains("cracklib-runtime") {
                actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "cracklib-runtime"], touches: [], inRoot: true))
            }
            if !inStack { actions.append(try .enablePamProfiles(["pwquality"], control: context.control.id)) }
        }
        let dropIn = """
            # attt \(context.control.id) (Điều 9 khoản 6): at least \(minlen) characters, with upper case,
            # lower case, a digit and a special character; root too. Written by attt fix; attt rollback removes it.
            minlen = \(minlen)
            dcredit = \(credit(current?.dcredit))
            ucredit = \(credit(current?.ucredit))
            lcredit = \(credit(current?.lcredit))
            ocredit = \(credit(current?.ocredit))
            enforcing = 1
            enforce_for_root

            """
        if context.files[Self.dropIn] != Data(dropIn.utf8) {
            actions.append(.writeFile(path: Self.dropIn, content: Data(dropIn.utf8), mode: 0o644))
        }
        if let main = context.text("/etc/security/pwquality.conf") {
            let lines = main.rawLines.map { line -> String in
                let key = ConfigEdit.keyOf(String(line).trimmingPrefixBlanks, style: .equals)
                return key.map(Self.managedKeys.contains) == true ? "# (attt \(context.control.id): set in \(Self.dropIn)) " + line : String(line)
            }
            let edited = lines.joined(separator: "\n")
            if edited != main { actions.append(.writeFile(path: "/etc/security/pwquality.conf", content: Data(edited.utf8), mode: 0o644)) }
        }
        return actions
    }
}
