import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// The dry run's diff is a real unified diff: `patch` applies it and gets the new file.
@Suite struct UnifiedDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(UnifiedDiff.render(path: "/etc/x", old: "a\nb\n", new: "a\nb\n") == "")
    }

    @Test func changedLineWithContext() {
        let diff = UnifiedDiff.render(path: "/etc/login.defs", old: "a\nb\nPASS_MAX_DAYS\t99999\nc\n", new: "a\nb\nPASS_MAX_DAYS\t90\nc\n")
        #expect(diff == "--- a/etc/login.defs\n+++ b/etc/login.defs\n@@ -1,4 +1,4 @@\n a\n b\n-PASS_MAX_DAYS\t99999\n+PASS_MAX_DAYS\t90\n c\n")
    }

    @Test func newFileDiffsFromDevNull() {
        let diff = UnifiedDiff.render(path: "/etc/security/pwquality.conf.d/50-vn-td.conf", old: nil, new: "minlen = 12\n")
        #expect(diff.hasPrefix("--- /dev/null\n+++ b/etc/security/pwquality.conf.d/50-vn-td.conf\n@@ -0,0 +1 @@\n+minlen = 12\n"))
    }

    /// Random edits of real configuration files: the diff, applied by patch(1), gives the new text.
    @Test func patchReproducesTheNewFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/patch"), "patch(1) is missing: the diff is proved by applying it")
        var rng = SeededRandom(seed: 7)
        let base = Repository.host("debian12-desktop")
        let seeds = ["etc/login.defs", "etc/samba/smb.conf", "etc/pam.d/common-auth", "etc/security/faillock.conf"].map {
            try! String(contentsOf: base.appendingPathComponent($0), encoding: .utf8)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-diff-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for round in 0..<40 {
            let old = seeds[round % seeds.count]
            var lines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0..<lines.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: lines.remove(at: at)
                case 1: lines.insert("inserted \(round) \(at)", at: at)
                default: lines[at] = "changed \(round)"
                }
            }
            let new = lines.joined(separator: "\n")
            let file = dir.appendingPathComponent("f")
            try old.write(to: file, atomically: true, encoding: .utf8)
            let diff = UnifiedDiff.render(path: "/f", old: old, new: new)
            let patchFile = dir.appendingPathComponent("p")
            try diff.write(to: patchFile, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/patch")
            p.arguments = ["-s", "-p1", "-d", dir.path, "-i", patchFile.path]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "round \(round)")
            #expect(try String(contentsOf: file, encoding: .utf8) == new, "round \(round)")
        }
    }
}

@Suite struct ConfigEditTests {
    /// A file saved with Windows line ends is edited line by line and keeps them.
    @Test func windowsLineEndsAreKept() {
        let text = "PASS_MAX_DAYS\t99999\r\nPASS_MIN_DAYS\t0\r\n"
        #expect(ConfigEdit.set("PASS_MAX_DAYS", to: "90", in: text, style: .whitespace) == "PASS_MAX_DAYS\t90\r\nPASS_MIN_DAYS\t0\r\n")
        #expect(ConfigEdit.set("PASS_WARN_AGE", to: "14", in: text, style: .whitespace) == "PASS_MAX_DAYS\t99999\r\nPASS_MIN_DAYS\t0\r\n\r\nPASS_WARN_AGE\t14\r\n")
    }

    @Test func changesTheLastSettingInPlace() {
        let text = "# PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n"
        #expect(ConfigEdit.set("PASS_MAX_DAYS", to: "90", in: text, style: .whitespace) == "# PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t90\nPASS_MIN_DAYS\t0\n")
    }

    @Test func appendsAMissingKeyWithAComment() {
        #expect(ConfigEdit.set("deny", to: "5", in: "# deny = 3\n", style: .equals, comment: "attt") == "# deny = 3\n\n# attt\ndeny = 5\n")
    }

    @Test func commentsOutEarlierDuplicates() {
        let out = ConfigEdit.set("minlen", to: "12", in: "minlen = 8\nx = 1\nminlen = 9\n", style: .equals)
        #expect(out == "# minlen = 8\nx = 1\nminlen = 12\n")
    }

    @Test func sectionsAreRespected() {
        let text = "[daemon]\nAutomaticLoginEnable = true\n\n[security]\n"
        #expect(ConfigEdit.set("AutomaticLoginEnable", to: "false", in: text, style: .equals, section: "daemon") == "[daemon]\nAutomaticLoginEnable = false\n\n[security]\n")
        #expect(ConfigEdit.set("X", to: "1", in: "[a]\nb = 2\n[c]\n", style: .equals, section: "a") == "[a]\nb = 2\nX = 1\n[c]\n")
    }

    @Test func unchangedWhenAlreadySet() {
        let text = "PASS_MAX_DAYS\t90\n"
        #expect(ConfigEdit.set("PASS_MAX_DAYS", to: "90", in: text, style: .whitespace) == text)
    }
}
