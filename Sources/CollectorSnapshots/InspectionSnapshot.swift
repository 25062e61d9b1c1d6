public import CollectorStore
import DurableFiles
public import Foundation
public import HardeningCore

/// Bản chụp phục vụ kiểm tra (issue 14 point 4): one unit as the collector knew it at the end of a
/// day, frozen in a ZIP with a manifest of SHA-256 sums. Inspection teams (Điều 13 khoản 2 điểm đ,
/// khoản 7) check a unit against what it was at a date; the snapshot's own SHA-256 goes into the
/// audit log, so what was handed to them can be verified later.
///
/// Memory stays bounded whatever the unit's size: reports and attached files are read, hashed and
/// written one at a time; only the rows that describe them are held.
public struct InspectionSnapshot: Sendable {
    public typealias Source = SnapshotStore & ExceptionStore

    public struct Request: Sendable {
        public var unit: String
        public var day: OfficeDay
        public var takenBy: ActingOfficer
        public var now: Date
        /// `hosts.silent-after`.
        public var silentAfter: TimeInterval
        /// `history.report-bodies`, named in the manifest.
        public var reportBodyRetention: TimeInterval
        /// `cli` or `web`, for the audit log.
        public var channel: String

        public init(unit: String, day: OfficeDay, takenBy: ActingOfficer, now: Date, silentAfter: TimeInterval, reportBodyRetention: TimeInterval, channel: String) {
            self.unit = unit
            self.day = day
            self.takenBy = takenBy
            self.now = now
            self.silentAfter = silentAfter
            self.reportBodyRetention = reportBodyRetention
            self.channel = channel
        }

        /// The instant shown: the end of the day, or now when the day is today.
        public var instant: Date { min(day.end, now) }
    }

    /// What was written.
    public struct Receipt: Sendable, Hashable {
        public var path: String
        public var sha256: String
        public var bytes: Int64
        public var files: Int
        public var manifest: SnapshotManifest
    }

    /// A collector's default bounds: at the keyboard, and for a download from the web.
    public static let maxBytesCommandLine: Int64 = 16 << 30
    public static let maxBytesWeb: Int64 = 1 << 30

    let store: any Source

    public init(store: any Source) {
        self.store = store
    }

    /// Checks the request against the store: a day after today and an unknown unit are refused.
    public func check(_ request: Request) throws {
        guard request.day <= OfficeDay(containing: request.now) else {
            throw SnapshotProblem(.futureDay, "ngày \(request.day) chưa đến — \(request.day) is after today (\(OfficeDay(containing: request.now))); a snapshot shows a day already begun")
        }
        let known = try store.knownUnits()
        guard known.contains(request.unit) else {
            let list = known.prefix(50).map { "“\($0)”" }.joined(separator: ", ")
            throw SnapshotProblem(.unknownUnit, "không có đơn vị “\(request.unit)” — no unit “\(request.unit)” at this collector; known units: \(list.isEmpty ? "none yet" : list)")
        }
    }

    /// Writes the snapshot to `path` (staged beside it, renamed into place when complete) and
    /// records its SHA-256 in the audit log.
    /// - Parameters:
    ///   - replace: overwrite an existing file (`--force`); otherwise an existing file is refused.
    ///   - maxBytes: the most the archive's files may hold together.
    public func write(_ request: Request, to path: String, replace: Bool, maxBytes: Int64) throws -> Receipt {
        try check(request)
        let name = AtomicFile.name(in: path)
        guard !name.isEmpty, name != ".", name != ".." else { throw SnapshotProblem(.output, "--output must name a file, such as /root/snap.zip") }
        let directory: OpenDirectory
        do {
            directory = try OpenDirectory.open(AtomicFile.parentDirectory(of: path))
        } catch {
            throw SnapshotProblem(.output, "không mở được thư mục của \(path) — cannot open the folder of \(path): \(error)")
        }
        if !replace, directory.exists(name) { throw SnapshotArchive.exists(path) }
        let archive = try SnapshotArchive(in: directory, maxBytes: maxBytes, modified: request.now)
        let manifest = try fill(archive, request)
        let (sha256, bytes) = try archive.seal()
        try archive.publish(as: name, replace: replace)
        let files = manifest.files.count + 2
        do {
            try store.recordSnapshot(SnapshotRecord(unit: request.unit, day: request.day.description, sha256: sha256, bytes: bytes, files: files, channel: request.channel),
                                     by: request.takenBy, now: request.now)
        } catch {
            archive.withdraw(name)
            throw error
        }
        return Receipt(path: path, sha256: sha256, bytes: bytes, files: files, manifest: manifest)
    }

    /// Every file of the snapshot, data first, then the index, the manifest and the sums.
    func fill(_ archive: SnapshotArchive, _ request: Request) throws -> SnapshotManifest {
        let instant = request.instant
        var hosts: [SnapshotHostEntry] = []
        var fromHistory: [String] = []
        for host in try store.snapshotHosts(unit: request.unit, at: instant) {
            let folder = "hosts/" + Self.safeName(host.id)
            var entry = SnapshotHostEntry(id: host.id, hostname: host.hostname, enrolledAt: host.enrolledAt, revokedAt: host.revokedAt,
                                          state: Self.state(host, at: instant, silentAfter: request.silentAfter), report: host.latest)
            if let report = host.latest {
                // One body at a time: read, hashed, written, let go.
                if report.bodyKept, let body = try store.reportBody(id: report.id) {
                    entry.source = "as-sent"
                    entry.file = folder + "/report-" + report.id.uuidString.lowercased() + ".json"
                    try archive.add(entry.file!, body)
                } else {
                    entry.source = "history"
                    entry.file = folder + "/history-" + report.id.uuidString.lowercased() + ".json"
                    let note = report.summaryOnly
                        ? "Máy chỉ gửi bản tóm tắt (hộp thư đi đầy): có số lượng và các biện pháp không đạt, không có bằng chứng. Trạng thái từng biện pháp lấy từ lịch sử. — The host sent only a summary (its outbox was full): counts and failing controls, no evidence. Each control's status is from the history."
                        : "Nội dung đầy đủ của báo cáo đã được xoá theo thời hạn lưu (history.report-bodies); đây là trạng thái từng biện pháp tại ngày đó theo lịch sử, không có bằng chứng. — The report's full body was pruned (history.report-bodies); these are each control's status at the date from the history, without evidence."
                    let history = SnapshotHistoryFile(host: host.id, at: Timestamp(instant), note: note, report: report,
                                                      controls: try store.controlStatuses(host: host.id, at: instant))
                    try archive.add(entry.file!, try SnapshotManifest.encoded(history))
                    fromHistory.append(host.id)
                }
            }
            hosts.append(entry)
        }
        try archive.add("hosts.json", try SnapshotManifest.encoded(hosts))

        // A waiver or attestation recorded after the instant did not exist then.
        let waivers = try store.waivers(unit: request.unit, at: instant, all: true)
            .filter { $0.recordedAt.date < instant }.map { SnapshotWaiverEntry($0, at: instant) }
        try archive.add("waivers.json", try SnapshotManifest.encoded(waivers))

        var attestations: [SnapshotAttestationEntry] = []
        for attestation in try store.attestations(unit: request.unit) where attestation.recordedAt.date < instant {
            var entry = SnapshotAttestationEntry(attestation: attestation, state: attestation.inForce(at: instant) ? .inForce : .lapsed)
            if let file = attestation.file, let (_, data) = try store.attestationFile(id: attestation.id) {
                entry.file = "attestations/" + attestation.id.uuidString.lowercased() + Self.safeExtension(file.name)
                try archive.add(entry.file!, data)
            }
            attestations.append(entry)
        }
        let standings = OrganisationalControl.all.map { AttestationState(control: $0, attestations: attestations.map(\.attestation), at: instant) }
        try archive.add("attestations.json", try SnapshotManifest.encoded(AttestationsFile(attestations: attestations, standings: standings)))

        var manifest = SnapshotManifest(
            unit: request.unit, day: request.day.description, at: Timestamp(instant), takenAt: Timestamp(request.now),
            takenBy: .init(name: request.takenBy.name, role: request.takenBy.role), collectorVersion: AtttVersion.current,
            silentAfterSeconds: Int(request.silentAfter), reportBodiesKeptSeconds: Int(request.reportBodyRetention), hosts: hosts.count,
            reportsAsSent: hosts.filter { $0.source == "as-sent" }.count, reportsFromHistory: fromHistory,
            waivers: waivers.count, attestations: attestations.count, notes: Self.notes(fromHistory: fromHistory.count), files: [])
        manifest.files = archive.files
        try archive.add("index.html", Data(SnapshotIndex(manifest: manifest, hosts: hosts, waivers: waivers, attestations: attestations).html.utf8))
        manifest.files = archive.files
        try archive.add("manifest.json", try SnapshotManifest.encoded(manifest))
        try archive.add("SHA256SUMS", SnapshotManifest.checksums(archive.files))
        return manifest
    }

    struct AttestationsFile: Encodable {
        var attestations: [SnapshotAttestationEntry]
        /// Each organisational measure's standing at the date.
        var standings: [AttestationState]
    }

    static func notes(fromHistory: Int) -> [String] {
        var notes = [
            "Báo cáo của mỗi máy là báo cáo mới nhất collector đã nhận trước thời điểm bản chụp, đúng như máy gửi (kèm bằng chứng). — Each host's report is the newest the collector had received by the snapshot's instant, as the host sent it, with its evidence.",
            "Kiểm tra: chạy `sha256sum -c SHA256SUMS` trong thư mục đã giải nén; SHA-256 của cả tệp ZIP được ghi trong nhật ký thao tác của collector. — To check: run `sha256sum -c SHA256SUMS` in the extracted folder; the SHA-256 of the whole ZIP is in the collector's audit log.",
        ]
        if fromHistory > 0 {
            notes.append("\(fromHistory) máy: nội dung báo cáo đã được xoá theo thời hạn lưu, chỉ còn trạng thái từng biện pháp theo lịch sử (không có bằng chứng). — \(fromHistory) host(s): the report's body was pruned; only each control's status from the history is included, without evidence.")
        }
        return notes
    }

    static func state(_ host: SnapshotHost, at instant: Date, silentAfter: TimeInterval) -> HostActivity.State {
        if host.revokedAt != nil { return .revoked }
        guard let latest = host.latest else { return .neverReported }
        return instant.timeIntervalSince(latest.startedAt.date) > silentAfter ? .silent : .reporting
    }

    /// A name inside the archive from an id the collector made: letters, digits, `-` and `_` kept,
    /// anything else `_`, at most 80 bytes. Never a hostname or anything else an agent chose.
    static func safeName(_ id: String) -> String {
        let kept = id.unicodeScalars.prefix(80).map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_") ? Character(scalar) : "_"
        }
        return kept.isEmpty ? "_" : String(kept)
    }

    /// `.pdf` from `Quyết định 12.PDF`: a lower-case extension of 1 to 5 ASCII letters or digits, or none.
    static func safeExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        let ext = name[name.index(after: dot)...].lowercased()
        guard (1...5).contains(ext.count), ext.unicodeScalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) }) else { return "" }
        return "." + ext
    }
}
