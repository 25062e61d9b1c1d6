import CollectorAPI
public import Foundation
public import HardeningCore

/// Reads of the incident register on either store, each "as of" an instant: only what was recorded
/// (by the collector's clock) at or before it, so a document made for that instant says the same
/// whenever it is made.
package enum IncidentReads {
    package static func incidents(units: Set<String>?, asOf: Date, in store: some SQLTransactions) throws -> [IncidentAsOf] {
        let stamp = Timestamp(asOf).description
        return try store.read { session in
            let ids = try session.rows("""
                SELECT i.id FROM incident i
                WHERE i.created_at <= $1 AND (CAST($2 AS TEXT) IS NULL OR i.unit IN \(session.members("$2")))
                ORDER BY coalesce((SELECT state FROM incident_revision WHERE incident_id = i.id AND at <= $1 ORDER BY seq DESC LIMIT 1) = 'closed', FALSE),
                         i.detected_at DESC, i.id
                LIMIT $3
                """, [.text(stamp), SQLValue(units.map(HistoryReads.jsonArray)), .integer(IncidentLimits.page)]).compactMap { $0.text("id") }
            return try ids.compactMap { try UUID(uuidString: $0).flatMap { try incident($0, asOf: stamp, in: session) } }
        }
    }

    package static func incident(id: UUID, asOf: Date, in store: some SQLTransactions) throws -> IncidentAsOf? {
        try store.read { try incident(id, asOf: Timestamp(asOf).description, in: $0) }
    }

    package static func openIncidents(host: String, in store: some SQLTransactions) throws -> [IncidentAsOf] {
        let now = Timestamp(Date()).description
        return try store.read { session in
            try session.rows("SELECT incident_id FROM incident_host WHERE host_id = $1 ORDER BY added_at DESC LIMIT $2", [.text(host), .integer(IncidentLimits.page)])
                .compactMap { try $0.text("incident_id").flatMap(UUID.init(uuidString:)).flatMap { try incident($0, asOf: now, in: session) } }
                .filter(\.isOpen)
        }
    }

    package static func userReports(units: Set<String>?, all: Bool, in store: some SQLTransactions) throws -> [UserReportRecord] {
        try store.read { session in
            try userReports(where: "(CAST($1 AS TEXT) IS NULL OR h.unit IN \(session.members("$1"))) AND ($2 = 1 OR u.acknowledged_at IS NULL)",
                            [SQLValue(units.map(HistoryReads.jsonArray)), .integer(all ? 1 : 0)], in: session)
        }
    }

    package static func userReports(units: Set<String>, from: Date, to: Date, in store: some SQLTransactions) throws -> [UserReportRecord] {
        try store.read { session in
            try userReports(where: "h.unit IN \(session.members("$1")) AND u.received_at >= $2 AND u.received_at < $3",
                            [.text(HistoryReads.jsonArray(units)), .text(Timestamp(from).description), .text(Timestamp(to).description)],
                            order: "u.received_at, u.\(session.arrivalOrder)", limit: IncidentLimits.periodReports, in: session)
        }
    }

    package static func userReport(id: UUID, in store: some SQLTransactions) throws -> UserReportRecord? {
        try store.read { try userReports(where: "u.id = $1", [.text(id.uuidString)], in: $0).first }
    }

    package static func evidenceManifest(id: UUID, in store: some SQLTransactions) throws -> KeptEvidenceManifest? {
        try store.read { session in
            guard let row = try session.row("""
                SELECT m.id, m.incident_id, m.host_id, m.received_at, m.manifest, m.manifest_sha256, m.signature, m.certificate, m.serial, m.signature_ok,
                       m.sums, m.files, m.bytes, m.sums_sha256, i.unit, h.hostname
                FROM evidence_manifest m JOIN incident i ON i.id = m.incident_id JOIN host h ON h.id = m.host_id WHERE m.id = $1
                """, [.text(id.uuidString)]) else { return nil }
            return KeptEvidenceManifest(id: id, incident: row.text("incident_id").flatMap(UUID.init(uuidString:)) ?? UUID(), unit: row.text("unit") ?? "",
                                        host: row.text("host_id") ?? "", hostname: row.text("hostname"), receivedAt: time(row.text("received_at")),
                                        manifestSHA256: row.text("manifest_sha256") ?? "", signatureOK: (row.integer("signature_ok") ?? 0) != 0,
                                        serial: row.text("serial"), sumsSHA256: row.text("sums_sha256") ?? "", sums: row.text("sums"),
                                        files: row.integer("files") ?? 0, bytes: Int64(row.integer("bytes") ?? 0),
                                        manifest: (row.blob("manifest") ?? Data()).base64EncodedString(), signature: row.blob("signature")?.base64EncodedString(),
                                        certificate: row.text("certificate"))
        }
    }

    // MARK: Issued documents

    /// Every column but the bytes, which only the download reads.
    static let documentColumns = "id, incident_id, kind, format, file_name, size, sha256, created_by, created_at"

    package static func incidentDocuments(incident: UUID, in store: some SQLTransactions) throws -> [IncidentDocument] {
        try store.read { session in
            try session.rows("""
                SELECT \(documentColumns) FROM incident_document WHERE incident_id = $1 ORDER BY created_at DESC, \(session.arrivalOrder) DESC LIMIT $2
                """, [.text(incident.uuidString), .integer(IncidentLimits.page)]).map(document)
        }
    }

    package static func incidentDocument(id: UUID, in store: some SQLTransactions) throws -> (IncidentDocument, Data)? {
        try store.read { session in
            guard let row = try session.row("SELECT \(documentColumns), bytes FROM incident_document WHERE id = $1", [.text(id.uuidString)]),
                  let bytes = row.blob("bytes") else { return nil }
            return (document(row), bytes)
        }
    }

    static func document(_ row: SQLRow) -> IncidentDocument {
        IncidentDocument(id: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(), incident: row.text("incident_id").flatMap(UUID.init(uuidString:)) ?? UUID(),
                         kind: row.text("kind").flatMap(IncidentDocumentKind.init(rawValue:)) ?? .record, format: row.text("format") ?? "",
                         fileName: row.text("file_name") ?? "", size: row.integer("size") ?? 0, sha256: row.text("sha256") ?? "",
                         createdBy: row.text("created_by") ?? "", createdAt: time(row.text("created_at")))
    }

    // MARK: One incident as of an instant

    static func incident(_ id: UUID, asOf stamp: String, in session: any SQLSession) throws -> IncidentAsOf? {
        let key = SQLValue.text(id.uuidString), at = SQLValue.text(stamp), order = session.arrivalOrder
        guard let row = try session.row("""
            SELECT unit, created_at, created_by, detected_at, detected_by, detection, user_report_id FROM incident WHERE id = $1 AND created_at <= $2
            """, [key, at]) else { return nil }
        let revisions = try session.rows("SELECT * FROM incident_revision WHERE incident_id = $1 AND at <= $2 ORDER BY seq", [key, at]).map(revision)
        guard let current = revisions.last else { return nil }
        let steps = try session.rows("""
            SELECT id, host_id, kind, at_host, received_at, actor, source, outcome, transaction_id, job_id, manifest_id, detail
            FROM incident_step WHERE incident_id = $1 AND received_at <= $2 ORDER BY received_at, \(order)
            """, [key, at]).map(step)
        let hosts = try session.rows("""
            SELECT ih.host_id, ih.added_at, ih.added_by, h.hostname FROM incident_host ih JOIN host h ON h.id = ih.host_id
            WHERE ih.incident_id = $1 AND ih.added_at <= $2 ORDER BY ih.added_at, ih.host_id
            """, [key, at]).map { row -> IncidentHost in
            let host = row.text("host_id") ?? ""
            return IncidentHost(host: host, hostname: row.text("hostname"), addedAt: time(row.text("added_at")), addedBy: row.text("added_by") ?? "",
                                isolated: isolated(steps.filter { $0.host == host }))
        }
        let manifests = try session.rows("""
            SELECT id, host_id, received_at, manifest, manifest_sha256, signature_ok, serial, sums_sha256, files, bytes FROM evidence_manifest
            WHERE incident_id = $1 AND received_at <= $2 ORDER BY received_at, \(order)
            """, [key, at]).map(manifest)
        let escalations = try session.rows("SELECT * FROM escalation WHERE incident_id = $1 AND recorded_at <= $2 ORDER BY sent_at, recorded_at",
                                           [key, at]).map(escalation)
        var reports = try userReports(where: "u.incident_id = $1 AND u.acknowledged_at <= $2", [key, at], in: session)
        if let first = row.text("user_report_id"), !reports.contains(where: { $0.id.uuidString == first }) {
            reports += try userReports(where: "u.id = $1", [.text(first)], in: session)
        }
        return IncidentAsOf(id: id, unit: row.text("unit") ?? "", asOf: Timestamp(Timestamp.parse(stamp) ?? Date()), createdAt: time(row.text("created_at")),
                            createdBy: row.text("created_by") ?? "", detectedAt: time(row.text("detected_at")), detectedBy: row.text("detected_by") ?? "",
                            detection: row.text("detection").flatMap(IncidentDetection.init(rawValue:)) ?? .officer,
                            userReport: row.text("user_report_id").flatMap(UUID.init(uuidString:)), current: current, revisions: revisions,
                            hosts: hosts, steps: steps, manifests: manifests, escalations: escalations, userReports: reports)
    }

    /// A PC's own steps decide: the last isolate, re-isolation or release that was done.
    static func isolated(_ steps: [IncidentStep]) -> Bool {
        let done = steps.filter { $0.outcome == "done" && ["isolate", "isolation-lost", "release"].contains($0.kind) }
        return done.last.map { $0.kind != "release" } ?? false
    }

    /// Users' reports matching `clause` (with `$1`… from `arguments`), newest first unless `order` says.
    static func userReports(where clause: String, _ arguments: [SQLValue], order: String? = nil, limit: Int = IncidentLimits.page,
                            in session: any SQLSession) throws -> [UserReportRecord] {
        try session.rows("""
            SELECT u.id, u.host_id, u.uid, u.login, u.noticed_at, u.reported_at, u.received_at, u.text, u.acknowledged_at, u.acknowledged_by, u.incident_id,
                   h.unit, h.hostname
            FROM user_report u JOIN host h ON h.id = u.host_id WHERE \(clause)
            ORDER BY \(order ?? "u.received_at DESC, u.\(session.arrivalOrder) DESC") LIMIT \(limit)
            """, arguments).map { row in
            UserReportRecord(id: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(), host: row.text("host_id") ?? "", hostname: row.text("hostname"),
                             unit: row.text("unit") ?? "", uid: row.integer("uid") ?? 0, login: row.text("login") ?? "", noticedAt: row.text("noticed_at") ?? "",
                             submittedAt: row.text("reported_at") ?? "", receivedAt: time(row.text("received_at")), text: row.text("text") ?? "",
                             acknowledgedAt: row.text("acknowledged_at").map { time($0) }, acknowledgedBy: row.text("acknowledged_by"),
                             incident: row.text("incident_id").flatMap(UUID.init(uuidString:)))
        }
    }

    static func revision(_ row: SQLRow) -> IncidentRevision {
        IncidentRevision(seq: row.integer("seq") ?? 0, at: time(row.text("at")), by: row.text("by") ?? "", title: row.text("title") ?? "",
                         signs: (row.text("signs") ?? "").split(separator: ",").compactMap { IncidentSign(rawValue: String($0)) },
                         severity: row.text("severity").flatMap(IncidentSeverity.init(rawValue:)) ?? .medium, affectedSystem: row.text("affected_system"),
                         cause: row.text("cause"), result: row.text("result"), state: row.text("state").flatMap(IncidentState.init(rawValue:)) ?? .open,
                         beyondCapacityAt: row.text("beyond_capacity_at").map { time($0) }, reportedToHeadAt: row.text("reported_to_head_at").map { time($0) },
                         headName: row.text("head_name"))
    }

    static func step(_ row: SQLRow) -> IncidentStep {
        IncidentStep(id: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(), host: row.text("host_id") ?? "", kind: row.text("kind") ?? "",
                     atHost: row.text("at_host") ?? "", receivedAt: time(row.text("received_at")), actor: row.text("actor") ?? "", source: row.text("source") ?? "",
                     outcome: row.text("outcome"), transaction: row.text("transaction_id"), job: row.text("job_id").flatMap(UUID.init(uuidString:)),
                     manifest: row.text("manifest_id").flatMap(UUID.init(uuidString:)), detail: row.text("detail"))
    }

    static func manifest(_ row: SQLRow) -> EvidenceManifestRecord {
        // The manifest was decoded once before it was kept; what it says is shown, never trusted.
        let body = row.blob("manifest").flatMap { try? JSONDecoder().decode(EvidenceManifest.self, from: $0) }
        return EvidenceManifestRecord(id: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(), host: row.text("host_id") ?? "",
                                      receivedAt: time(row.text("received_at")), manifestSHA256: row.text("manifest_sha256") ?? "",
                                      signatureOK: (row.integer("signature_ok") ?? 0) != 0, serial: row.text("serial"), sumsSHA256: row.text("sums_sha256") ?? "",
                                      files: row.integer("files") ?? 0, bytes: Int64(row.integer("bytes") ?? 0), complete: body?.complete ?? false,
                                      officer: body?.officer ?? "", startedAt: body?.startedAt ?? "", finishedAt: body?.finishedAt)
    }

    static func escalation(_ row: SQLRow) -> IncidentEscalation {
        IncidentEscalation(id: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(), recipient: row.text("recipient") ?? "", sentAt: time(row.text("sent_at")),
                           means: row.text("means") ?? "", reference: row.text("reference"), note: row.text("note"), recordedBy: row.text("recorded_by") ?? "",
                           recordedAt: time(row.text("recorded_at")))
    }

    static func time(_ text: String?) -> Timestamp { HistoryReads.timestamp(text ?? "") }
}
