public import CollectorAPI
import DurableFiles
public import Enrollment
public import FoundationEssentials
public import HardeningCore
public import HostAccess

/// The host's identity at its collector, kept under `<root>/var/lib/attt/identity/` (state: purge
/// removes it, an upgrade keeps it): the private key made on this PC (0600, never sent), the
/// certificate the collector issued, the collector's CA, and where the collector is.
public struct AgentIdentity: Sendable, Hashable {
    public struct Link: Codable, Sendable, Hashable {
        public var collector: String
        public var hostId: String
        public var unit: String
        public var enrolledAt: Timestamp

        public init(collector: String, hostId: String, unit: String, enrolledAt: Timestamp) {
            self.collector = collector
            self.hostId = hostId
            self.unit = unit
            self.enrolledAt = enrolledAt
        }
    }

    public var link: Link
    public var keyPEM: String
    public var certificatePEM: String
    public var caPEM: String

    public init(link: Link, keyPEM: String, certificatePEM: String, caPEM: String) {
        self.link = link
        self.keyPEM = keyPEM
        self.certificatePEM = certificatePEM
        self.caPEM = caPEM
    }

    /// The identity an enrollment gives: the certificate the collector issued, and the CA the officer
    /// handed over — never the one the server sends back, which whoever answered could have chosen.
    public init(enrolledAt collector: String, answer: EnrollResponse, keyPEM: String, officerCA: String, now: Date) {
        self.init(link: Link(collector: collector, hostId: answer.hostId, unit: answer.unit, enrolledAt: Timestamp(now)),
                  keyPEM: keyPEM, certificatePEM: answer.certificate, caPEM: officerCA)
    }

    static let path = "/var/lib/attt/identity"

    /// Where the identity is kept on this machine, for messages.
    public static func location(in host: HostRoot) -> String { host.local(path) }

    /// Nil when the host never enrolled; an error when the files are there but damaged. Read inside
    /// the root: a link in a mounted tree never leads attt to another machine's keys.
    public static func load(host: HostRoot) throws -> AgentIdentity? {
        guard let directory = try host.existingDirectory(path), directory.exists("collector.json") else { return nil }
        func read(_ name: String) throws -> String {
            // A regular file of at most 1 MiB: a FIFO planted here must not hang every scheduled run.
            guard let data = try? directory.read(name, limit: 1 << 20), let text = String(data: data, encoding: .utf8) else {
                throw EnrollmentError.unreadable(path: directory.path(of: name), reason: "missing or unreadable: enroll this PC again (attt enroll)")
            }
            return text
        }
        let link: Link
        do {
            link = try JSONDecoder().decode(Link.self, from: Data(try read("collector.json").utf8))
        } catch let error as EnrollmentError {
            throw error
        } catch {
            throw EnrollmentError.unreadable(path: directory.path(of: "collector.json"), reason: "not valid (\(error)): enroll this PC again (attt enroll)")
        }
        return AgentIdentity(link: link, keyPEM: try read("host.key"), certificatePEM: try read("host.pem"), caPEM: try read("ca.pem"))
    }

    /// A renewed certificate for the same key: one file, replaced atomically.
    public func saveCertificate(host: HostRoot) throws {
        try host.directory(Self.path, create: 0o700).write(Data(certificatePEM.utf8), name: "host.pem", mode: 0o644)
    }

    /// Written file by file with the link last, so a half-written identity is never taken as enrolled.
    public func save(host: HostRoot) throws {
        let directory = try host.directory(Self.path, create: 0o700)
        try directory.write(Data(keyPEM.utf8), name: "host.key", mode: 0o600)
        try directory.write(Data(certificatePEM.utf8), name: "host.pem", mode: 0o644)
        try directory.write(Data(caPEM.utf8), name: "ca.pem", mode: 0o644)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try directory.write(try encoder.encode(link) + Data("\n".utf8), name: "collector.json", mode: 0o644)
    }
}
