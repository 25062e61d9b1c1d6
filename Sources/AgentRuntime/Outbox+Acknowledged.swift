public import DurableFiles
public import FoundationEssentials
import HostAccess

/// The content of the report the collector acknowledged last (issue 17 point 3): a run with the same
/// results and inventory goes as an ``UnchangedReport`` naming it. Kept beside the outbox
/// (`outbox.acknowledged`), not in it: the outbox holds only items. Losing or damaging it costs only
/// one whole report.
public struct AcknowledgedContent: Codable, Sendable, Hashable {
    public var reportId: UUID
    /// ``ReportContent/digest(of:)`` of that report.
    public var contentDigest: String

    public init(reportId: UUID, contentDigest: String) {
        self.reportId = reportId
        self.contentDigest = contentDigest
    }
}

extension Outbox {
    static let acknowledgedName = "outbox.acknowledged"

    /// What the collector holds as this PC's latest content; nil when unknown or unreadable.
    public func acknowledgedContent() -> AcknowledgedContent? {
        guard let state = try? host.existingDirectory(AtomicFile.parentDirectory(of: Self.path)),
              let data = try? state.read(Self.acknowledgedName, limit: 4 << 10) else { return nil }
        return try? Self.decoder.decode(AcknowledgedContent.self, from: data)
    }

    /// Written after the acknowledgement, so it never names a report the collector may not have;
    /// a failure to write it costs one whole report on the next run, never the upload.
    func remember(_ content: AcknowledgedContent?) {
        guard let state = try? host.directory(AtomicFile.parentDirectory(of: Self.path), create: 0o755) else { return }
        guard let content, let data = try? Self.encoder.encode(content) else {
            try? state.remove(Self.acknowledgedName)
            return
        }
        try? state.write(data, name: Self.acknowledgedName, mode: 0o600)
    }
}
