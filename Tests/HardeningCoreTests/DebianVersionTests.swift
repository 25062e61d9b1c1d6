import Foundation
import HardeningCore
import Testing

@Suite struct DebianVersionTests {
    @Test(arguments: [
        ("1.0", "1.0", 0), ("1.0", "1.1", -1), ("1:0.9", "2.0", 1), ("1.0~rc1", "1.0", -1), ("1.0", "1.0-1", -1),
        ("1.0.9+dfsg-1~deb12u1", "1.0.0", 1), ("0.103.10", "1.0.0", -1), ("2.36-9+deb12u4", "2.36-9+deb12u10", -1),
        ("1.0a", "1.0", 1), ("1.0~~", "1.0~", -1), ("10", "9", 1), ("1.0-1ubuntu1", "1.0-1", 1),
    ])
    func ordering(_ a: String, _ b: String, _ expected: Int) {
        #expect(DebianVersion.compare(DebianVersion(a), DebianVersion(b)) == expected)
    }

    /// Random versions compared by dpkg itself, where dpkg is installed.
    @Test func agreesWithDpkg() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg"), "dpkg is missing: this test compares with Debian's own ordering")
        var rng = SystemRandomNumberGenerator()
        let pieces = ["0", "1", "2", "10", "1a", "~", "+", ".", "-", "b", "~rc", "+deb12u"]
        func version() -> String {
            var v = ["1", "2", "0"].randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...5, using: &rng) { v += pieces.randomElement(using: &rng)! }
            return v.filter { $0 != "-" } + (Bool.random(using: &rng) ? "-" + String(Int.random(in: 1...3, using: &rng)) : "")
        }
        for _ in 0..<60 {
            let a = version(), b = version()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg")
            p.arguments = ["--compare-versions", a, "lt", b]
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            let dpkgLess = p.terminationStatus == 0
            #expect((DebianVersion(a) < DebianVersion(b)) == dpkgLess, "\(a) < \(b)")
        }
    }
}

@Suite struct GlobTests {
    @Test(arguments: [
        ("libreoffice-*", "libreoffice-writer", true), ("libreoffice-*", "libreoffice", false), ("*", "", true),
        ("fonts-?", "fonts-a", true), ("lib[a-c]x", "libbx", true), ("lib[!a-c]x", "libbx", false), ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false), ("vlc", "vlc", true), ("vlc", "vlc-data", false),
    ])
    func matching(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }
}
