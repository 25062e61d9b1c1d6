import Foundation
import HardeningCore
import Testing

/// DebianVersion against `dpkg --compare-versions` itself, on hundreds of pairs: the versions
/// installed on this machine (neighbours in the dpkg database, and each against its own variants)
/// and generated tricky ones (`~`, `+`, epochs, revisions, letters against digits, leading zeros).
@Suite struct DebianVersionDpkgTests {
    static let dpkg = "/usr/bin/dpkg"

    static func installedVersions() -> [String] {
        guard let status = try? String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8) else { return [] }
        return status.split(separator: "\n").compactMap { $0.hasPrefix("Version: ") ? String($0.dropFirst(9)) : nil }
    }

    static func tricky() -> [(String, String)] {
        var rng = SplitMix(seed: 20261126)
        let pieces = ["0", "00", "1", "2", "9", "10", "010", "a", "Z", "z", "~", "~~", "+", ".", "~rc1", "+dfsg", "+deb12u", "a1", "1a", "+b1", "~bpo"]
        func upstream() -> String {
            var v = ["0", "1", "2", "10"][Int(rng.next() % 4)]
            for _ in 0..<Int(rng.next() % 5) { v += pieces[Int(rng.next() % UInt64(pieces.count))] }
            return v
        }
        func version() -> String {
            let epoch = rng.next() % 4 == 0 ? "\(rng.next() % 3):" : ""
            let revision = rng.next() % 2 == 0 ? "-" + upstream() : ""
            return epoch + upstream() + revision
        }
        var pairs: [(String, String)] = [
            ("1.0", "1.00"), ("0:1.0", "1.0"), ("1.0~", "1.0"), ("1.0", "1.0+"), ("1.0-0", "1.0"),
            ("1.0a", "1.0+"), ("1.0~a", "1.0~"), ("a", "1"), ("1.2-3-4", "1.2-3"), ("2:0", "1:99"),
            ("1.0.", "1.0"), ("1..0", "1.0"), ("1.0-1+b1", "1.0-1"), ("1.0-1~bpo12+1", "1.0-1"), ("9", "10"), ("009", "9"),
        ]
        for _ in 0..<300 { pairs.append((version(), version())) }
        return pairs
    }

    @Test func agreesWithDpkgOnHundredsOfPairs() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.dpkg), "dpkg is missing: this test compares with Debian's own ordering")
        let installed = Self.installedVersions()
        var pairs = Self.tricky()
        for (a, b) in zip(installed, installed.dropFirst()).prefix(300) { pairs.append((a, b)) }
        for v in installed.prefix(100) { pairs.append((v, v + "~1")); pairs.append((v, v + "+1")); pairs.append((v, "1:" + v)) }
        #expect(pairs.count >= 300)
        // One shell runs dpkg for every pair (one Process per pair is slow); it prints -1, 0 or 1.
        let input = pairs.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
        let script = """
        while IFS="$(printf '\\t')" read -r a b; do
          if \(Self.dpkg) --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1
          elif \(Self.dpkg) --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0
          else echo 1; fi
        done
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let answers = output.split(separator: "\n").map { Int($0)! }
        #expect(answers.count == pairs.count)
        var disagreements: [String] = []
        for ((a, b), expected) in zip(pairs, answers) where DebianVersion.compare(DebianVersion(a), DebianVersion(b)) != expected {
            disagreements.append("\(a) vs \(b): dpkg \(expected)")
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
    }

    /// Versions dpkg calls equal are equal and hash alike (a Set of versions keeps one).
    @Test func equalVersionsHashAlike() {
        #expect(Set([DebianVersion("1.0"), DebianVersion("1.00"), DebianVersion("0:1.0")]).count == 1)
    }
}

/// A small deterministic generator, so a failure can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
