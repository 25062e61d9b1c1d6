public import CollectorAPI
public import CollectorStore
public import Foundation
import HardeningCore
import Logging
import PostgresNIO

extension PostgresCollectorStore: EnrollmentStore {
    public func createToken(hash: String, unit: String, createdBy: String, expiresAt: Date, now: Date) throws {
        try connections.with { connection in
            try connection.run("""
                INSERT INTO enrollment_token (hash, unit, created_by, created_at, expires_at)
                VALUES (\(hash), \(unit), \(createdBy), \(Timestamp(now).description), \(Timestamp(expiresAt).description))
                """, logger: logger)
        }
    }

    public func enroll(tokenHash: String, hostname: String, now: Date, issue: (HostIdentity) throws -> IssuedCertificate) throws -> HostIdentity {
        let stamp = Timestamp(now).description
        return try connections.transaction { connection in
            // The token's row is locked: two instances given the same token enroll one PC, not two.
            guard let token = try connection.rows("SELECT unit, expires_at, used_at FROM enrollment_token WHERE hash = \(tokenHash) FOR UPDATE",
                                                  logger: logger).first else {
                throw EnrollmentRefusal.unknownToken
            }
            let (unit, expiresAt, usedAt) = try token.decode((String, String, String?).self)
            guard usedAt == nil else { throw EnrollmentRefusal.usedToken }
            guard expiresAt > stamp else { throw EnrollmentRefusal.expiredToken }
            // The collector names the host; what the PC calls itself is kept as its hostname only.
            let host = HostIdentity(id: "h-" + UUID().uuidString.lowercased(), unit: unit)
            let issued = try issue(host)
            try connection.run("UPDATE enrollment_token SET used_at = \(stamp), used_by_host = \(host.id) WHERE hash = \(tokenHash)", logger: logger)
            try connection.run("""
                INSERT INTO host (id, unit, hostname, first_seen, last_seen)
                VALUES (\(host.id), \(host.unit), \(hostname.isEmpty ? nil : hostname), \(stamp), \(stamp))
                """, logger: logger)
            try connection.run("""
                INSERT INTO host_certificate (serial, host_id, issued_at, not_after)
                VALUES (\(issued.serial), \(host.id), \(stamp), \(Timestamp(issued.notAfter).description))
                """, logger: logger)
            return host
        }
    }

    public func renewCertificate(host: String, now: Date, issue: () throws -> IssuedCertificate) throws -> IssuedCertificate {
        let stamp = Timestamp(now).description
        return try connections.transaction { connection in
            // The host's row is locked: a PC asking two instances at once still renews once a day.
            try connection.run("SELECT 1 FROM host WHERE id = \(host) FOR UPDATE", logger: logger)
            guard try connection.rows("SELECT 1 FROM host_certificate WHERE host_id = \(host) AND revoked_at IS NULL LIMIT 1", logger: logger).isEmpty == false else {
                throw RenewalRefusal.revoked
            }
            // Renewals only: the certificate of enrollment (the host's first) is bounded by its token.
            let last = try connection.rows("""
                SELECT max(issued_at) FROM host_certificate WHERE host_id = \(host)
                AND seq <> (SELECT seq FROM host_certificate WHERE host_id = \(host) ORDER BY issued_at, seq LIMIT 1)
                """, logger: logger).first?.decode(String?.self).flatMap(Timestamp.parse)
            if let last, now.timeIntervalSince(last) < RenewalRefusal.interval {
                throw RenewalRefusal.tooSoon(next: last.addingTimeInterval(RenewalRefusal.interval))
            }
            let issued = try issue()
            try connection.run("""
                INSERT INTO host_certificate (serial, host_id, issued_at, not_after)
                VALUES (\(issued.serial), \(host), \(stamp), \(Timestamp(issued.notAfter).description))
                """, logger: logger)
            return issued
        }
    }

    public func certifiedHost(serial: String) throws -> HostIdentity? {
        try connections.with { connection in
            try connection.rows("""
                SELECT h.id, h.unit FROM host_certificate c JOIN host h ON h.id = c.host_id
                WHERE c.serial = \(serial) AND c.revoked_at IS NULL
                """, logger: logger).first.map { row in
                let (id, unit) = try row.decode((String, String).self)
                return HostIdentity(id: id, unit: unit)
            }
        }
    }

    public func revoke(host: String, by officer: ActingOfficer, now: Date) throws -> Int {
        try connections.transaction { connection in
            let count = try connection.run("UPDATE host_certificate SET revoked_at = \(Timestamp(now).description) WHERE host_id = \(host) AND revoked_at IS NULL",
                                           logger: logger)
            if count > 0 {
                let unit = try connection.rows("SELECT unit FROM host WHERE id = \(host)", logger: logger).first?.decode(String.self)
                try audit(.hostRevoked, by: officer, unit: unit, host: host, subject: nil, detail: ["certificates": String(count)], at: now, on: connection)
            }
            return count
        }
    }

    public func hosts(unit: String?) throws -> [HostRecord] {
        try connections.with { connection in
            try connection.rows(PostgresQuery(unsafeSQL: Self.hostRecords + " WHERE ($1::text IS NULL OR h.unit = $1) ORDER BY h.unit, h.hostname, h.id",
                                              binds: Self.binds(unit)), logger: logger).map(Self.hostRecord)
        }
    }

    public func host(id: String) throws -> HostRecord? {
        try connections.with { connection in
            try connection.rows(PostgresQuery(unsafeSQL: Self.hostRecords + " WHERE h.id = $1", binds: Self.binds(id)), logger: logger).first.map(Self.hostRecord)
        }
    }

    static let hostIsRevoked = HistoryReads.hostIsRevoked

    static let hostRecords = "SELECT h.id, h.unit, h.hostname, h.first_seen, h.last_seen, \(hostIsRevoked) AS revoked FROM host h"

    static func hostRecord(_ row: PostgresRow) throws -> HostRecord {
        let (id, unit, hostname, firstSeen, lastSeen, revoked) = try row.decode((String, String, String?, String, String, Bool).self)
        return HostRecord(id: id, unit: unit, hostname: hostname, enrolledAt: firstSeen, lastSeen: lastSeen, revoked: revoked)
    }

    static func binds(_ values: String?...) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }
}

extension PostgresCollectorStore: JobStore {
    public func approveJob(host: String, controls: [String], officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job {
        let job = Job(id: UUID(), host: host, controls: controls, approvedBy: officer.name, approvedAt: Timestamp(now).description,
                      expiresAt: Timestamp(expiresAt).description, state: .approved)
        try connections.transaction { connection in
            // Only a host that can still fetch it: enrolled, with a certificate that is not revoked.
            guard let unit = try connection.rows("""
                SELECT h.unit FROM host h WHERE h.id = \(host)
                AND EXISTS (SELECT 1 FROM host_certificate WHERE host_id = h.id AND revoked_at IS NULL)
                """, logger: logger).first?.decode(String.self) else {
                throw StoreError.unknownHost(host)
            }
            try connection.run("""
                INSERT INTO job (id, host_id, controls, approved_by, approved_at, expires_at, state)
                VALUES (\(job.id.uuidString), \(host), \(controls.joined(separator: ",")), \(officer.name), \(job.approvedAt), \(job.expiresAt), 'approved')
                """, logger: logger)
            try audit(.jobApproved, by: officer, unit: unit, host: host, subject: job.id.uuidString,
                      detail: ["controls": job.controls.joined(separator: ","), "expiresAt": job.expiresAt], at: now, on: connection)
        }
        return job
    }

    public func pendingJobs(host: String, now: Date) throws -> [Job] {
        let stamp = Timestamp(now).description
        return try connections.with { connection in
            // One statement: what is handed out is what is marked fetched, whichever instance asks.
            try connection.rows("""
                UPDATE job SET fetched_at = coalesce(fetched_at, \(stamp))
                WHERE host_id = \(host) AND state = 'approved' AND expires_at > \(stamp)
                RETURNING \(unescaped: Self.jobColumns)
                """, logger: logger).map { try Self.job($0, now: stamp) }.sorted { ($0.approvedAt, $0.id.uuidString) < ($1.approvedAt, $1.id.uuidString) }
        }
    }

    public func finishJob(id: UUID, host: String, result: JobResult, now: Date) throws -> JobFinish {
        var message = result.message
        if let fixed = result.fixed, !fixed.isEmpty { message = [message, "passing now: " + fixed.joined(separator: ",")].compactMap { $0 }.joined(separator: "; ") }
        return try connections.transaction { connection in
            // Only the host the job is for can finish it, and only once.
            guard let state = try connection.rows("SELECT state FROM job WHERE id = \(id.uuidString) AND host_id = \(host) FOR UPDATE",
                                                  logger: logger).first?.decode(String.self) else {
                return .notFound
            }
            guard state == Job.State.approved.rawValue else { return .alreadyFinished }
            try connection.run("""
                UPDATE job SET state = \(result.state.rawValue), finished_at = \(Timestamp(now).description),
                transaction_id = \(result.transaction), message = \(message) WHERE id = \(id.uuidString)
                """, logger: logger)
            return .recorded
        }
    }

    public func jobs(host: String?, now: Date) throws -> [Job] {
        let stamp = Timestamp(now).description
        return try connections.with { connection in
            try connection.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.jobColumns) FROM job WHERE ($1::text IS NULL OR host_id = $1) ORDER BY approved_at DESC, id",
                                              binds: Self.binds(host)), logger: logger).map { try Self.job($0, now: stamp) }
        }
    }

    static let jobColumns = "id, host_id, controls, approved_by, approved_at, expires_at, state, transaction_id, message, kind, incident_id"

    static func job(_ row: PostgresRow, now: String) throws -> Job {
        let (id, host, controls, approvedBy, approvedAt, expiresAt, state, transaction, message, kind, incident) =
            try row.decode((String, String, String, String, String, String, String, String?, String?, String?, String?).self)
        return Job(stored: id, host: host, controls: controls, approvedBy: approvedBy, approvedAt: approvedAt, expiresAt: expiresAt,
                   state: state, transaction: transaction, message: message, kind: kind, incident: incident, now: now)
    }
}

extension PostgresCollectorStore: OfficerStore {
    public func admitSignIn(user: String, address: String?, at: Date, window: TimeInterval, limit: Int) throws -> Bool {
        try connections.transaction { connection in
            // One user name at a time across every instance, so the lockout's count is exact.
            try connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(user), 0))", logger: logger)
            // Old attempts are forgotten, so guessed names cannot grow the table without bound.
            try connection.run("DELETE FROM sign_in_failure WHERE at < \(Timestamp(at.addingTimeInterval(-max(window, 86_400))).description)", logger: logger)
            let recent = try connection.rows("""
                SELECT count(*) FROM sign_in_failure WHERE "user" = \(user) AND at >= \(Timestamp(at.addingTimeInterval(-window)).description)
                """, logger: logger).first?.decode(Int.self) ?? 0
            guard recent < limit else { return false }
            try connection.run(#"INSERT INTO sign_in_failure ("user", address, at) VALUES (\#(user), \#(address), \#(Timestamp(at).description))"#, logger: logger)
            return true
        }
    }

    public func signInFailures(user: String, since: Date) throws -> Int {
        try connections.with { connection in
            try connection.rows(#"SELECT count(*) FROM sign_in_failure WHERE "user" = \#(user) AND at >= \#(Timestamp(since).description)"#,
                                logger: logger).first?.decode(Int.self) ?? 0
        }
    }

    public func clearSignInFailures(user: String) throws {
        try connections.with { try $0.run(#"DELETE FROM sign_in_failure WHERE "user" = \#(user)"#, logger: logger) }
    }

    public func createSession(tokenHash: String, user: String, expiresAt: Date, now: Date) throws {
        let stamp = Timestamp(now).description
        try connections.transaction { connection in
            try connection.run("DELETE FROM officer_session WHERE expires_at <= \(stamp)", logger: logger)
            try connection.run(#"""
                INSERT INTO officer_session (token_hash, "user", created_at, expires_at, last_seen, checked_at)
                VALUES (\#(tokenHash), \#(user), \#(stamp), \#(Timestamp(expiresAt).description), \#(stamp), \#(stamp))
                """#, logger: logger)
        }
    }

    public func session(tokenHash: String, now: Date, idle: TimeInterval) throws -> OfficerSession? {
        let stamp = Timestamp(now).description
        let idleSince = Timestamp(now.addingTimeInterval(-idle)).description
        return try connections.transaction { connection in
            guard let row = try connection.rows(#"""
                SELECT "user", coalesce(last_seen, created_at), checked_at FROM officer_session
                WHERE token_hash = \#(tokenHash) AND expires_at > \#(stamp) FOR UPDATE
                """#, logger: logger).first else { return nil }
            let (user, lastSeen, checkedAt) = try row.decode((String, String, String?).self)
            guard lastSeen >= idleSince else {
                try connection.run("DELETE FROM officer_session WHERE token_hash = \(tokenHash)", logger: logger)
                return nil
            }
            try connection.run("UPDATE officer_session SET last_seen = \(stamp) WHERE token_hash = \(tokenHash)", logger: logger)
            return OfficerSession(user: user, checkedAt: checkedAt.flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0))
        }
    }

    public func markSessionChecked(tokenHash: String, at: Date) throws {
        try connections.with { try $0.run("UPDATE officer_session SET checked_at = \(Timestamp(at).description) WHERE token_hash = \(tokenHash)", logger: logger) }
    }

    public func deleteSession(tokenHash: String) throws {
        try connections.with { try $0.run("DELETE FROM officer_session WHERE token_hash = \(tokenHash)", logger: logger) }
    }
}

extension PostgresCollectorStore: AuditLog {
    /// Written in the same transaction as the change it records.
    func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?,
               detail: [String: String], at: Date, on connection: PostgresConnection) throws {
        try Self.audit(action, by: officer, unit: unit, host: host, subject: subject, detail: detail, at: at, on: connection, logger: logger)
    }

    static func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?,
                      detail: [String: String], at: Date, on connection: PostgresConnection, logger: Logger) throws {
        try AuditEntry.record(action, by: officer, unit: unit, host: host, subject: subject, detail: detail, at: at,
                              in: PostgresSession(connection: connection, logger: logger))
    }

    public func auditEntries(unit: String?, before: Int64?, limit: Int) throws -> [AuditEntry] {
        let limit = min(max(limit, 1), AuditEntry.maxPage)
        return try connections.with { connection in
            try connection.rows("""
                SELECT id, at, officer, role, action, unit, host_id, subject, detail FROM audit
                WHERE (\(unit)::text IS NULL OR unit = \(unit)) AND (\(before)::bigint IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)
                """, logger: logger).map { row in
                let (id, at, officer, role, action, unit, host, subject, detail) =
                    try row.decode((Int64, String, String, String, String, String?, String?, String?, String).self)
                return AuditEntry(id: id, at: Timestamp.parse(at).map(Timestamp.init) ?? Timestamp(secondsSince1970: 0), officer: officer, role: role,
                                  action: AuditEntry.Action(rawValue: action), unit: unit, host: host, subject: subject, detail: AuditEntry.readDetail(detail))
            }
        }
    }
}
