import FoundationEssentials

/// VN-TD-NET-005 (Điều 9 khoản 3): turn DNS over HTTPS off, locked, in every installed browser's
/// enterprise policy, so it asks the commune's filtering resolver. Firefox's /etc policy file hides the
/// one in its installation, so the new file starts from whichever Firefox reads now and keeps every
/// other policy in it. Chromium and Chrome get a managed file of their own. The transaction keeps the
/// old files: `attt rollback` restores them.
public struct BrowserDnsPolicyFixer: Fixer {
    public let name = "browser-doh-policy"
    public init() {}

    static let firefoxPolicy = "/etc/firefox/policies/policies.json"
    static let firefoxDistributions = ["firefox-esr": "/usr/lib/firefox-esr/distribution/policies.json", "firefox": "/usr/lib/firefox/distribution/policies.json"]
    static let chromiumPolicies = ["chromium": "/etc/chromium/policies/managed/50-vn-td-doh.json", "google-chrome-stable": "/etc/opt/chrome/policies/managed/50-vn-td-doh.json"]

    public func reads(_ facts: HostFacts) -> [String] { [Self.firefoxPolicy] + Self.firefoxDistributions.values.sorted() }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let browsers = context.facts.network.value?.webFilter?.browsers else {
            throw FixError.cannotFix(context.control.id, "the network facts could not be collected")
        }
        var actions: [RemediationAction] = []
        let failing = browsers.filter { !$0.dohDisabled.value || !$0.dohLocked.value || $0.problem != nil }
        if let firefox = failing.first(where: { Self.firefoxDistributions[$0.name] != nil }) {
            let current = context.text(Self.firefoxPolicy) ?? Self.firefoxDistributions[firefox.name].flatMap { context.text($0) }
            var document: [String: FactValue] = [:]
            if let current {
                guard case .object(let members)? = try? FactValue.decode(json: current) else {
                    throw FixError.cannotFix(context.control.id, "\(firefox.problem?.source.path ?? Self.firefoxPolicy) is not valid JSON: correct it by hand (attt does not overwrite policies it cannot read)")
                }
                document = members
            }
            var policies: [String: FactValue] = [:]
            if case .object(let p)? = document["policies"] { policies = p }
            policies["DNSOverHTTPS"] = .object(["Enabled": .bool(false), "Locked": .bool(true)])
            document["policies"] = .object(policies)
            actions.append(.writeFile(path: Self.firefoxPolicy, content: Data(try FactValue.object(document).encodedJSON().utf8), mode: 0o644))
        }
        for browser in failing {
            guard let path = Self.chromiumPolicies[browser.name] else { continue }
            actions.append(.writeFile(path: path, content: Data(try FactValue.object(["DnsOverHttpsMode": .string("off")]).encodedJSON().utf8), mode: 0o644))
        }
        return actions
    }
}
