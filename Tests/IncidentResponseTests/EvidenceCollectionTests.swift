import AgentRuntime
import CollectorAPI
import Foundation
import HostAccess
import IncidentResponse
import Testing

/// `attt incident collect`'s library: a tree copied onto another filesystem, checked by Debian's
/// sha256sum and openssl, the source unchanged, hostile entries handled, a stopped run resumed.
@Suite(.enabled(if: isTmpfs("/dev/shm"), "the destination is /dev/shm, a filesystem other than the tree's (a tmpfs)"))
struct EvidenceCollectionTests {
    func collector(_ tree: EvidenceTree) -> EvidenceCollection {
        EvidenceCollection(host: tree.host, disk: .live())
    }

    func options(_ tree: EvidenceTree, incident: UUID = UUID()) -> EvidenceCollection.Options {
        var options = EvidenceCollection.Options(destination: tree.destination, incident: incident, officer: "cb.cntt")
        options.allowMemoryDisk = true
        options.reserve = 0
        return options
    }

    @Test func aTreeIsCopiedSignedAndCheckedByDebiansTools() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try tree.enroll()
        // Signing reads attt's own identity (key, certificate): their atimes change, nothing else.
        let before = tree.snapshot(excluding: ["var/lib/attt/identity"])
        let outcome = try collector(tree).run(options(tree))
        #expect(EvidenceTree.changes(before, tree.snapshot(excluding: ["var/lib/attt/identity"])) == [], "collecting changed the tree")
        #expect(outcome.manifest.complete && !outcome.resumed)
        let directory = try tree.collection()
        #expect(outcome.directory == directory)
        #expect((directory as NSString).lastPathComponent.hasPrefix("attt-ubnd-xa-01-\(outcome.manifest.incident!.uuidString.prefix(8).lowercased())-"))

        // sha256sum -c and openssl dgst -verify, as README.txt tells the officer.
        let sums = try shell(["sha256sum", "--strict", "-c", "SHA256SUMS"], in: directory)
        #expect(sums.status == 0, "\(sums.output)")
        #expect(!sums.output.contains("FAILED"))
        #expect(try shell(["sh", "-c", "openssl x509 -in host.pem -pubkey -noout > /dev/shm/pub-$$ && openssl dgst -sha256 -verify /dev/shm/pub-$$ -signature manifest.json.sig manifest.json; s=$?; rm -f /dev/shm/pub-$$; exit $s"], in: directory).output.contains("Verified OK"))
        let manifestSums = try shell(["sha256sum", "SHA256SUMS", "files.jsonl"], in: directory).output
        #expect(manifestSums.contains(outcome.manifest.sums.sha256) && manifestSums.contains(outcome.manifest.files.sha256))
        #expect(try String(contentsOfFile: directory + "/README.txt", encoding: .utf8).contains("openssl dgst -sha256 -verify"))

        // What was copied, byte for byte, with the source's metadata kept.
        #expect(try String(contentsOfFile: directory + "/data/var/log/auth.log", encoding: .utf8).contains("Accepted password"))
        #expect(FileManager.default.fileExists(atPath: directory + "/data/etc/a%3Ab%3Fc"))
        #expect(FileManager.default.fileExists(atPath: directory + "/data/var/log/bad%0Aname.log"))
        let listing = try String(contentsOfFile: directory + "/files.jsonl", encoding: .utf8)
        let files = listing.split(separator: "\n").map { try! JSONDecoder().decode(EvidenceFile.self, from: Data($0.utf8)) }
        let newline = try #require(files.first { $0.source == "/var/log/bad\nname.log" })
        #expect(newline.name == "data/var/log/bad%0Aname.log" && newline.mode == "0644" && newline.uid == 0)
        // Order of volatility: attt's record and the key logs before the rest of /var/log and /etc.
        let order = files.map(\.source)
        #expect(order.firstIndex(of: "/var/lib/attt/transactions/tx1/journal.json")! < order.firstIndex(of: "/var/log/auth.log")!)
        #expect(order.firstIndex(of: "/var/log/auth.log")! < order.firstIndex(of: "/var/log/kern.log")!)
        #expect(order.firstIndex(of: "/var/log/kern.log")! < order.firstIndex(of: "/etc/passwd")!)

        // Secrets excluded with the reason; hostile entries listed, never followed nor read.
        #expect(outcome.manifest.excluded.contains { $0.path == "/etc/ssh/ssh_host_ed25519_key" && $0.reason.contains("khoá riêng") })
        #expect(order.contains("/etc/ssh/ssh_host_ed25519_key.pub") && !order.contains("/etc/ssh/ssh_host_ed25519_key"))
        #expect(outcome.manifest.skipped.contains { $0.path == "/var/log/pipe" && $0.reason.contains("FIFO") })
        #expect(outcome.manifest.skipped.contains { $0.path == "/var/log/escape" && $0.reason.contains("liên kết") })
        #expect(outcome.manifest.skipped.contains { $0.path == "/var/log/huge.log" && $0.size == 3 << 30 })
        #expect(try shell(["grep", "-r", "outside the root", directory]).status == 1)
        // Under --root the live state is not the tree's.
        #expect(outcome.manifest.excluded.contains { $0.path == "live" && $0.reason.contains("không phải máy đang chạy") })
        #expect(outcome.manifest.host.id == "host-7" && outcome.manifest.host.hostname == "ubnd-xa-01")

        let report = EvidenceVerification(path: directory).run()
        #expect(report.ok && report.signatureValid == true, "\(report.problems)")
        #expect(report.manifestSHA256?.count == 64)
        #expect(report.filesChecked == files.count)
    }

    @Test func aStoppedCollectionResumesToTheSameResult() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        let incident = UUID()
        var stopping = collector(tree)
        struct Killed: Error {}
        stopping.checkpoint = { if $0 >= 4 { throw Killed() } }
        #expect(throws: Killed.self) { try stopping.run(options(tree, incident: incident)) }
        let directory = try tree.collection()
        #expect(!FileManager.default.fileExists(atPath: directory + "/manifest.json"))
        // A half-written copy, as a kill inside a file leaves it.
        try FileManager.default.createDirectory(atPath: directory + "/data/etc", withIntermediateDirectories: true)
        try "half".write(toFile: directory + "/data/etc/passwd.part", atomically: false, encoding: .utf8)

        let outcome = try collector(tree).run(options(tree, incident: incident))
        #expect(outcome.resumed && outcome.manifest.complete)
        #expect(try tree.collection() == directory)
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/etc/passwd.part"))
        let progress = try String(contentsOfFile: directory + "/progress.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(progress.count == outcome.copied, "every file copied once")
        #expect(try shell(["sha256sum", "--strict", "-c", "SHA256SUMS"], in: directory).status == 0)
        let report = EvidenceVerification(path: directory).run()
        #expect(report.ok && report.signatureValid == nil, "\(report.problems)")
        #expect(try String(contentsOfFile: directory + "/README.txt", encoding: .utf8).contains("KHÔNG CÓ"))

        // A finished collection is not resumed: the next run for the incident is a new one.
        let again = try collector(tree).run(options(tree, incident: incident))
        #expect(!again.resumed && again.directory != directory)
    }

    @Test func whatDoesNotFitIsListedAndARerunWithRoomFinishes() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        var small = options(tree)
        small.maxBytes = 200
        let first = try collector(tree).run(small)
        #expect(!first.manifest.complete && first.leftForRoom > 0)
        #expect(first.bytes <= 200)
        #expect(first.manifest.skipped.contains { $0.reason.contains("--max-bytes") && $0.size != nil })
        #expect(EvidenceVerification(path: first.directory).run().ok)
        // An incomplete copy is recorded as not done: Bước 3 (restore) still waits for the evidence.
        let partial = try first.record(in: IncidentLog(host: tree.host), actor: "cb.cntt", source: .terminal)
        #expect(partial.outcome == .failed && partial.detail?.contains("CHƯA ĐẦY ĐỦ") == true)

        var capped = options(tree, incident: small.incident)
        capped.caps[.etc] = 10
        let second = try collector(tree).run(capped)
        #expect(second.resumed && second.directory == first.directory)
        #expect(!second.manifest.complete && second.manifest.skipped.contains { $0.path == "/etc/passwd" && $0.reason.contains("etc") })

        let third = try collector(tree).run(options(tree, incident: small.incident))
        #expect(third.manifest.complete && third.directory == first.directory)
        #expect(EvidenceVerification(path: third.directory).run().ok)
    }

    @Test func aTamperedCollectionFailsVerificationNamingTheFile() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try tree.enroll()
        let outcome = try collector(tree).run(options(tree))
        let directory = outcome.directory

        try "Dec  6 08:00:01 pc sshd[1]: nothing happened\n".write(toFile: directory + "/data/var/log/auth.log", atomically: false, encoding: .utf8)
        let changed = EvidenceVerification(path: directory).run()
        #expect(!changed.ok && changed.signatureValid == true)
        #expect(changed.problems.contains { $0.hasPrefix("data/var/log/auth.log:") })
        #expect(try shell(["sha256sum", "--quiet", "-c", "SHA256SUMS"], in: directory).output.contains("data/var/log/auth.log: FAILED"))

        // Rewriting SHA256SUMS to match does not help: the signed manifest commits to it.
        let forged = try shell(["sh", "-c", "sed -i 's/^[0-9a-f]*  data\\/var\\/log\\/auth.log$/'$(sha256sum data/var/log/auth.log | cut -c1-64)'  data\\/var\\/log\\/auth.log/' SHA256SUMS"], in: directory)
        #expect(forged.status == 0)
        #expect(EvidenceVerification(path: directory).run().problems.contains { $0.hasPrefix("SHA256SUMS:") })

        // And a manifest edited to match is no longer signed by the PC.
        let manifest = try String(contentsOfFile: directory + "/manifest.json", encoding: .utf8)
        try manifest.replacingOccurrences(of: "cb.cntt", with: "someone").write(toFile: directory + "/manifest.json", atomically: false, encoding: .utf8)
        let resigned = EvidenceVerification(path: directory).run()
        #expect(resigned.signatureValid == false && resigned.problems.contains { $0.hasPrefix("manifest.json.sig:") })

        // A file added to the disk is named too.
        try "planted".write(toFile: directory + "/data/etc/planted", atomically: false, encoding: .utf8)
        #expect(EvidenceVerification(path: directory).run().problems.contains { $0.hasPrefix("data/etc/planted:") })
    }

    @Test func theCollectionIsRecordedAndQueuedForTheCollector() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try tree.enroll()
        let incident = UUID()
        let outcome = try collector(tree).run(options(tree, incident: incident))
        let before = tree.snapshot(excluding: ["var/lib/attt/incidents"])
        let log = IncidentLog(host: tree.host)
        let step = try outcome.record(in: log, actor: "cb.cntt", source: .terminal)
        #expect(tree.snapshot(excluding: ["var/lib/attt/incidents"]) == before, "only the incident's record is written on the PC")
        #expect(step.kind == .collect && step.manifest == outcome.manifest.id && step.incident == incident)
        #expect(step.detail?.contains("đầy đủ") == true && step.detail?.contains("đã ký") == true)
        #expect(try log.currentIncident() == incident)
        #expect(try log.steps(incident: incident).map(\.id) == [step.id])
        let pending = try log.outbox.pending()
        guard case .manifest(let upload)? = pending.first(where: { $0.id == outcome.manifest.id }) else {
            Issue.record("no manifest in the incident outbox: \(pending)")
            return
        }
        #expect(Data(base64Encoded: upload.manifest) == outcome.manifestBytes)
        #expect(upload.signature.flatMap { Data(base64Encoded: $0) } == outcome.signature)
        #expect(upload.certificate?.contains("BEGIN CERTIFICATE") == true)
        #expect(upload.sums.map { Data($0.utf8) } == outcome.sums && upload.incident == incident)
        #expect(FileManager.default.fileExists(atPath: tree.root + "/var/lib/attt/incidents/\(incident.uuidString)/evidence-\(outcome.manifest.id.uuidString).json"))
    }

    @Test func aPathArgumentStaysInsideTheRoot() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        var withPath = options(tree)
        try tree.enroll()
        withPath.paths = ["/srv/app", "/../../../../\((tree.outside as NSString).lastPathComponent)/secret", "/home/u/absent", "/var/lib/attt/identity"]
        let outcome = try collector(tree).run(withPath)
        #expect(outcome.manifest.complete)
        #expect(outcome.manifest.excluded.contains { $0.path == "/var/lib/attt/identity/host.key" && $0.reason.contains("khoá riêng") })
        #expect(FileManager.default.fileExists(atPath: outcome.directory + "/data/var/lib/attt/identity/host.pem"))
        #expect(!FileManager.default.fileExists(atPath: outcome.directory + "/data/var/lib/attt/identity/host.key"))
        #expect(FileManager.default.fileExists(atPath: outcome.directory + "/data/srv/app/data.csv"))
        #expect(try shell(["grep", "-r", "outside the root", outcome.directory]).status == 1)
    }

    /// `--path /media` with the evidence disk mounted at /media/usb: the destination is never walked.
    @Test func theDestinationIsNeverWalkedIntoEvenUnderAPath() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try FileManager.default.createDirectory(atPath: tree.root + "/media/usb/attt-old", withIntermediateDirectories: true)
        try "earlier copy".write(toFile: tree.root + "/media/usb/attt-old/x", atomically: false, encoding: .utf8)
        try "notes".write(toFile: tree.root + "/media/readme", atomically: false, encoding: .utf8)
        let plan = EvidencePlan.make(host: tree.host, boots: [], evidencePaths: ["/media"], skipping: [tree.root + "/media/usb"])
        #expect(plan.sources.contains { $0.path == "/media/readme" && $0.category == .paths })
        #expect(!plan.sources.contains { $0.path.hasPrefix("/media/usb") })
        #expect(plan.unlisted.contains { $0.path == "/media/usb" && $0.reason.contains("thư mục đích") })
    }
}
