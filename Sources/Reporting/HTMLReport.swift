public import HardeningCore

/// The report as one HTML file an officer opens in a browser, prints or attaches to the periodic
/// report: Vietnamese by default, no script and no outside file (styles inline, a strict CSP), so it
/// reads the same offline on any PC. Summary by area and by article of the regulation, then the
/// results, failures first, each with its evidence and the fix attt would apply.
///
/// Elements carry `data-status`, `data-count` and `id`s, so a test can read the counts back.
public struct HTMLReport {
    public var language: Language

    public init(language: Language) {
        self.language = language
    }

    public func render(_ report: Report) -> String {
        let l = language
        let title = Strings.text(Strings.heading, l) + " — " + (report.host.hostname ?? Strings.text(Strings.unknownHost, l))
        var html = """
            <!DOCTYPE html>
            <html lang="\(l.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(escape(Strings.text(Strings.heading, l)))</h1>
            <dl class="meta">

            """
        func meta(_ key: Strings.Key, _ value: String) {
            html += "<dt>\(escape(Strings.text(key, l)))</dt><dd>\(escape(value))</dd>\n"
        }
        meta(Strings.host, (report.host.hostname ?? Strings.text(Strings.unknownHost, l)) + (report.host.root == "/" ? "" : " (root \(report.host.root))"))
        if let os = report.host.os.prettyName { meta(Strings.system, os) }
        for reason in report.host.unread ?? [] { meta(Strings.unread, reason) }
        meta(Strings.policy, "\(report.policy.id) \(report.policy.version)")
        meta(Strings.profile, Strings.profileName(report.policy.profile, l))
        meta(Strings.role, Strings.roleName(report.policy.role, l))
        if let bundle = report.policy.bundle { meta(Strings.bundle, Strings.bundleLine(bundle, l)) }
        if let refused = report.policy.bundleRefused { meta(Strings.bundleRefused, Strings.refusalLine(refused, l)) }
        if let ignored = report.policy.ignoredTailoring { meta(Strings.ignoredTailoring, ignored.joined(separator: ", ")) }
        meta(Strings.time, "\(report.startedAt) · \(report.durationMs) ms")
        html += "</dl>\n</header>\n<main>\n"

        // The totals, as the JSON report's summary has them.
        let s = report.summary
        html += "<section id=\"summary\"><h2>\(escape(Strings.text(Strings.summary, l)))</h2>\n<ul class=\"totals\">\n"
        for (status, count) in [(ResultStatus.fail, s.fail), (.error, s.error), (.manual, s.manual), (.pass, s.pass), (.notApplicable, s.notApplicable)] {
            html += "<li class=\"\(status.rawValue)\" data-status=\"\(status.rawValue)\"><span class=\"n\" data-count=\"\(status.rawValue)\">\(count)</span> \(escape(Strings.status(status, l)))</li>\n"
        }
        html += "<li data-status=\"total\"><span class=\"n\" data-count=\"total\">\(s.total)</span> \(escape(Strings.text(Strings.total, l)))</li>\n</ul>\n"
        html += table(Strings.text(Strings.byArea, l), id: "by-area", groups: group(report.results) { [Strings.areaName($0.area, l)] })
        html += table(Strings.text(Strings.byArticle, l), id: "by-article", groups: group(report.results) { Self.articles($0.references) })
        html += "</section>\n"

        html += "<section id=\"results\"><h2>\(escape(Strings.text(Strings.results, l)))</h2>\n"
        for result in TextReport.sorted(report.results) { html += article(result) }
        html += "</section>\n</main>\n</body>\n</html>\n"
        return html
    }

    /// `Điều 7 khoản 2` → `Điều 7`; the two articles numbered 6 keep their titles apart.
    static func articles(_ references: [String]) -> [String] {
        var seen: [String] = []
        for reference in references {
            let article = reference.firstRange(of: " khoản ").map { String(reference[..<$0.lowerBound]) } ?? reference
            if !seen.contains(article) { seen.append(article) }
        }
        return seen
    }

    /// Counts per group and status, groups in order of first appearance after sorting by name.
    func group(_ results: [ControlResult], by keys: (ControlResult) -> [String]) -> [(String, [ResultStatus: Int])] {
        var counts: [String: [ResultStatus: Int]] = [:]
        for result in results {
            for key in keys(result) { counts[key, default: [:]][result.status, default: 0] += 1 }
        }
        return counts.sorted { Self.naturalOrder($0.key, $1.key) }.map { ($0.key, $0.value) }
    }

    /// `Điều 9` before `Điều 10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let na = Int(a.split(separator: " ").dropFirst().first?.prefix { $0.isNumber } ?? ""), nb = Int(b.split(separator: " ").dropFirst().first?.prefix { $0.isNumber } ?? "")
        if let na, let nb, na != nb { return na < nb }
        return a < b
    }

    func table(_ caption: String, id: String, groups: [(String, [ResultStatus: Int])]) -> String {
        let l = language
        var html = "<table id=\"\(id)\"><caption>\(escape(caption))</caption>\n<thead><tr><th></th>"
        for status in TextReport.order { html += "<th class=\"\(status.rawValue)\">\(escape(Strings.status(status, l)))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for (name, counts) in groups {
            html += "<tr><th scope=\"row\">\(escape(name))</th>"
            for status in TextReport.order {
                let n = counts[status] ?? 0
                html += "<td class=\"\(n > 0 ? status.rawValue : "zero")\">\(n)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    func article(_ r: ControlResult) -> String {
        let l = language
        var html = "<article class=\"result \(r.status.rawValue)\" id=\"\(escape(r.control))\" data-status=\"\(r.status.rawValue)\">\n"
        html += "<h3><span class=\"badge \(r.status.rawValue)\">\(escape(Strings.status(r.status, l)))</span> <code>\(escape(r.control))</code> \(escape(r.title.text(l)))</h3>\n"
        html += "<p class=\"facts\">\(escape(Strings.text(Strings.severityLabel, l))): \(escape(Strings.severity(r.severity, l))) · \(escape(Strings.text(Strings.clause, l))): \(escape(r.references.joined(separator: "; ")))</p>\n"
        if let reason = r.reason {
            html += "<p class=\"reason\">\(escape(Strings.text(Strings.reason, l))): \(escape(reason.text(l)))</p>\n"
        }
        if !r.evidence.isEmpty && r.status != .notApplicable {
            html += "<table class=\"evidence\"><thead><tr><th></th><th>\(escape(Strings.text(Strings.item, l)))</th><th>\(escape(Strings.text(Strings.foundHeading, l)))</th><th>\(escape(Strings.text(Strings.expectedHeading, l)))</th><th>\(escape(Strings.text(Strings.where, l)))</th></tr></thead><tbody>\n"
            // What failed first.
            for e in r.evidence.filter({ !$0.ok }) + r.evidence.filter(\.ok) {
                let source = e.source.map { $0.hasPrefix("default:") ? "\(Strings.text(Strings.defaultValue, l)) \($0.dropFirst(8))" : $0 } ?? ""
                html += "<tr class=\"\(e.ok ? "ok" : "bad")\"><td>\(e.ok ? "✓" : "✗")</td><td>\(escape(e.itemText(l)))</td>"
                html += "<td>\(escape(e.actual.map { Strings.word($0, l) } ?? Strings.text(Strings.absent, l)))</td>"
                html += "<td>\(escape(e.expected.map { Strings.word($0, l) } ?? ""))</td><td><code>\(escape(source))</code></td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if let fix = r.fix, r.status == .fail {
            html += "<p class=\"fix\">\(escape(Strings.text(Strings.fixByAttt, l))): \(escape(fix.text(l)))</p>\n"
        }
        return html + "</article>\n"
    }

    func escape(_ text: String) -> String { Self.escape(text) }

    /// Text for HTML content and attribute values (the collector's pages use it too).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static let style = """
        body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;color:#1b1b1b;line-height:1.45}
        h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:2px solid #ccc;padding-bottom:.2rem;margin-top:1.8rem}h3{font-size:1rem;margin:.2rem 0}
        dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dl.meta dt{color:#555}dl.meta dd{margin:0}
        ul.totals{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.6rem}ul.totals li{border:1px solid #ccc;border-radius:.4rem;padding:.4rem .8rem}ul.totals .n{font-size:1.4rem;font-weight:bold}
        table{border-collapse:collapse;margin:.8rem 0}caption{text-align:left;font-weight:bold;padding:.3rem 0}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
        td.zero{color:#bbb}td.fail,th.fail,.badge.fail{color:#fff;background:#b3261e}td.error,th.error,.badge.error{color:#fff;background:#7b1fa2}
        td.manual,th.manual,.badge.manual{background:#f9a825}td.pass,th.pass,.badge.pass{color:#fff;background:#2e7d32}td.not_applicable,th.not_applicable,.badge.not_applicable{background:#e0e0e0}
        .badge{border-radius:.3rem;padding:.05rem .4rem;font-size:.85rem}
        article.result{border:1px solid #ddd;border-left:.4rem solid #999;border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}
        article.fail{border-left-color:#b3261e}article.error{border-left-color:#7b1fa2}article.manual{border-left-color:#f9a825}article.pass{border-left-color:#2e7d32}
        table.evidence{font-size:.9rem;width:100%}tr.bad td:first-child{color:#b3261e;font-weight:bold}tr.ok td:first-child{color:#2e7d32}
        p.facts{color:#555;margin:.2rem 0}p.fix{background:#e8f0fe;padding:.3rem .5rem;border-radius:.3rem}
        code{font-family:"DejaVu Sans Mono",monospace;font-size:.9em}
        @media print{body{max-width:none}h2{break-after:avoid}}
        """
}
