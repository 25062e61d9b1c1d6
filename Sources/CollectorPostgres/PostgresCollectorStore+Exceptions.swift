public import CollectorStore
public import Foundation
import HardeningCore
import PostgresNIO

/// Waivers and attestations (issue 13 points 4–5) on PostgreSQL, as the SQLite store keeps them.
/// A unit's records are changed one instance at a time (an advisory lock per unit), so its bounds
/// on records and attached bytes hold when officers use two instances at once.
extension PostgresCollectorStore: ExceptionStore {
    public func recordWaiver(_ request: WaiverRequest, by officer: ActingOfficer, now: Date) throws -> Waiver {
        let request = try ExceptionLimits.checked(request, now: now)
        let waiver = Waiver(id: UUID(), unit: request.unit, host: request.host, control: request.control, justification: request.justification,
                            approvedBy: request.approvedBy, recordedBy: officer.name, recordedAt: Self.stored(now), expiresAt: Self.stored(request.expiresAt.date))
        try connections.transaction { connection in
            try lockUnit(waiver.unit, on: connection)
            try requireUnit(waiver.unit, on: connection)
            try requireRoom(in: "waiver", unit: waiver.unit, on: connection)
            if let host = waiver.host {
                // A unit's officer waives for the unit's own PCs only.
                guard try connection.rows("SELECT unit FROM host WHERE id = \(host)", logger: logger).first?.decode(String.self) == waiver.unit else {
                    throw ExceptionRefusal.foreignHost(host, unit: waiver.unit)
                }
            }
            try connection.run("""
                INSERT INTO waiver (id, unit, host_id, control, justification, approved_by, recorded_by, recorded_at, expires_at)
                VALUES (\(waiver.id.uuidString), \(waiver.unit), \(waiver.host), \(waiver.control), \(waiver.justification), \(waiver.approvedBy),
                        \(waiver.recordedBy), \(waiver.recordedAt.description), \(waiver.expiresAt.description))
                """, logger: logger)
            try audit(.waiverRecorded, by: officer, unit: waiver.unit, host: waiver.host, subject: waiver.control,
                      detail: ["waiver": waiver.id.uuidString, "justification": waiver.justification, "approvedBy": waiver.approvedBy,
                               "expiresAt": waiver.expiresAt.description], at: now, on: connection)
        }
        return waiver
    }

    public func endWaiver(id: UUID, by officer: ActingOfficer, now: Date) throws -> Waiver {
        try connections.transaction { connection in
            guard var waiver = try connection.rows("SELECT \(unescaped: Self.waiverColumns) FROM waiver WHERE id = \(id.uuidString) FOR UPDATE",
                                                   logger: logger).first.map(Self.waiver) else {
                throw ExceptionRefusal.unknownWaiver(id)
            }
            guard waiver.inForce(at: now) else {
                throw ExceptionRefusal.waiverOver(id)
            }
            waiver.endedAt = Self.stored(now)
            waiver.endedBy = officer.name
            try connection.run("UPDATE waiver SET ended_at = \(waiver.endedAt?.description), ended_by = \(officer.name) WHERE id = \(id.uuidString)", logger: logger)
            try audit(.waiverEnded, by: officer, unit: waiver.unit, host: waiver.host, subject: waiver.control,
                      detail: ["waiver": id.uuidString], at: now, on: connection)
            return waiver
        }
    }

    public func waiver(id: UUID) throws -> Waiver? {
        try connections.with { connection in
            try connection.rows("SELECT \(unescaped: Self.waiverColumns) FROM waiver WHERE id = \(id.uuidString)", logger: logger).first.map(Self.waiver)
        }
    }

    public func waivers(unit: String, at: Date, all: Bool) throws -> [Waiver] {
        let stamp = Timestamp(at).description
        return try connections.with { connection in
            try connection.rows("""
                SELECT \(unescaped: Self.waiverColumns) FROM waiver
                WHERE unit = \(unit) AND (\(all) OR (recorded_at <= \(stamp) AND expires_at > \(stamp) AND (ended_at IS NULL OR ended_at > \(stamp))))
                ORDER BY recorded_at DESC, seq DESC
                """, logger: logger).map(Self.waiver)
        }
    }

    public func waiver(for control: String, host: String, unit: String, at: Date) throws -> Waiver? {
        let stamp = Timestamp(at).description
        return try connections.with { connection in
            // The host's own waiver is the more precise decision: it goes before the unit's.
            try connection.rows("""
                SELECT \(unescaped: Self.waiverColumns) FROM waiver
                WHERE unit = \(unit) AND control = \(control) AND (host_id = \(host) OR host_id IS NULL)
                AND recorded_at <= \(stamp) AND expires_at > \(stamp) AND (ended_at IS NULL OR ended_at > \(stamp))
                ORDER BY host_id IS NULL, recorded_at DESC, seq DESC LIMIT 1
                """, logger: logger).first.map(Self.waiver)
        }
    }

    static let waiverColumns = "id, unit, host_id, control, justification, approved_by, recorded_by, recorded_at, expires_at, ended_at, ended_by"

    static func waiver(_ row: PostgresRow) throws -> Waiver {
        let (id, unit, host, control, justification, approvedBy, recordedBy, recordedAt, expiresAt, endedAt, endedBy) =
            try row.decode((String, String, String?, String, String, String, String, String, String, String?, String?).self)
        return Waiver(id: UUID(uuidString: id) ?? UUID(), unit: unit, host: host, control: control, justification: justification,
                      approvedBy: approvedBy, recordedBy: recordedBy, recordedAt: time(recordedAt), expiresAt: time(expiresAt),
                      endedAt: endedAt.map(time), endedBy: endedBy)
    }

    public func recordAttestation(_ request: AttestationRequest, by officer: ActingOfficer, now: Date) throws -> Attestation {
        let request = try ExceptionLimits.checked(request, now: now)
        // The hash is the collector's, computed over the bytes it keeps.
        let file = request.file.map {
            Attestation.File(name: $0.name, mediaType: $0.mediaType, size: $0.data.count, sha256: ContentDigest.sha256($0.data))
        }
        let attestation = Attestation(id: UUID(), unit: request.unit, control: request.control, attestedOn: request.attestedOn, reference: request.reference,
                                      note: request.note, attestedBy: request.attestedBy, recordedBy: officer.name, recordedAt: Self.stored(now),
                                      validUntil: Self.stored(request.validUntil.date), file: file)
        try connections.transaction { connection in
            try lockUnit(attestation.unit, on: connection)
            try requireUnit(attestation.unit, on: connection)
            try requireRoom(in: "attestation", unit: attestation.unit, on: connection)
            if let file {
                let kept = try connection.rows("SELECT coalesce(sum(file_size), 0)::bigint FROM attestation WHERE unit = \(attestation.unit)",
                                               logger: logger).first?.decode(Int.self) ?? 0
                guard kept + file.size <= ExceptionLimits.fileBytesPerUnit else {
                    throw ExceptionRefusal.filesFull(unit: attestation.unit, kept: kept)
                }
            }
            try connection.run("""
                INSERT INTO attestation (id, unit, control, attested_on, reference, note, attested_by, recorded_by, recorded_at, valid_until,
                                         file_name, file_type, file_size, file_sha256, file)
                VALUES (\(attestation.id.uuidString), \(attestation.unit), \(attestation.control), \(attestation.attestedOn), \(attestation.reference),
                        \(attestation.note), \(attestation.attestedBy), \(attestation.recordedBy), \(attestation.recordedAt.description),
                        \(attestation.validUntil.description), \(file?.name), \(file?.mediaType), \(file?.size), \(file?.sha256), \(request.file?.data))
                """, logger: logger)
            var detail = ["attestation": attestation.id.uuidString, "attestedOn": attestation.attestedOn, "attestedBy": attestation.attestedBy,
                          "validUntil": attestation.validUntil.description]
            detail["reference"] = attestation.reference
            detail["fileSha256"] = file?.sha256
            try audit(.attestationRecorded, by: officer, unit: attestation.unit, host: nil, subject: attestation.control, detail: detail, at: now, on: connection)
        }
        return attestation
    }

    /// Every column but the file's bytes, which only the download reads.
    static let attestationColumns = """
        id, unit, control, attested_on, reference, note, attested_by, recorded_by, recorded_at, valid_until, file_name, file_type, file_size, file_sha256
        """

    public func attestations(unit: String) throws -> [Attestation] {
        try connections.with { connection in
            try connection.rows("SELECT \(unescaped: Self.attestationColumns) FROM attestation WHERE unit = \(unit) ORDER BY recorded_at DESC, seq DESC",
                                logger: logger).map(Self.attestation)
        }
    }

    public func attestationStates(unit: String, at: Date) throws -> [AttestationState] {
        let all = try attestations(unit: unit)
        return OrganisationalControl.all.map { AttestationState(control: $0, attestations: all, at: at) }
    }

    public func attestationFile(id: UUID) throws -> (Attestation, Data)? {
        try connections.with { connection in
            guard let row = try connection.rows("SELECT \(unescaped: Self.attestationColumns), file FROM attestation WHERE id = \(id.uuidString)",
                                                logger: logger).first,
                  let data = try row.makeRandomAccess()["file"].decode(Data?.self) else { return nil }
            return (try Self.attestation(row), data)
        }
    }

    static func attestation(_ row: PostgresRow) throws -> Attestation {
        let columns = row.makeRandomAccess()
        func text(_ name: String) throws -> String { try columns[name].decode(String.self) }
        func optional(_ name: String) throws -> String? { try columns[name].decode(String?.self) }
        var file: Attestation.File?
        if let name = try optional("file_name") {
            file = Attestation.File(name: name, mediaType: try optional("file_type") ?? "application/octet-stream",
                                    size: try columns["file_size"].decode(Int?.self) ?? 0, sha256: try optional("file_sha256") ?? "")
        }
        return Attestation(id: UUID(uuidString: try text("id")) ?? UUID(), unit: try text("unit"), control: try text("control"),
                           attestedOn: try text("attested_on"), reference: try optional("reference"), note: try optional("note"),
                           attestedBy: try text("attested_by"), recordedBy: try text("recorded_by"),
                           recordedAt: time(try text("recorded_at")), validUntil: time(try text("valid_until")), file: file)
    }

    /// One instance at a time changes a unit's waivers and attestations, until the transaction ends.
    func lockUnit(_ unit: String, on connection: PostgresConnection) throws {
        try connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\("exceptions:" + unit), 0))", logger: logger)
    }

    /// A unit exists once a token was made for it or a host enrolled in it: a unit name with a typo
    /// is refused rather than waived or attested for nobody.
    func requireUnit(_ unit: String, on connection: PostgresConnection) throws {
        try IncidentRecords.requireUnit(unit, in: PostgresSession(connection: connection, logger: logger))
    }

    /// Refuses a unit's record past `ExceptionLimits.recordsPerUnit` of its kind.
    func requireRoom(in table: String, unit: String, on connection: PostgresConnection) throws {
        let count = try connection.rows("SELECT count(*) FROM \(unescaped: table) WHERE unit = \(unit)", logger: logger).first?.decode(Int.self) ?? 0
        guard count < ExceptionLimits.recordsPerUnit else {
            throw ExceptionRefusal.full(table, unit: unit, count: count)
        }
    }

    /// The time as stored (to the second), so what a call returns equals what a later read finds.
    static func stored(_ date: Date) -> Timestamp { IncidentRecords.stored(date) }

    static func time(_ text: String) -> Timestamp { Timestamp.parse(text).map(Timestamp.init) ?? Timestamp(secondsSince1970: 0) }
}
