public import HardeningCore

/// The report an officer reads in a terminal: failures first, each with its evidence.
public struct TextReport {
    public var language: Language
    /// Colour codes only on a terminal.
    public var color: Bool

    public init(language: Language, color: Bool = false) {
        self.language = language
        self.color = color
    }

    static let order: [ResultStatus] = [.fail, .error, .manual, .pass, .notApplicable]

    /// Failures first, then errors, what to attest, passes; within each, the most severe first.
    static func sorted(_ results: [ControlResult]) -> [ControlResult] {
        results.sorted { a, b in
            let ia = order.firstIndex(of: a.status)!, ib = order.firstIndex(of: b.status)!
            if ia != ib { return ia < ib }
            if a.severity != b.severity { return a.severity > b.severity }
            return a.control < b.control
        }
    }

    public func render(_ report: Report) -> String {
        let l = language
        var out = ""
        out += Strings.text(Strings.heading, l) + "\n"
        out += "\(Strings.text(Strings.host, l)): \(report.host.hostname ?? Strings.text(Strings.unknownHost, l))"
        if report.host.root != "/" { out += "  (root \(report.host.root))" }
        out += "\n"
        if let os = report.host.os.prettyName { out += "\(Strings.text(Strings.system, l)): \(os)\n" }
        for reason in report.host.unread ?? [] { out += "\(Strings.text(Strings.unread, l)): \(reason)\n" }
        out += "\(Strings.text(Strings.policy, l)): \(report.policy.id) \(report.policy.version) · \(Strings.text(Strings.profile, l)): \(Strings.profileName(report.policy.profile, l)) · \(Strings.text(Strings.role, l)): \(Strings.roleName(report.policy.role, l))\n"
        if let bundle = report.policy.bundle { out += "\(Strings.text(Strings.bundle, l)): \(Strings.bundleLine(bundle, l))\n" }
        if let refused = report.policy.bundleRefused { out += "\(Strings.text(Strings.bundleRefused, l)): \(Strings.refusalLine(refused, l))\n" }
        if let ignored = report.policy.ignoredTailoring { out += "\(Strings.text(Strings.ignoredTailoring, l)): \(ignored.joined(separator: ", "))\n" }
        out += "\(Strings.text(Strings.time, l)): \(report.startedAt) · \(report.durationMs) ms\n\n"

        let sorted = Self.sorted(report.results)
        // Columns: status, control, severity, title — padded by characters, so Vietnamese diacritics align.
        let width = Self.order.map { Strings.status($0, l).count }.max()!
        let idWidth = sorted.map(\.control.count).max() ?? 0
        let severityWidth = Severity.allCases.map { Strings.severity($0, l).count }.max()!
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        out += pad(Strings.text(Strings.statusHeading, l), width) + "  " + pad(Strings.text(Strings.controlHeading, l), idWidth) + "  "
            + pad(Strings.text(Strings.severityHeading, l), severityWidth) + "  " + Strings.text(Strings.titleHeading, l) + "\n"
        for result in sorted {
            let status = Strings.status(result.status, l)
            out += "\(paint(pad(status, width), result.status))  \(pad(result.control, idWidth))  \(pad(Strings.severity(result.severity, l), severityWidth))  \(result.title.text(l))\n"
            let indent = String(repeating: " ", count: width + 2)
            if result.status == .fail || result.status == .error || result.status == .manual {
                out += "\(indent)\(Strings.text(Strings.clause, l)): \(result.references.joined(separator: "; "))\n"
            }
            if let reason = result.reason {
                out += "\(indent)\(Strings.text(Strings.reason, l)): \(reason.text(l))\n"
            }
            if result.status == .fail || result.status == .error {
                for e in result.evidence { out += indent + (e.ok ? "✓ " : "✗ ") + evidence(e) + "\n" }
                if let fix = result.fix { out += "\(indent)\(Strings.text(Strings.fix, l)): \(fix.text(l))\n" }
            }
        }
        let s = report.summary
        out += "\n\(Strings.text(Strings.summary, l)): "
        out += [
            "\(Strings.status(.pass, l)) \(s.pass)", "\(Strings.status(.fail, l)) \(s.fail)",
            "\(Strings.status(.error, l)) \(s.error)", "\(Strings.status(.manual, l)) \(s.manual)",
            "\(Strings.status(.notApplicable, l)) \(s.notApplicable)",
        ].joined(separator: " · ")
        out += " / \(s.total)\n"
        return out
    }

    func evidence(_ e: Evidence) -> String {
        let l = language
        var parts = [e.itemText(l) + ":"]
        parts.append("\(Strings.text(Strings.found, l)) \(e.actual.map { word($0) } ?? Strings.text(Strings.absent, l))")
        if let expected = e.expected { parts.append("· \(Strings.text(Strings.expected, l)) \(word(expected))") }
        if let source = e.source {
            let shown = source.hasPrefix("default:") ? "\(Strings.text(Strings.defaultValue, l)) \(source.dropFirst(8))" : source
            parts.append("(\(shown))")
        }
        return parts.joined(separator: " ")
    }

    func word(_ value: String) -> String { Strings.word(value, language) }

    func paint(_ text: String, _ status: ResultStatus) -> String {
        guard color else { return text }
        let code: String
        switch status {
        case .pass: code = "32"
        case .fail: code = "31;1"
        case .error: code = "35"
        case .manual: code = "33"
        case .notApplicable: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
