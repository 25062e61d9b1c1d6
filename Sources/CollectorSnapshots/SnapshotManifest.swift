public import CollectorStore
public import Foundation
public import HardeningCore

/// `manifest.json`: what the archive holds and how to check it. Every file but the manifest itself
/// and `SHA256SUMS` is listed with its size and SHA-256; `SHA256SUMS` lists every file but itself,
/// in the format `sha256sum -c` reads.
public struct SnapshotManifest: Sendable, Hashable, Codable {
    public static let schema = "attt.inspection-snapshot.v1"

    public struct File: Sendable, Hashable, Codable {
        /// The path inside the archive.
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }

    public struct Officer: Sendable, Hashable, Codable {
        public var name: String
        public var role: String
    }

    public var schema = Self.schema
    public var unit: String
    /// The day the snapshot is of (Vietnam's calendar), `YYYY-MM-DD`.
    public var day: String
    /// The instant it shows: the end of that day, or the moment it was made when the day is today.
    public var at: Timestamp
    public var takenAt: Timestamp
    public var takenBy: Officer
    public var collectorVersion: String
    /// `hosts.silent-after`, in seconds: how "mất liên lạc" was decided.
    public var silentAfterSeconds: Int
    /// `history.report-bodies`, in seconds: why some reports are there only as their history.
    public var reportBodiesKeptSeconds: Int
    public var hosts: Int
    /// Hosts whose report at the date is included as the host sent it.
    public var reportsAsSent: Int
    /// Hosts whose report's body was no longer kept: their control states from the history instead.
    public var reportsFromHistory: [String]
    public var waivers: Int
    public var attestations: Int
    /// What a reader must know, in Vietnamese and English.
    public var notes: [String]
    public var files: [File]
}

extension SnapshotManifest {
    /// `SHA256SUMS`: `<hash>  <path>` a line, text mode, as `sha256sum` writes it.
    static func checksums(_ files: [File]) -> Data {
        Data(files.map { "\($0.sha256)  \($0.path)\n" }.joined().utf8)
    }

    static func encoded<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// One host of the unit at the date, as `hosts.json` and the index list it.
public struct SnapshotHostEntry: Sendable, Hashable, Codable {
    public var id: String
    /// What the PC called itself (the agent's word).
    public var hostname: String?
    public var enrolledAt: Timestamp
    public var revokedAt: Timestamp?
    /// reporting, silent, never-reported or revoked at the date (`hosts.silent-after`).
    public var state: HostActivity.State
    public var report: SnapshotReport?
    /// `as-sent`, `history` (the body was pruned: statuses from the history), or nil without a report.
    public var source: String?
    /// The file in the archive that holds it.
    public var file: String?
}

/// A waiver of the unit with its state at the date.
public struct SnapshotWaiverEntry: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case inForce = "in-force"
        case expired
        case ended
    }

    public var waiver: Waiver
    public var state: State

    init(_ waiver: Waiver, at instant: Date) {
        self.waiver = waiver
        if let ended = waiver.endedAt, ended.date <= instant, ended.date < waiver.expiresAt.date {
            state = .ended
        } else if waiver.expiresAt.date <= instant {
            state = .expired
        } else {
            state = .inForce
        }
    }
}

/// An attestation of the unit with its state at the date and its attached file in the archive.
public struct SnapshotAttestationEntry: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case inForce = "in-force"
        case lapsed
    }

    public var attestation: Attestation
    public var state: State
    /// The attached document inside the archive, named from the attestation's id.
    public var file: String?
}

/// `hosts/<id>/history.json`: what the history holds of a host at the date when the report's body
/// is no longer kept (or the host only sent a summary).
struct SnapshotHistoryFile: Encodable {
    var host: String
    var at: Timestamp
    var note: String
    var report: SnapshotReport
    /// Each control's status at the date and since when, from the history of changes.
    var controls: [StatusSpan]
}
