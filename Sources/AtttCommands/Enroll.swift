import AgentRuntime
import ArgumentParser
import CollectorAPI
import CommandLineSupport
import Enrollment
import FoundationEssentials
import HardeningCore
import HostAccess
import HostProbes

/// `attt enroll --collector URL --token T --ca-cert FILE`: makes this PC's key, trades the one-time
/// token and a certificate request for the host's certificate, and keeps the identity for `attt run`.
struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Đăng ký máy với máy chủ tổng hợp — enroll this PC with the collector (once, with a token from the officer).",
        discussion: "The officer creates the token with: attt-collector token create --unit \"…\", and gives you the collector's ca.pem."
    )

    @OptionGroup var host: HostOptions

    @Option(help: "The collector's address, https://HOST:PORT.")
    var collector: String

    @Option(help: "The one-time enrollment token.")
    var token: String

    @Option(help: ArgumentHelp("The collector's CA certificate (PEM), copied from the collector.", valueName: "file"))
    var caCert: String

    @Flag(help: "Replace an existing enrollment.")
    var force = false

    func run() async throws {
        let root = try host.openRoot()
        try HostRecovery.run(host: root, language: .en)
        guard let caPEM = try? String(contentsOfFile: caCert, encoding: .utf8), caPEM.contains("BEGIN CERTIFICATE") else {
            throw CommandFailure.badInput("--ca-cert \(caCert): not a readable PEM certificate (copy the collector's ca.pem)")
        }
        if !force, (try? AgentIdentity.load(host: root)) != nil {
            throw CommandFailure.badInput("this PC is already enrolled (\(AgentIdentity.location(in: root))); add --force to enroll it again")
        }
        let key = HostKey.generate()
        // The host under the root names itself (its /etc/hostname), not the machine running attt.
        let hostname = HostProbe(host: root, antivirusEngines: []).system().hostname ?? ProcessInfo.processInfo.hostName
        let client: CollectorClient
        do {
            client = try CollectorClient(collector: collector, caPEM: caPEM)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        let answer: EnrollResponse
        do {
            answer = try await client.enroll(EnrollRequest(token: token.trimmed, csr: try key.certificateRequest(hostname: hostname).pemString))
            await client.shutdown()
        } catch UploadError.rejected(let why) {
            await client.shutdown()
            throw CommandFailure(exitCode: 1, message: "the collector refused the enrollment: \(why)")
        } catch {
            await client.shutdown()
            throw CommandFailure(exitCode: 3, message: "could not reach the collector: \(error)")
        }
        let identity = AgentIdentity(enrolledAt: collector, answer: answer, keyPEM: try key.pem, officerCA: caPEM, now: Date())
        if answer.caCertificate.trimmed != caPEM.trimmed {
            StandardStreams.error("attt: the collector sent back a CA other than --ca-cert \(caCert); kept the one you gave\n")
        }
        try identity.save(host: root)
        // The keys the unit's catalogue bundles must be signed with, learned over the channel the
        // officer's CA vouched for (docs/design/catalogue-bundles.md §4). Replaced whole: after
        // `--force` to another collector, the last one's keys (and so its bundle) are trusted no more.
        try BundleStore(host: root).trust((answer.bundleKeys ?? []).map(BundlePublicKey.init(raw:)))
        print("enrolled as \(answer.hostId) in \(answer.unit); identity in \(AgentIdentity.location(in: root))")
    }
}
