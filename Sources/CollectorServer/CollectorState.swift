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
        return CollectorState(settings: settings, authority: authority, created: created)
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
