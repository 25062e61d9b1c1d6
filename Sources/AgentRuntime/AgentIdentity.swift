public import CollectorAPI
import DurableFiles
public import Enrollment
public import FoundationEssentials
public import HardeningCore
import HostAccess

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

    public static func directory(root: String) -> String {
        // Resolved inside the root: a link in a mounted tree never leads attt's writes out of it.
        HostRoot(root).local("/var/lib/attt/identity")
    }

    /// Nil when the host never enrolled; an error when the files are there but damaged.
    public static func load(root: String) throws -> AgentIdentity? {
        let directory = directory(root: root)
        let linkPath = directory + "/collector.json"
        guard FileManager.default.fileExists(atPath: linkPath) else { return nil }
        func read(_ name: String) throws -> String {
            // A regular file of at most 1 MiB: a FIFO planted here must not hang every scheduled run.
            guard let data = try? RegularFile.read(directory + "/" + name, limit: 1 << 20), let text = String(data: data, encoding: .utf8) else {
                throw EnrollmentError.unreadable(path: directory + "/" + name, reason: "missing or unreadable: enroll this PC again (attt enroll)")
            }
            return text
        }
        let link: Link
        do {
            link = try JSONDecoder().decode(Link.self, from: Data(try read("collector.json").utf8))
        } catch let error as EnrollmentError {
            throw error
        } catch {
            throw EnrollmentError.unreadable(path: linkPath, reason: "not valid (\(error)): enroll this PC again (attt enroll)")
        }
        return AgentIdentity(link: link, keyPEM: try read("host.key"), certificatePEM: try read("host.pem"), caPEM: try read("ca.pem"))
    }

    /// Written file by file with the link last, so a half-written identity is never taken as enrolled.
    public func save(root: String) throws {
        let directory = Self.directory(root: root)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Data(keyPEM.utf8), to: directory + "/host.key", mode: 0o600)
        try AtomicFile.write(Data(certificatePEM.utf8), to: directory + "/host.pem", mode: 0o644)
        try AtomicFile.write(Data(caPEM.utf8), to: directory + "/ca.pem", mode: 0o644)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(link) + Data("\n".utf8), to: directory + "/collector.json", mode: 0o644)
    }
}
