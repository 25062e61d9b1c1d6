public import Foundation
public import CollectorAPI
import GRDB
import HardeningCore

extension SQLiteCollectorStore: EnrollmentStore {
    public func createToken(hash: String, unit: String, createdBy: String, expiresAt: Date, now: Date) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO enrollment_token (hash, unit, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [hash, unit, createdBy, Timestamp(now).description, Timestamp(expiresAt).description])
        }
    }

    public func enroll(tokenHash: String, hostname: String, now: Date, issue: (HostIdentity) throws -> IssuedCertificate) throws -> HostIdentity {
        let stamp = Timestamp(now).description
        return try database.write { db in
            guard let token = try Row.fetchOne(db, sql: "SELECT unit, expires_at, used_at FROM enrollment_token WHERE hash = ?", arguments: [tokenHash]) else {
                throw EnrollmentRefusal.unknownToken
            }
            guard token["used_at"] as String? == nil else { throw EnrollmentRefusal.usedToken }
            guard (token["expires_at"] as String) > stamp else { throw EnrollmentRefusal.expiredToken }
            // The collector names the host; what the PC calls itself is kept as its hostname only.
            let host = HostIdentity(id: "h-" + UUID().uuidString.lowercased(), unit: token["unit"])
            let issued = try issue(host)
            try db.execute(sql: "UPDATE enrollment_token SET used_at = ?, used_by_host = ? WHERE hash = ? AND used_at IS NULL",
                           arguments: [stamp, host.id, tokenHash])
            guard db.changesCount == 1 else { throw EnrollmentRefusal.usedToken }
            try db.execute(sql: "INSERT INTO host (id, unit, hostname, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
                           arguments: [host.id, host.unit, hostname.isEmpty ? nil : hostname, stamp, stamp])
            try db.execute(sql: "INSERT INTO host_certificate (serial, host_id, issued_at, not_after) VALUES (?, ?, ?, ?)",
                           arguments: [issued.serial, host.id, stamp, Timestamp(issued.notAfter).description])
            return host
        }
    }

    public func renewCertificate(host: String, now: Date, issue: () throws -> IssuedCertificate) throws -> IssuedCertificate {
        let stamp = Timestamp(now).description
        return try database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM host_certificate WHERE host_id = ? AND revoked_at IS NULL)", arguments: [host]) == true else {
                throw RenewalRefusal.revoked
            }
            // Renewals only: the certificate of enrollment (the host's first) is bounded by its token.
            if let last = try String.fetchOne(db, sql: """
                SELECT max(issued_at) FROM host_certificate WHERE host_id = ?1
                AND rowid != (SELECT rowid FROM host_certificate WHERE host_id = ?1 ORDER BY issued_at, rowid LIMIT 1)
                """, arguments: [host]).flatMap(Timestamp.parse),
               now.timeIntervalSince(last) < RenewalRefusal.interval {
                throw RenewalRefusal.tooSoon(next: last.addingTimeInterval(RenewalRefusal.interval))
            }
            let issued = try issue()
            try db.execute(sql: "INSERT INTO host_certificate (serial, host_id, issued_at, not_after) VALUES (?, ?, ?, ?)",
                           arguments: [issued.serial, host, stamp, Timestamp(issued.notAfter).description])
            return issued
        }
    }

    public func certifiedHost(serial: String) throws -> HostIdentity? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT h.id, h.unit FROM host_certificate c JOIN host h ON h.id = c.host_id
                WHERE c.serial = ? AND c.revoked_at IS NULL
                """, arguments: [serial]).map { HostIdentity(id: $0["id"], unit: $0["unit"]) }
        }
    }

    public func revoke(host: String, by officer: ActingOfficer, now: Date) throws -> Int {
        try database.write { db in
            try db.execute(sql: "UPDATE host_certificate SET revoked_at = ? WHERE host_id = ? AND revoked_at IS NULL",
                           arguments: [Timestamp(now).description, host])
            let count = db.changesCount
            if count > 0 {
                let unit = try String.fetchOne(db, sql: "SELECT unit FROM host WHERE id = ?", arguments: [host])
                try Self.audit(.hostRevoked, by: officer, unit: unit, host: host, subject: nil, detail: ["certificates": String(count)], at: now, in: db)
            }
            return count
        }
    }

    public func hosts(unit: String?) throws -> [HostRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.hostRecords + " WHERE (?1 IS NULL OR h.unit = ?1) ORDER BY h.unit, h.hostname, h.id", arguments: [unit]).map(Self.hostRecord)
        }
    }

    public func host(id: String) throws -> HostRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: Self.hostRecords + " WHERE h.id = ?", arguments: [id]).map(Self.hostRecord)
        }
    }

    static let hostIsRevoked = HistoryReads.hostIsRevoked

    static let hostRecords = "SELECT h.*, \(hostIsRevoked) AS revoked FROM host h"

    static func hostRecord(_ row: Row) -> HostRecord {
        HostRecord(id: row["id"], unit: row["unit"], hostname: row["hostname"], enrolledAt: row["first_seen"], lastSeen: row["last_seen"], revoked: row["revoked"])
    }
}

extension SQLiteCollectorStore: JobStore {
    public func approveJob(host: String, controls: [String], officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job {
        let job = Job(id: UUID(), host: host, controls: controls, approvedBy: officer.name, approvedAt: Timestamp(now).description,
                      expiresAt: Timestamp(expiresAt).description, state: .approved)
        try database.write { db in
            // Only a host that can still fetch it: enrolled, with a certificate that is not revoked.
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM host_certificate WHERE host_id = ? AND revoked_at IS NULL)", arguments: [host]) == true else {
                throw StoreError.unknownHost(host)
            }
            try db.execute(sql: """
                INSERT INTO job (id, host_id, controls, approved_by, approved_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, 'approved')
                """, arguments: [job.id.uuidString, host, controls.joined(separator: ","), officer.name, job.approvedAt, job.expiresAt])
            let unit = try String.fetchOne(db, sql: "SELECT unit FROM host WHERE id = ?", arguments: [host])
            try Self.audit(.jobApproved, by: officer, unit: unit, host: host, subject: job.id.uuidString,
                           detail: ["controls": job.controls.joined(separator: ","), "expiresAt": job.expiresAt], at: now, in: db)
        }
        return job
    }

    public func pendingJobs(host: String, now: Date) throws -> [Job] {
        let stamp = Timestamp(now).description
        return try database.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM job WHERE host_id = ? AND state = 'approved' AND expires_at > ? ORDER BY approved_at
                """, arguments: [host, stamp])
            try db.execute(sql: "UPDATE job SET fetched_at = coalesce(fetched_at, ?) WHERE host_id = ? AND state = 'approved' AND expires_at > ?",
                           arguments: [stamp, host, stamp])
            return rows.map { Self.job($0, now: stamp) }
        }
    }

    public func finishJob(id: UUID, host: String, result: JobResult, now: Date) throws -> JobFinish {
        try database.write { db in
            // Only the host the job is for can finish it, and only once.
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM job WHERE id = ? AND host_id = ?", arguments: [id.uuidString, host]) else {
                return .notFound
            }
            guard state == Job.State.approved.rawValue else { return .alreadyFinished }
            var message = result.message
            if let fixed = result.fixed, !fixed.isEmpty { message = [message, "passing now: " + fixed.joined(separator: ",")].compactMap { $0 }.joined(separator: "; ") }
            try db.execute(sql: "UPDATE job SET state = ?, finished_at = ?, transaction_id = ?, message = ? WHERE id = ?",
                           arguments: [result.state.rawValue, Timestamp(now).description, result.transaction, message, id.uuidString])
            return .recorded
        }
    }

    public func jobs(host: String?, now: Date) throws -> [Job] {
        let stamp = Timestamp(now).description
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job WHERE (?1 IS NULL OR host_id = ?1) ORDER BY approved_at DESC", arguments: [host])
                .map { Self.job($0, now: stamp) }
        }
    }

    static func job(_ row: Row, now: String) -> Job {
        Job(stored: row["id"], host: row["host_id"], controls: row["controls"], approvedBy: row["approved_by"], approvedAt: row["approved_at"],
            expiresAt: row["expires_at"], state: row["state"], transaction: row["transaction_id"], message: row["message"],
            kind: row["kind"], incident: row["incident_id"], now: now)
    }
}

extension SQLiteCollectorStore: OfficerStore {
    public func admitSignIn(user: String, address: String?, at: Date, window: TimeInterval, limit: Int) throws -> Bool {
        try database.write { db in
            // Old attempts are forgotten, so guessed names cannot grow the table without bound.
            try db.execute(sql: "DELETE FROM sign_in_failure WHERE at < ?", arguments: [Timestamp(at.addingTimeInterval(-max(window, 86_400))).description])
            let recent = try Int.fetchOne(db, sql: "SELECT count(*) FROM sign_in_failure WHERE user = ? AND at >= ?",
                                          arguments: [user, Timestamp(at.addingTimeInterval(-window)).description]) ?? 0
            guard recent < limit else { return false }
            try db.execute(sql: "INSERT INTO sign_in_failure (user, address, at) VALUES (?, ?, ?)", arguments: [user, address, Timestamp(at).description])
            return true
        }
    }

    public func signInFailures(user: String, since: Date) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sign_in_failure WHERE user = ? AND at >= ?", arguments: [user, Timestamp(since).description]) ?? 0
        }
    }

    public func clearSignInFailures(user: String) throws {
        try database.write { db in try db.execute(sql: "DELETE FROM sign_in_failure WHERE user = ?", arguments: [user]) }
    }

    public func createSession(tokenHash: String, user: String, expiresAt: Date, now: Date) throws {
        let stamp = Timestamp(now).description
        try database.write { db in
            try db.execute(sql: "DELETE FROM officer_session WHERE expires_at <= ?", arguments: [stamp])
            try db.execute(sql: "INSERT INTO officer_session (token_hash, user, created_at, expires_at, last_seen, checked_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [tokenHash, user, stamp, Timestamp(expiresAt).description, stamp, stamp])
        }
    }

    public func session(tokenHash: String, now: Date, idle: TimeInterval) throws -> OfficerSession? {
        let stamp = Timestamp(now).description
        let idleSince = Timestamp(now.addingTimeInterval(-idle)).description
        return try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user, last_seen, created_at, checked_at FROM officer_session WHERE token_hash = ? AND expires_at > ?",
                                             arguments: [tokenHash, stamp]) else { return nil }
            // Sessions made before v3 have no last_seen: their creation counts.
            let lastSeen: String = row["last_seen"] ?? row["created_at"]
            guard lastSeen >= idleSince else {
                try db.execute(sql: "DELETE FROM officer_session WHERE token_hash = ?", arguments: [tokenHash])
                return nil
            }
            try db.execute(sql: "UPDATE officer_session SET last_seen = ? WHERE token_hash = ?", arguments: [stamp, tokenHash])
            let checked = (row["checked_at"] as String?).flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0)
            return OfficerSession(user: row["user"], checkedAt: checked)
        }
    }

    public func markSessionChecked(tokenHash: String, at: Date) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE officer_session SET checked_at = ? WHERE token_hash = ?", arguments: [Timestamp(at).description, tokenHash])
        }
    }

    public func deleteSession(tokenHash: String) throws {
        try database.write { db in try db.execute(sql: "DELETE FROM officer_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }
}

public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownHost(String)
    /// The id is already taken by another host's record.
    case conflict(String)

    public var description: String {
        switch self {
        case .unknownHost(let id): return "no host \(id) is enrolled at this collector with a valid certificate (see attt-collector hosts list)"
        case .conflict(let id): return "\(id) belongs to another host's record"
        }
    }
}
