public import CollectorAPI
public import Foundation
public import HardeningCore

/// The incident register's writes on either store (issue 15, docs/design/incident-response.md §6):
/// what officers record, and what PCs send (steps, evidence manifests, users' reports). What PCs send
/// is hostile: bounded, idempotent by the PC's id, kept beside the collector's arrival time.
package enum IncidentRecords {
    package static func recordIncident(_ request: IncidentRequest, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws -> IncidentAsOf {
        let request = try IncidentChecks.checked(request, now: now)
        let id = UUID(), at = stored(now)
        try store.write { session in
            try requireUnit(request.unit, in: session)
            for host in request.hosts { try requireHost(host, of: request.unit, in: session) }
            if let report = request.userReport {
                guard try userReportUnit(report, in: session) == request.unit else {
                    throw ExceptionRefusal.notFound("không có báo cáo \(report) của đơn vị — no user report \(report) from a PC of \(request.unit)")
                }
            }
            try session.execute("""
                INSERT INTO incident (id, unit, created_at, created_by, detected_at, detected_by, detection, user_report_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [.text(id.uuidString), .text(request.unit), .text(at.description), .text(officer.name), .text(request.detectedAt.description),
                      .text(request.detectedBy), .text(request.detection.rawValue), SQLValue(request.userReport?.uuidString)])
            let first = IncidentRevision(seq: 1, at: at, by: officer.name, title: request.title, signs: request.signs, severity: request.severity,
                                         affectedSystem: request.affectedSystem, cause: nil, result: nil, state: .open, beyondCapacityAt: nil,
                                         reportedToHeadAt: nil, headName: nil)
            try insert(first, incident: id, in: session)
            for host in request.hosts { try addHost(host, to: id, by: officer.name, at: at, in: session) }
            if let report = request.userReport {
                try session.execute("""
                    UPDATE user_report SET acknowledged_at = coalesce(acknowledged_at, $1), acknowledged_by = coalesce(acknowledged_by, $2), incident_id = $3
                    WHERE id = $4 AND incident_id IS NULL AND acknowledged_at IS NULL
                    """, [.text(at.description), .text(officer.name), .text(id.uuidString), .text(report.uuidString)])
            }
            try AuditEntry.record(.incidentRecorded, by: officer, unit: request.unit, host: nil, subject: id.uuidString,
                                  detail: ["title": request.title, "severity": request.severity.rawValue, "detection": request.detection.rawValue,
                                           "hosts": request.hosts.joined(separator: ",")], at: now, in: session)
        }
        return try required(IncidentReads.incident(id: id, asOf: now, in: store), id)
    }

    package static func reviseIncident(id: UUID, _ change: IncidentChange, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws -> IncidentAsOf {
        let change = try IncidentChecks.checked(change, now: now)
        let at = stored(now)
        try store.write { session in
            let (unit, last) = try openIncident(id, in: session)
            var next = last
            next.seq = last.seq + 1
            next.at = at
            next.by = officer.name
            next.title = change.title ?? last.title
            next.signs = change.signs ?? last.signs
            next.severity = change.severity ?? last.severity
            next.affectedSystem = change.affectedSystem ?? last.affectedSystem
            next.cause = change.cause ?? last.cause
            next.result = change.result ?? last.result
            next.state = change.state ?? last.state
            next.beyondCapacityAt = change.beyondCapacityAt ?? last.beyondCapacityAt
            next.reportedToHeadAt = change.reportedToHeadAt ?? last.reportedToHeadAt
            next.headName = change.headName ?? last.headName
            try insert(next, incident: id, in: session)
            var detail = ["revision": String(next.seq), "state": next.state.rawValue]
            if let cause = change.cause { detail["cause"] = cause }
            if let result = change.result { detail["result"] = result }
            if let head = change.reportedToHeadAt { detail["reportedToHeadAt"] = head.description }
            try AuditEntry.record(next.state == .closed ? .incidentClosed : .incidentUpdated, by: officer, unit: unit, host: nil, subject: id.uuidString,
                                  detail: detail, at: now, in: session)
        }
        return try required(IncidentReads.incident(id: id, asOf: now, in: store), id)
    }

    package static func addHost(incident id: UUID, host: String, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws -> IncidentAsOf {
        let at = stored(now)
        try store.write { session in
            let (unit, _) = try openIncident(id, in: session)
            try requireHost(host, of: unit, in: session)
            try addHost(host, to: id, by: officer.name, at: at, in: session)
            try AuditEntry.record(.incidentUpdated, by: officer, unit: unit, host: host, subject: id.uuidString, detail: ["hostAdded": host], at: now, in: session)
        }
        return try required(IncidentReads.incident(id: id, asOf: now, in: store), id)
    }

    package static func orderIsolation(incident id: UUID, host: String, kind: JobKind, by officer: ActingOfficer, expiresAt: Date, now: Date,
                                       in store: some SQLTransactions) throws -> Job {
        guard kind == .isolate || kind == .release else { throw ExceptionRefusal.invalid("action is isolate or release") }
        let at = stored(now)
        let job = Job(id: UUID(), host: host, controls: [IncidentLimits.isolationControl], approvedBy: officer.name, approvedAt: at.description,
                      expiresAt: Timestamp(expiresAt).description, state: .approved, kind: kind, incident: id)
        try store.write { session in
            let (unit, _) = try openIncident(id, in: session)
            try requireHost(host, of: unit, in: session)
            // One order of a kind waiting per PC, whichever instance an officer clicks on.
            try session.serialize("isolation:" + host)
            guard try session.row("SELECT 1 AS valid FROM host_certificate WHERE host_id = $1 AND revoked_at IS NULL LIMIT 1", [.text(host)]) != nil else {
                throw ExceptionRefusal.conflict("máy \(host) đã bị thu hồi chứng thư, không nhận lệnh được nữa — \(host) has no valid certificate and cannot fetch jobs")
            }
            // One order of a kind waiting per PC: a second click, or a script, adds nothing (and a
            // forged order is a denial of service an officer undoes, never a flood of them).
            let waiting = try session.row("""
                SELECT 1 AS waiting FROM job WHERE host_id = $1 AND kind = $2 AND state = 'approved' AND expires_at > $3 LIMIT 1
                """, [.text(host), .text(kind.rawValue), .text(at.description)]) != nil
            guard !waiting else {
                throw ExceptionRefusal.conflict("máy \(host) đã có lệnh \(kind == .isolate ? "cách ly" : "bỏ cách ly") đang chờ — an order of this kind already waits for \(host)")
            }
            try addHost(host, to: id, by: officer.name, at: at, in: session)
            try session.execute("""
                INSERT INTO job (id, host_id, controls, approved_by, approved_at, expires_at, state, kind, incident_id) VALUES ($1, $2, $3, $4, $5, $6, 'approved', $7, $8)
                """, [.text(job.id.uuidString), .text(host), .text(IncidentLimits.isolationControl), .text(officer.name), .text(job.approvedAt),
                      .text(job.expiresAt), .text(kind.rawValue), .text(id.uuidString)])
            try session.execute("""
                INSERT INTO incident_step (id, incident_id, host_id, kind, at_host, received_at, actor, source, job_id) VALUES ($1, $2, $3, $4, $5, $6, $7, 'collector', $8)
                """, [.text(UUID().uuidString), .text(id.uuidString), .text(host), .text(kind == .isolate ? IncidentStep.isolationOrdered : IncidentStep.releaseOrdered),
                      .text(at.description), .text(at.description), .text(officer.name), .text(job.id.uuidString)])
            try AuditEntry.record(kind == .isolate ? .isolationOrdered : .releaseOrdered, by: officer, unit: unit, host: host, subject: job.id.uuidString,
                                  detail: ["incident": id.uuidString, "expiresAt": job.expiresAt], at: now, in: session)
        }
        return job
    }

    package static func recordEscalation(incident id: UUID, _ request: EscalationRequest, by officer: ActingOfficer, now: Date,
                                         in store: some SQLTransactions) throws -> IncidentEscalation {
        let request = try IncidentChecks.checked(request, now: now)
        let at = stored(now)
        let escalation = IncidentEscalation(id: UUID(), recipient: request.recipient, sentAt: request.sentAt, means: request.means, reference: request.reference,
                                            note: request.note, recordedBy: officer.name, recordedAt: at)
        try store.write { session in
            guard let unit = try session.row("SELECT unit FROM incident WHERE id = $1", [.text(id.uuidString)])?.text("unit") else {
                throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)")
            }
            try session.execute("""
                INSERT INTO escalation (id, incident_id, recipient, sent_at, means, reference, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [.text(escalation.id.uuidString), .text(id.uuidString), .text(escalation.recipient), .text(escalation.sentAt.description),
                      .text(escalation.means), SQLValue(escalation.reference), SQLValue(escalation.note), .text(officer.name), .text(at.description)])
            try AuditEntry.record(.escalationRecorded, by: officer, unit: unit, host: nil, subject: id.uuidString,
                                  detail: ["recipient": request.recipient, "sentAt": request.sentAt.description, "means": request.means,
                                           "reference": request.reference ?? ""], at: now, in: session)
        }
        return escalation
    }

    package static func acknowledgeUserReport(id: UUID, incident: UUID?, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws -> UserReportRecord {
        let at = stored(now)
        return try store.write { session in
            guard let row = try session.row("SELECT u.acknowledged_at, u.host_id, h.unit FROM user_report u JOIN host h ON h.id = u.host_id WHERE u.id = $1",
                                            [.text(id.uuidString)]) else {
                throw ExceptionRefusal.notFound("không có báo cáo \(id) — no user report \(id)")
            }
            let unit = row.text("unit") ?? "", host = row.text("host_id") ?? ""
            guard row.text("acknowledged_at") == nil else {
                throw ExceptionRefusal.conflict("báo cáo đã được tiếp nhận — the report \(id) was already acknowledged")
            }
            if let incident {
                _ = try openIncident(incident, in: session, unit: unit)
                try addHost(host, to: incident, by: officer.name, at: at, in: session)
            }
            try session.execute("UPDATE user_report SET acknowledged_at = $1, acknowledged_by = $2, incident_id = $3 WHERE id = $4",
                                [.text(at.description), .text(officer.name), SQLValue(incident?.uuidString), .text(id.uuidString)])
            try AuditEntry.record(.userReportAcknowledged, by: officer, unit: unit, host: host, subject: id.uuidString,
                                  detail: ["incident": incident?.uuidString ?? ""], at: now, in: session)
            return try IncidentReads.userReports(where: "u.id = $1", [.text(id.uuidString)], in: session)[0]
        }
    }

    package static func recordEvidenceManifestRead(_ manifest: KeptEvidenceManifest, by officer: ActingOfficer, at: Date, in store: some SQLTransactions) throws {
        try store.write { session in
            try AuditEntry.record(.evidenceManifestRead, by: officer, unit: manifest.unit, host: manifest.host, subject: manifest.id.uuidString,
                                  detail: ["incident": manifest.incident.uuidString, "manifestSHA256": manifest.manifestSHA256], at: at, in: session)
        }
    }

    // MARK: What PCs send

    package static func ingest(_ step: IncidentStepMessage, host: HostIdentity, now: Date, in store: some SQLTransactions) throws -> IngestOutcome {
        let limits = ReportLimits()
        guard step.actor.utf8.count <= IncidentLimits.nameBytes, (step.transaction?.utf8.count ?? 0) <= limits.stringBytes,
              (step.detail?.count ?? 0) <= IncidentStepMessage.maxDetail, step.at.utf8.count <= 64 else {
            throw ReportRefusal.tooLarge("a step's actor is at most \(IncidentLimits.nameBytes) bytes, its detail \(IncidentStepMessage.maxDetail) characters")
        }
        guard Timestamp.parse(step.at) != nil else { throw ReportRefusal.invalid("the step's at is not an RFC 3339 time: \(DisplaySafety.printable(step.at, limit: 40))") }
        let arrival = stored(now)
        return try store.write { session in
            // One PC's records one at a time, whichever instance receives them: a record sent twice
            // at once is kept once, and the hourly quota counts both.
            try session.serialize("incident-records:" + host.id)
            if try owned(step.id, in: "incident_step", host: host, session: session) { return .duplicate }
            try checkIncidentQuota(host, now: now, in: session)
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: session)
            let incident = try incident(for: step.incident, host: host, actor: step.actor, at: arrival, in: session)
            try session.execute("""
                INSERT INTO incident_step (id, incident_id, host_id, kind, at_host, received_at, actor, source, outcome, transaction_id, job_id, manifest_id, detail)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """, [.text(step.id.uuidString), .text(incident.uuidString), .text(host.id), .text(step.kind.rawValue), .text(step.at), .text(arrival.description),
                      .text(step.actor), .text(step.source.rawValue), .text(step.outcome.rawValue), SQLValue(step.transaction), SQLValue(step.job?.uuidString),
                      SQLValue(step.manifest?.uuidString), SQLValue(step.detail)])
            return .stored
        }
    }

    package static func ingest(_ manifest: CheckedManifest, host: HostIdentity, now: Date, in store: some SQLTransactions) throws -> IngestOutcome {
        let body = manifest.manifest
        // The counts are the PC's: summed with a bound only so the page can show them.
        let files = body.categories.reduce(0) { $0 + min(max($1.files, 0), 1 << 40) }
        let bytes = body.categories.reduce(Int64(0)) { $0 + min(max($1.bytes, 0), 1 << 50) }
        let digest = ContentDigest.sha256(manifest.manifestBytes)
        let arrival = stored(now)
        return try store.write { session in
            try session.serialize("incident-records:" + host.id)
            if try owned(manifest.upload.id, in: "evidence_manifest", host: host, session: session) { return .duplicate }
            try checkIncidentQuota(host, now: now, in: session)
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: session)
            let incident = try incident(for: manifest.upload.incident ?? body.incident, host: host, actor: body.officer, at: arrival, in: session)
            // `($10 = 1)`: a truth value on both engines (PostgreSQL keeps it as BOOLEAN).
            try session.execute("""
                INSERT INTO evidence_manifest (id, incident_id, host_id, received_at, manifest, manifest_sha256, signature, certificate, serial, signature_ok,
                                               sums, files, bytes, sums_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ($10 = 1), $11, $12, $13, $14)
                """, [.text(manifest.upload.id.uuidString), .text(incident.uuidString), .text(host.id), .text(arrival.description), .blob(manifest.manifestBytes),
                      .text(digest), manifest.signature.map(SQLValue.blob) ?? .null, SQLValue(manifest.upload.certificate), SQLValue(manifest.serial),
                      .integer(manifest.signatureOK ? 1 : 0), SQLValue(manifest.upload.sums), .integer(files), .integer(Int(bytes)), .text(body.sums.sha256)])
            return .stored
        }
    }

    package static func ingest(_ report: UserReportMessage, host: HostIdentity, now: Date, in store: some SQLTransactions) throws -> IngestOutcome {
        guard report.text.count <= UserReportMessage.maxText, !report.text.isEmpty, report.login.utf8.count <= 64, report.uid >= 0,
              report.noticedAt.utf8.count <= 64, report.submittedAt.utf8.count <= 64 else {
            throw ReportRefusal.invalid("a user's report has 1 to \(UserReportMessage.maxText) characters of text, a login of at most 64 bytes and a uid ≥ 0")
        }
        let arrival = stored(now)
        return try store.write { session in
            try session.serialize("incident-records:" + host.id)
            if try owned(report.id, in: "user_report", host: host, session: session) { return .duplicate }
            // Users cannot flood the officers' queue through one PC: past these, the rest wait in
            // the PC's outbox (which refuses new reports once full).
            let dayAgo = SQLValue.text(Timestamp(now.addingTimeInterval(-86_400)).description)
            let recent = try count("SELECT count(*) AS n FROM user_report WHERE host_id = $1 AND received_at > $2", [.text(host.id), dayAgo], in: session)
            let waiting = try count("SELECT count(*) AS n FROM user_report WHERE host_id = $1 AND acknowledged_at IS NULL", [.text(host.id)], in: session)
            guard recent < IncidentLimits.userReportsPerDay, waiting < IncidentLimits.unacknowledgedPerHost else {
                throw ReportRefusal.quota("this PC sent \(recent) users' reports within a day (\(waiting) not yet acknowledged); the rest wait in its outbox", retryAfter: 3600)
            }
            // One user's share, answered 422 rather than 429: the PC keeps this report and goes on with
            // the next items, so a colleague's report queued behind it still arrives now.
            let mine = try count("SELECT count(*) AS n FROM user_report WHERE host_id = $1 AND uid = $2 AND received_at > $3",
                                 [.text(host.id), .integer(report.uid), dayAgo], in: session)
            guard mine < IncidentLimits.userReportsPerUserPerDay else {
                throw ReportRefusal.invalid("uid \(report.uid) sent \(mine) reports from this PC within a day; this one waits in the PC's outbox and is sent again later")
            }
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: session)
            try session.execute("""
                INSERT INTO user_report (id, host_id, uid, login, noticed_at, reported_at, received_at, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [.text(report.id.uuidString), .text(host.id), .integer(report.uid), .text(report.login), .text(report.noticedAt),
                      .text(report.submittedAt), .text(arrival.description), .text(report.text)])
            return .stored
        }
    }

    // MARK: Issued documents

    package static func keepIncidentDocument(_ document: NewIncidentDocument, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws -> IncidentDocument {
        guard !document.data.isEmpty, document.data.count <= IssuedReport.maxBytes else {
            throw ExceptionRefusal.invalid("tài liệu rỗng hoặc quá lớn — a document of \(document.data.count) bytes is not kept (1 byte to \(IssuedReport.maxBytes >> 20) MiB)")
        }
        guard IncidentDocument.formats.contains(document.format), !document.fileName.isEmpty, document.fileName.utf8.count <= ExceptionLimits.fileNameBytes else {
            throw ExceptionRefusal.invalid("định dạng là pdf, odt hoặc html, tên tệp không rỗng — the format is pdf, odt or html and the file needs a name")
        }
        // The collector's own hash over the bytes it keeps: what the download is checked against.
        let sha256 = ContentDigest.sha256(document.data)
        let at = stored(now)
        let kept = IncidentDocument(id: UUID(), incident: document.incident, kind: document.kind, format: document.format, fileName: document.fileName,
                                    size: document.data.count, sha256: sha256, createdBy: officer.name, createdAt: at)
        try store.write { session in
            let incident = SQLValue.text(document.incident.uuidString)
            guard let unit = try session.row("SELECT unit FROM incident WHERE id = $1", [incident])?.text("unit") else {
                throw ExceptionRefusal.notFound("không có sự cố \(document.incident) — no incident \(document.incident)")
            }
            // The limit holds across instances.
            try session.serialize("incident-documents:" + document.incident.uuidString)
            let count = try count("SELECT count(*) AS n FROM incident_document WHERE incident_id = $1", [incident], in: session)
            guard count < IncidentDocument.perIncident else {
                throw ExceptionRefusal.conflict("sự cố đã lưu \(count) tài liệu, mức tối đa — incident \(document.incident) already keeps \(count) documents, the most one may")
            }
            try session.execute("""
                INSERT INTO incident_document (id, incident_id, kind, format, file_name, size, sha256, bytes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, [.text(kept.id.uuidString), incident, .text(document.kind.rawValue), .text(document.format), .text(document.fileName), .integer(kept.size),
                      .text(sha256), .blob(document.data), .text(officer.name), .text(at.description)])
            try AuditEntry.record(.incidentDocumentIssued, by: officer, unit: unit, host: nil, subject: document.incident.uuidString,
                                  detail: ["document": kept.id.uuidString, "kind": document.kind.rawValue, "format": document.format, "file": document.fileName,
                                           "sha256": sha256, "size": String(kept.size)], at: now, in: session)
        }
        return kept
    }

    // MARK: Inside a transaction

    /// The time as stored (to the second), so what a call returns equals what a later read finds.
    package static func stored(_ date: Date) -> Timestamp { Timestamp(Timestamp.parse(Timestamp(date).description) ?? date) }

    static func count(_ sql: String, _ arguments: [SQLValue], in session: any SQLSession) throws -> Int {
        try session.row(sql, arguments)?.integer("n") ?? 0
    }

    /// What was just written, read back as of its own instant.
    static func required(_ incident: IncidentAsOf?, _ id: UUID) throws -> IncidentAsOf {
        guard let incident else { throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)") }
        return incident
    }

    static func insert(_ revision: IncidentRevision, incident: UUID, in session: any SQLSession) throws {
        try session.execute("""
            INSERT INTO incident_revision (incident_id, seq, at, by, title, signs, severity, affected_system, cause, result, state,
                                           beyond_capacity_at, reported_to_head_at, head_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """, [.text(incident.uuidString), .integer(revision.seq), .text(revision.at.description), .text(revision.by), .text(revision.title),
                  .text(revision.signs.map(\.rawValue).joined(separator: ",")), .text(revision.severity.rawValue), SQLValue(revision.affectedSystem),
                  SQLValue(revision.cause), SQLValue(revision.result), .text(revision.state.rawValue), SQLValue(revision.beyondCapacityAt?.description),
                  SQLValue(revision.reportedToHeadAt?.description), SQLValue(revision.headName)])
    }

    static func addHost(_ host: String, to incident: UUID, by name: String, at: Timestamp, in session: any SQLSession) throws {
        let count = try count("SELECT count(*) AS n FROM incident_host WHERE incident_id = $1", [.text(incident.uuidString)], in: session)
        guard count < IncidentLimits.hostsPerIncident else {
            throw ExceptionRefusal.conflict("sự cố đã có \(count) máy — an incident names at most \(IncidentLimits.hostsPerIncident) PCs")
        }
        try session.execute("INSERT INTO incident_host (incident_id, host_id, added_at, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                            [.text(incident.uuidString), .text(host), .text(at.description), .text(name)])
    }

    /// The unit and last revision of an incident that is not closed (and of `unit`, when given). Its
    /// row is locked until the transaction ends, so two instances never write the same revision.
    static func openIncident(_ id: UUID, in session: any SQLSession, unit expected: String? = nil) throws -> (String, IncidentRevision) {
        try session.serialize("incident:" + id.uuidString)
        guard let unit = try session.row("SELECT unit FROM incident WHERE id = $1", [.text(id.uuidString)])?.text("unit"),
              expected == nil || expected == unit,
              let row = try session.row("SELECT * FROM incident_revision WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1", [.text(id.uuidString)]) else {
            throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)\(expected.map { " of \($0)" } ?? "")")
        }
        let last = IncidentReads.revision(row)
        guard last.state != .closed else {
            throw ExceptionRefusal.conflict("sự cố đã đóng, không sửa được nữa — incident \(id) is closed; record a new one")
        }
        return (unit, last)
    }

    /// A unit exists once a token was made for it or a host enrolled in it: a unit name with a typo
    /// is refused rather than waived, attested or recorded for nobody.
    package static func requireUnit(_ unit: String, in session: any SQLSession) throws {
        let known = try session.row("SELECT 1 AS known FROM host WHERE unit = $1 UNION ALL SELECT 1 FROM enrollment_token WHERE unit = $1 LIMIT 1", [.text(unit)]) != nil
        guard known else { throw ExceptionRefusal.unknownUnit(unit) }
    }

    static func requireHost(_ host: String, of unit: String, in session: any SQLSession) throws {
        guard try session.row("SELECT unit FROM host WHERE id = $1", [.text(host)])?.text("unit") == unit else {
            throw ExceptionRefusal.notFound("không có máy \(host) trong đơn vị \(unit) — no PC \(host) in \(unit)")
        }
    }

    static func userReportUnit(_ id: UUID, in session: any SQLSession) throws -> String? {
        try session.row("SELECT h.unit FROM user_report u JOIN host h ON h.id = u.host_id WHERE u.id = $1", [.text(id.uuidString)])?.text("unit")
    }

    /// True when this host already sent the record; another host's record with the same id is a conflict.
    static func owned(_ id: UUID, in table: String, host: HostIdentity, session: any SQLSession) throws -> Bool {
        guard let owner = try session.row("SELECT host_id FROM \(table) WHERE id = $1", [.text(id.uuidString)])?.text("host_id") else { return false }
        guard owner == host.id else { throw StoreError.conflict(id.uuidString) }
        return true
    }

    /// Steps and manifests a PC may send in an hour, together.
    static func checkIncidentQuota(_ host: HostIdentity, now: Date, in session: any SQLSession) throws {
        let recent = try count("""
            SELECT (SELECT count(*) FROM incident_step WHERE host_id = $1 AND received_at > $2 AND source != 'collector')
                 + (SELECT count(*) FROM evidence_manifest WHERE host_id = $1 AND received_at > $2) AS n
            """, [.text(host.id), .text(Timestamp(now.addingTimeInterval(-3600)).description)], in: session)
        guard recent < IncidentLimits.agentRecordsPerHour else {
            throw ReportRefusal.quota("this PC sent \(recent) incident steps and manifests within the last hour; the rest wait in its outbox", retryAfter: 600)
        }
    }

    /// The incident a PC's record goes under. A named incident must be of the host's unit; an unknown
    /// id creates it (the officer at the PC named it before recording it here), detected by that
    /// officer; no id means the host's newest open incident, or a new one.
    static func incident(for named: UUID?, host: HostIdentity, actor: String, at: Timestamp, in session: any SQLSession) throws -> UUID {
        if let named, let unit = try session.row("SELECT unit FROM incident WHERE id = $1", [.text(named.uuidString)])?.text("unit") {
            guard unit == host.unit else { throw StoreError.conflict(named.uuidString) }
            // A closed incident's record (and its biên bản) no longer changes: a PC cannot reopen it.
            let state = try session.row("SELECT state FROM incident_revision WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1", [.text(named.uuidString)])?.text("state")
            guard state != IncidentState.closed.rawValue else { throw StoreError.conflict(named.uuidString) }
            try addHost(host.id, to: named, by: actor, at: at, in: session)
            return named
        }
        if named == nil, let open = try session.row("""
            SELECT i.id FROM incident i JOIN incident_host ih ON ih.incident_id = i.id
            WHERE ih.host_id = $1 AND i.unit = $2
              AND (SELECT state FROM incident_revision WHERE incident_id = i.id ORDER BY seq DESC LIMIT 1) != 'closed'
            ORDER BY i.created_at DESC LIMIT 1
            """, [.text(host.id), .text(host.unit)])?.text("id").flatMap(UUID.init(uuidString:)) {
            return open
        }
        let id = named ?? UUID()
        let name = DisplaySafety.printable(actor, limit: 100)
        let hostname = try session.row("SELECT hostname FROM host WHERE id = $1", [.text(host.id)])?.text("hostname").map { DisplaySafety.printable($0, limit: 64) } ?? host.id
        try session.execute("""
            INSERT INTO incident (id, unit, created_at, created_by, detected_at, detected_by, detection) VALUES ($1, $2, $3, $4, $5, $6, 'officer')
            """, [.text(id.uuidString), .text(host.unit), .text(at.description), .text(name), .text(at.description), .text(name)])
        try insert(IncidentRevision(seq: 1, at: at, by: name, title: "Sự cố ghi nhận tại máy \(hostname)", signs: [.other], severity: .medium,
                                    affectedSystem: nil, cause: nil, result: nil, state: .open, beyondCapacityAt: nil, reportedToHeadAt: nil, headName: nil),
                   incident: id, in: session)
        try addHost(host.id, to: id, by: name, at: at, in: session)
        try AuditEntry.record(.incidentRecorded, by: ActingOfficer(name: name, role: "agent"), unit: host.unit, host: host.id, subject: id.uuidString,
                              detail: ["from": "a step sent by the PC"], at: at.date, in: session)
        return id
    }
}
