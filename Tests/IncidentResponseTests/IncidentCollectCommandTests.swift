import AtttTestSupport
import Foundation
import Testing

/// `attt incident collect` and `verify` as an officer runs them: sign-in through PAM (a staged service
/// whose pam_exec accepts one password), refusals before anything is copied, a real ext4 disk on a
/// loop device, a kill in the middle and a rerun that finishes.
@Suite struct IncidentCollectCommandTests {
    static let canUseLoopDevices = getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/loop-control")
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/mkfs.ext4") && FileManager.default.isExecutableFile(atPath: "/usr/sbin/losetup")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    /// A staged /etc/pam.d/attt accepting root with one password, as TransactionTests does.
    static func stagedPAM(_ base: String) throws -> String {
        let pam = base + "-pam"
        try FileManager.default.createDirectory(atPath: pam, withIntermediateDirectories: true)
        try "#!/bin/sh\n[ \"$(tr -d '\\000')\" = \"Dung-mat-khau-1\" ]\n".write(toFile: pam + "/check", atomically: true, encoding: .utf8)
        chmod(pam + "/check", 0o755)
        try "auth required pam_exec.so expose_authtok quiet \(pam)/check\naccount required pam_permit.so\n".write(toFile: pam + "/attt", atomically: true, encoding: .utf8)
        return pam
    }

    static let signIn = "root\nDung-mat-khau-1\n"

    @Test func aDestinationInsideTheCollectedTreeIsRefusedBeforeSignIn() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try FileManager.default.createDirectory(atPath: tree.root + "/mnt/usb", withIntermediateDirectories: true)
        let before = tree.snapshot()
        let out = try AtttBinary.run(["incident", "collect", "--root", tree.root, "--to", tree.root + "/mnt/usb"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("cùng hệ thống tệp") && !out.stderr.contains("Tài khoản"))
        #expect(tree.snapshot() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.root + "/mnt/usb").isEmpty)

        let missing = try AtttBinary.run(["incident", "collect", "--root", tree.root, "--to", "/nonexistent-usb"])
        #expect(missing.status == 2 && missing.stderr.contains("--to /nonexistent-usb"))
        let badIncident = try AtttBinary.run(["incident", "collect", "--root", tree.root, "--to", tree.destination, "--incident", "hôm-qua"])
        #expect(badIncident.status == 2 && badIncident.stderr.contains("UUID"))
        let tmpfs = try AtttBinary.run(["incident", "collect", "--root", tree.root, "--to", tree.destination])
        #expect(tmpfs.status == 2 && tmpfs.stderr.contains("--allow-memory-disk"), "\(tmpfs.stderr)")
    }

    @Test(.enabled(if: isTmpfs("/dev/shm"), "the destination is /dev/shm, another filesystem than the tree's"))
    func aWrongPasswordCopiesNothing() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        let pam = try Self.stagedPAM(tree.root)
        defer { try? FileManager.default.removeItem(atPath: pam) }
        let out = try AtttBinary.run(["incident", "collect", "--root", tree.root, "--to", tree.destination, "--allow-memory-disk", "--pam-confdir", pam, "--officer-group", "root"], input: "root\nsai\n")
        #expect(out.status == 2 && out.stderr.contains("chưa sao chép gì"), "\(out.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.destination).isEmpty)
    }

    /// The unit's own directories (VN-TD-INC-001 `evidence_paths` in /etc/attt/tailoring.yaml) are
    /// collected without `--path`; a value that is not an absolute path stops before anyone signs in.
    @Test(.enabled(if: isTmpfs("/dev/shm"), "the destination is /dev/shm, another filesystem than the tree's"))
    func theUnitsDirectoriesComeFromItsTailoring() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try FileManager.default.removeItem(atPath: tree.root + "/var/log/huge.log")
        try FileManager.default.createDirectory(atPath: tree.root + "/etc/attt", withIntermediateDirectories: true)
        let tailoring = tree.root + "/etc/attt/tailoring.yaml"
        let pam = try Self.stagedPAM(tree.root)
        defer { try? FileManager.default.removeItem(atPath: pam) }
        let collect = ["incident", "collect", "--root", tree.root, "--to", tree.destination, "--allow-memory-disk", "--reserve-bytes", "0",
                       "--pam-confdir", pam, "--officer-group", "root"]

        try "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-INC-001:\n    evidence_paths: [srv/app]\n".write(toFile: tailoring, atomically: false, encoding: .utf8)
        let bad = try AtttBinary.run(collect, input: Self.signIn)
        #expect(bad.status == 2 && bad.stderr.contains(tailoring) && bad.stderr.contains("evidence_paths: srv/app"), "\(bad.stderr)")
        let copied = try FileManager.default.contentsOfDirectory(atPath: tree.destination)
        #expect(!bad.stderr.contains("Tài khoản") && copied.isEmpty)

        try "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-INC-001:\n    evidence_paths: [/srv/app]\n".write(toFile: tailoring, atomically: false, encoding: .utf8)
        let out = try AtttBinary.run(collect, input: Self.signIn)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        let collection = try #require(try FileManager.default.contentsOfDirectory(atPath: tree.destination).first { $0.hasPrefix("attt-") })
        let files = FileManager.default.enumerator(atPath: tree.destination + "/" + collection)?.allObjects as? [String] ?? []
        #expect(files.contains { $0.hasSuffix("srv/app/data.csv") }, "\(files)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tree.destination + "/" + collection + "/manifest.json"))) as? [String: Any]
        let paths = (manifest?["categories"] as? [[String: Any]])?.first { $0["name"] as? String == "paths" }
        #expect(paths?["files"] as? Int == 1 && paths?["bytes"] as? Int == 6, "\(String(describing: paths))")
    }

    /// The whole flow on a real disk: an ext4 made by mkfs.ext4 on a loop device whose image sits on a
    /// tmpfs, all in a private mount namespace (nothing is mounted for the rest of the machine). The
    /// same disk made from an image in /tmp (the tree's own disk) is refused.
    @Test(.enabled(if: canUseLoopDevices, "needs root, /dev/loop-control, losetup, mkfs.ext4 and unshare to make a disk of its own"))
    func onALoopDiskItIsKilledResumedVerifiedAndRecorded() throws {
        let tree = try EvidenceTree()
        defer { tree.remove() }
        try tree.enroll()
        let pam = try Self.stagedPAM(tree.root)
        defer { try? FileManager.default.removeItem(atPath: pam) }
        let work = tree.root + "-work"
        try FileManager.default.createDirectory(atPath: work + "/mnt", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let attt = AtttBinary.url.path
        // Signing reads attt's own identity (their atimes change); the record is written after the copy.
        let before = tree.snapshot(excluding: ["var/lib/attt/incidents", "var/lib/attt/identity"])
        let collect = "\(attt) incident collect --root \(tree.root) --to \(work)/mnt --pam-confdir \(pam) --officer-group root --reserve-bytes 0"
        let script = """
            set -u
            mount --make-rprivate /
            mkdir -p \(work)/ram && mount -t tmpfs -o size=200m attt-evidence-test \(work)/ram
            disk() { truncate -s 96M "$1" && mkfs.ext4 -q -F "$1" && dev=$(losetup -f --show "$1") && mount "$dev" \(work)/mnt; }
            # The tree's own disk, through a loop device: refused.
            disk \(work)/same-disk.img || exit 90
            printf '\(Self.signIn)' | \(collect); echo "same-disk=$?"
            umount \(work)/mnt; losetup -d "$dev"; rm -f \(work)/same-disk.img
            # A disk of its own (its image in memory): killed after 5 files, then resumed.
            disk \(work)/ram/usb.img || exit 91
            printf '\(Self.signIn)' | \(collect) --kill-after 5 2>/dev/null; echo "killed=$?"
            printf '\(Self.signIn)' | \(collect); echo "resumed=$?"
            cd \(work)/mnt/attt-* && echo "collection=$(pwd)"
            sha256sum --strict --quiet -c SHA256SUMS; echo "sha256sum=$?"
            openssl x509 -in host.pem -pubkey -noout > \(work)/pub.pem
            openssl dgst -sha256 -verify \(work)/pub.pem -signature manifest.json.sig manifest.json
            \(attt) incident verify . > /dev/null; echo "verify=$?"
            echo tampered >> data/etc/passwd
            \(attt) incident verify .; echo "verify-tampered=$?"
            cd / && umount \(work)/mnt; losetup -d "$dev"; umount \(work)/ram
            """
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["--mount", "sh", "-c", script])
        let all = out.stdout + out.stderr
        #expect(all.contains("same-disk=2"), "\(all)")
        #expect(all.contains("cùng nằm trên ổ"), "\(all)")
        #expect(all.contains("killed=137"), "\(all)")
        #expect(all.contains("resumed=0"), "\(all)")
        #expect(all.contains("Tiếp tục bộ chứng cứ"), "\(all)")
        #expect(all.contains("sha256sum=0") && all.contains("Verified OK") && all.contains("verify=0"), "\(all)")
        #expect(all.contains("verify-tampered=1") && all.contains("LỖI: data/etc/passwd: nội dung đã bị thay đổi"), "\(all)")

        // On the PC: only the incident's record, with the step and the manifest queued for the collector.
        #expect(EvidenceTree.changes(before, tree.snapshot(excluding: ["var/lib/attt/incidents", "var/lib/attt/identity"])) == [])
        let incidents = try FileManager.default.contentsOfDirectory(atPath: tree.root + "/var/lib/attt/incidents")
        #expect(incidents.contains("current") && incidents.contains("outbox"))
        let outbox = try FileManager.default.contentsOfDirectory(atPath: tree.root + "/var/lib/attt/incidents/outbox")
        #expect(outbox.contains { $0.hasSuffix("-manifest.json") } && outbox.contains { $0.hasSuffix("-step.json") })
    }
}
