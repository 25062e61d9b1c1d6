public import CollectorAPI
public import FoundationEssentials
public import HardeningCore

/// What the collector accepts from an agent. An enrolled agent may be compromised (issue 12, threat
/// model): it can lie, send too much or send nonsense, so the store checks every record before it
/// keeps any of it and never takes a count or a time on the agent's word.
public struct ReportLimits: Sendable, Hashable {
    /// A policy has a few dozen controls; a hundred times that is not a report, it is a flood.
    public var results = 2_000
    /// INT-001 on a large server lists a few thousand changed files at most.
    public var evidencePerResult = 20_000
    /// Any one string: a path, a value read from a file, a title.
    public var stringBytes = 8 << 10
    /// Reports one compacted record may stand for (years of daily runs).
    public var compactedCount = 1_000_000
    /// Uploads stored per host per hour: a daily run with a backlog of a month sends a few dozen.
    public var uploadsPerHour = 120
    /// What one host may keep at the collector: years of daily full reports of a large server.
    public var storedBytesPerHost = 512 << 20

    public init() {}

    /// Checks a full report; throws what is wrong with it, naming the result and field.
    public func check(_ report: Report) throws {
        guard report.results.count <= results else {
            throw ReportRefusal.tooLarge("the report has \(report.results.count) results; at most \(results) are accepted")
        }
        try checkString(report.agent, "agent")
        for (name, value) in [("host.hostname", report.host.hostname), ("host.machineId", report.host.machineId), ("host.root", report.host.root),
                              ("host.os.id", report.host.os.id), ("host.os.versionId", report.host.os.versionId),
                              ("host.os.prettyName", report.host.os.prettyName), ("policy.id", report.policy.id),
                              ("policy.version", report.policy.version), ("policy.tailoring", report.policy.tailoring)] {
            try checkString(value, name)
        }
        // The catalogue bundle: a unit name, a digest, and the PC's reasons for a refusal (a handful).
        if let bundle = report.policy.bundle {
            try checkString(bundle.unit, "policy.bundle.unit")
            try checkString(bundle.sha256, "policy.bundle.sha256")
        }
        if let refused = report.policy.bundleRefused {
            guard refused.reasons.count <= 100 else { throw ReportRefusal.tooLarge("policy.bundleRefused has \(refused.reasons.count) reasons; at most 100 are accepted") }
            for reason in refused.reasons { try checkString(reason, "policy.bundleRefused.reasons") }
            try checkString(refused.at, "policy.bundleRefused.at")
        }
        guard (report.policy.ignoredTailoring ?? []).count <= 1_000 else { throw ReportRefusal.tooLarge("policy.ignoredTailoring has more than 1000 keys") }
        for key in report.policy.ignoredTailoring ?? [] { try checkString(key, "policy.ignoredTailoring") }
        // A large server has a few thousand packages installed.
        if let packages = report.inventory?.packages {
            guard packages.count <= 50_000 else { throw ReportRefusal.tooLarge("inventory.packages has \(packages.count) entries; at most 50000 are accepted") }
            for package in packages {
                try checkString(package.name, "inventory.packages.name")
                try checkString(package.version, "inventory.packages.version")
                try checkString(package.priority, "inventory.packages.priority")
            }
        }
        // An agent names at most its three identity files (hostname, machine-id, os-release).
        let unread = report.host.unread ?? []
        guard unread.count <= 3 else { throw ReportRefusal.tooLarge("host.unread has \(unread.count) entries; at most 3 are accepted") }
        for value in unread { try checkString(value, "host.unread") }
        var seen = Set<String>()
        for (index, result) in report.results.enumerated() {
            let at = "results[\(index)]"
            try checkControl(result.control, at + ".control")
            guard seen.insert(result.control).inserted else { throw ReportRefusal.invalid("\(at): \(result.control) appears twice in one report") }
            guard result.evidence.count <= evidencePerResult else {
                throw ReportRefusal.tooLarge("\(at) (\(result.control)) has \(result.evidence.count) evidence items; at most \(evidencePerResult) are accepted")
            }
            try checkString(result.area, at + ".area")
            for reference in result.references { try checkString(reference, at + ".references") }
            for text in [result.title, result.reason, result.fix].compactMap({ $0 }) {
                try checkString(text.vi, at + " text")
                try checkString(text.en, at + " text")
            }
            for (e, evidence) in result.evidence.enumerated() {
                for value in [evidence.source, evidence.item, evidence.subject, evidence.actual, evidence.expected, evidence.label?.vi, evidence.label?.en] {
                    try checkString(value, "\(at).evidence[\(e)]")
                }
            }
        }
    }

    /// Checks an unchanged report: its header as a report's, without results or inventory (the
    /// collector takes them from the report it names), and a digest in the one form it can have.
    public func check(_ unchanged: UnchangedReport) throws {
        guard unchanged.report.results.isEmpty, unchanged.report.inventory == nil else {
            throw ReportRefusal.invalid("an unchanged report carries no results and no inventory: send it whole to /v1/reports")
        }
        try check(unchanged.report)
        guard unchanged.contentDigest.utf8.count == 64, unchanged.contentDigest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw ReportRefusal.invalid("contentDigest is the SHA-256 of the report's content in 64 lower-case hex digits")
        }
    }

    /// Checks a summary the agent's outbox made: counts that add up, one failing id per failure.
    public func check(_ summary: ReportSummary) throws {
        let s = summary.summary
        let counts = [("pass", s.pass), ("fail", s.fail), ("not_applicable", s.notApplicable), ("error", s.error), ("manual", s.manual), ("total", s.total)]
        for (name, count) in counts where !(0...results).contains(count) {
            throw ReportRefusal.invalid("summary.\(name) is \(count); a count is between 0 and \(results)")
        }
        // Each count is at most `results`, so the sum cannot overflow.
        guard s.pass + s.fail + s.notApplicable + s.error + s.manual == s.total else {
            throw ReportRefusal.invalid("the summary's counts do not add up to its total \(s.total)")
        }
        try summary.failing.forEach { try checkControl($0, "failing") }
        guard Set(summary.failing).count == summary.failing.count, summary.failing.count == s.fail else {
            throw ReportRefusal.invalid("failing names \(summary.failing.count) controls (each once) but the summary counts \(s.fail) failures")
        }
    }

    /// Checks a compacted record: a sane count, failures within it, times in order.
    public func check(_ compacted: CompactedReports) throws {
        guard (1...compactedCount).contains(compacted.count) else {
            throw ReportRefusal.invalid("count is \(compacted.count); a compacted record stands for 1 to \(compactedCount) reports")
        }
        guard compacted.failures.count <= results else {
            throw ReportRefusal.tooLarge("failures names \(compacted.failures.count) controls; at most \(results) are accepted")
        }
        for (control, times) in compacted.failures {
            try checkControl(control, "failures")
            guard (0...compacted.count).contains(times) else {
                throw ReportRefusal.invalid("failures[\(control)] is \(times); it is between 0 and the record's count \(compacted.count)")
            }
        }
        guard compacted.from <= compacted.to else { throw ReportRefusal.invalid("from is after to") }
    }

    func checkControl(_ id: String, _ field: String) throws {
        guard ControlId.isValid(id) else {
            throw ReportRefusal.invalid("\(field): \(String(id.prefix(80)).debugDescription) is not a control id such as VN-TD-PW-001")
        }
    }

    func checkString(_ value: String?, _ field: String) throws {
        guard let value, value.utf8.count > stringBytes else { return }
        throw ReportRefusal.tooLarge("\(field) is \(value.utf8.count) bytes long; a string is at most \(stringBytes) bytes")
    }

    /// A time after arrival cannot be true: the agent's clock is wrong or it lies. Kept as arrival, so
    /// a report dated 2099 cannot stay a host's latest status for ever.
    public static func clamp(_ time: Timestamp, toArrival arrival: Date) -> Timestamp {
        time.date > arrival ? Timestamp(arrival) : time
    }
}

/// Why the store refused an agent's record; the message says what to change.
public enum ReportRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// More than a limit allows (HTTP 413).
    case tooLarge(String)
    /// Contradictory or malformed content (HTTP 422).
    case invalid(String)
    /// The host sent too much recently or keeps too much; try again after `retryAfter` seconds (HTTP 429).
    case quota(String, retryAfter: Int)
    /// An unchanged report whose named report is not this host's latest with that content: the PC
    /// sends the whole report instead (HTTP 412).
    case stale(String)

    public var description: String {
        switch self {
        case .tooLarge(let message), .invalid(let message), .quota(let message, _), .stale(let message): return message
        }
    }
}
