import DurableFiles
public import Enrollment
public import Foundation
import SwiftASN1
import X509

/// The collector's state directory on first start and every start after: the CA, the server
/// certificate and the database. Nothing is overwritten: an existing CA is loaded as is, because
/// every enrolled agent trusts it.
public struct CollectorState: Sendable {
    public let settings: CollectorSettings
    public let authority: CertificateAuthority
    /// Signs the units' catalogue bundles; apart from the CA and TLS keys (docs/design/catalogue-bundles.md §4).
    public let bundleKey: BundleSigningKey
    /// The keys PCs may trust, the signing key's last (`GET /v1/bundle-keys`).
    public let bundleRing: BundleKeyRing
    /// What was created this time (for the first-start message).
    public let created: [String]

    public static func open(_ settings: CollectorSettings, now: Date = Date()) throws -> CollectorState {
        let files = FileManager.default
        try files.createDirectory(atPath: settings.caDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var created: [String] = []
        let authority: CertificateAuthority
        if files.fileExists(atPath: settings.caCertificatePath) {
            authority = try CertificateAuthority(certificatePEM: try read(settings.caCertificatePath), keyPEM: try read(settings.caKeyPath))
        } else {
            authority = try CertificateAuthority.create(name: "attt collector CA (\(ProcessInfo.processInfo.hostName))", now: now)
            try AtomicFile.write(Data(try authority.keyPEM.utf8), to: settings.caKeyPath, mode: 0o600)
            try AtomicFile.write(Data(try authority.certificate.pemString.utf8), to: settings.caCertificatePath, mode: 0o644)
            created.append(settings.caCertificatePath)
        }
        let names = settings.serverNames.isEmpty ? [ProcessInfo.processInfo.hostName, "localhost", "127.0.0.1", "::1"] : settings.serverNames
        if try needsServerCertificate(settings, authority: authority, names: names, now: now) {
            let (certificate, key) = try authority.issueServerCertificate(names: names, now: now)
            try AtomicFile.write(Data(try key.serializeAsPEM().pemString.utf8), to: settings.serverKeyPath, mode: 0o600)
            try AtomicFile.write(Data(try certificate.pemString.utf8), to: settings.serverCertificatePath, mode: 0o644)
            created.append(settings.serverCertificatePath)
        }
        let bundleKey: BundleSigningKey
        if let existing = try bundleSigningKey(settings) {
            bundleKey = existing
        } else {
            bundleKey = BundleSigningKey.generate()
            try AtomicFile.write(Data(bundleKey.raw.base64EncodedString().utf8), to: settings.bundleKeyPath, mode: 0o600)
            created.append(settings.bundleKeyPath)
        }
        let ring = try bundleKeyRing(settings) ?? BundleKeyRing(keys: [bundleKey.publicKey])
        return CollectorState(settings: settings, authority: authority, bundleKey: bundleKey, bundleRing: ring, created: created)
    }

    /// The bundle signing key kept in the state directory, or nil before the first start made it.
    /// A command run beside `serve` (`attt-collector catalogue publish`) signs with the same key.
    public static func bundleSigningKey(_ settings: CollectorSettings) throws -> BundleSigningKey? {
        guard FileManager.default.fileExists(atPath: settings.bundleKeyPath) else { return nil }
        let text = try read(settings.bundleKeyPath).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), let key = try? BundleSigningKey(raw: raw) else {
            throw EnrollmentError.unreadable(path: settings.bundleKeyPath, reason: "not a bundle signing key (32 bytes in base64); restore it from backup: PCs trust only this key for catalogues")
        }
        return key
    }

    /// The ring kept beside the key, or nil before the first rotation (the key alone is served).
    public static func bundleKeyRing(_ settings: CollectorSettings) throws -> BundleKeyRing? {
        guard FileManager.default.fileExists(atPath: settings.bundleRingPath) else { return nil }
        guard let ring = try? JSONDecoder().decode(BundleKeyRing.self, from: Data(try read(settings.bundleRingPath).utf8)),
              (1...BundleKeyRing.maxKeys).contains(ring.keys.count) else {
            throw EnrollmentError.unreadable(path: settings.bundleRingPath, reason: "not a list of bundle keys; restore it from backup")
        }
        return ring
    }

    /// Rotation (docs/collector.md): a new signing key, endorsed by the current one so every PC that
    /// trusts the current key comes to trust the new one at its next run. The ring is written first:
    /// until the new key is in place the old one still signs, and PCs still trust it. The old private
    /// key is not kept. Takes effect in `serve` at its next start.
    public static func rotateBundleKey(_ settings: CollectorSettings) throws -> (retiring: BundlePublicKey, new: BundlePublicKey) {
        guard let current = try bundleSigningKey(settings) else {
            throw EnrollmentError.unreadable(path: settings.bundleKeyPath, reason: "no bundle signing key yet: start attt-collector serve once")
        }
        var ring = try bundleKeyRing(settings) ?? BundleKeyRing(keys: [current.publicKey])
        guard ring.keys.count < BundleKeyRing.maxKeys else {
            throw EnrollmentError.badRequest("the collector already serves \(ring.keys.count) bundle keys: retire old ones first (attt-collector bundle-key retire ID)")
        }
        let next = BundleSigningKey.generate()
        ring.keys.append(next.publicKey)
        ring.endorsements.append(try current.endorse(next.publicKey))
        try writeRing(ring, settings)
        try AtomicFile.write(Data(next.raw.base64EncodedString().utf8), to: settings.bundleKeyPath, mode: 0o600)
        return (current.publicKey, next.publicKey)
    }

    /// Stops serving a key: PCs drop it at their next run. The signing key cannot be retired.
    public static func retireBundleKey(id: String, _ settings: CollectorSettings) throws -> BundleKeyRing {
        guard let current = try bundleSigningKey(settings) else {
            throw EnrollmentError.unreadable(path: settings.bundleKeyPath, reason: "no bundle signing key yet: start attt-collector serve once")
        }
        var ring = try bundleKeyRing(settings) ?? BundleKeyRing(keys: [current.publicKey])
        guard id != current.publicKey.id else { throw EnrollmentError.badRequest("\(id) is the key bundles are signed with now: rotate first, then retire it") }
        guard ring.keys.contains(where: { $0.id == id }) else {
            throw EnrollmentError.badRequest("no bundle key \(id) is served (see attt-collector bundle-key list)")
        }
        ring.keys.removeAll { $0.id == id }
        try writeRing(ring, settings)
        return ring
    }

    static func writeRing(_ ring: BundleKeyRing, _ settings: CollectorSettings) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(ring), to: settings.bundleRingPath, mode: 0o644)
    }

    /// A new server certificate when there is none, it was not issued by this CA, its names changed,
    /// or it ends within 30 days.
    static func needsServerCertificate(_ settings: CollectorSettings, authority: CertificateAuthority, names: [String], now: Date) throws -> Bool {
        guard FileManager.default.fileExists(atPath: settings.serverCertificatePath), FileManager.default.fileExists(atPath: settings.serverKeyPath),
              let certificate = try? Certificate(pemEncoded: read(settings.serverCertificatePath)) else { return true }
        guard certificate.issuer == authority.certificate.subject, certificate.notValidAfter > now.addingTimeInterval(30 * 86_400) else { return true }
        let current = (try? certificate.extensions.subjectAlternativeNames).flatMap { $0 }.map { Array($0) } ?? []
        return Set(current.map(String.init(describing:))) != Set(CertificateAuthority.alternativeNames(names).map(String.init(describing:)))
    }

    static func read(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EnrollmentError.unreadable(path: path, reason: "cannot be read; restore it from backup (agents trust this CA) or move the state directory aside to start anew")
        }
        return text
    }
}
