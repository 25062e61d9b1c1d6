import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// apt's lists (Release headers, Packages indexes, LZ4), dpkg's md5sums and status records.
@Suite struct AptListsTests {
    static let lists = Repository.host("debian12-hardened").appendingPathComponent("var/lib/apt/lists")
    static let inRelease = "deb.debian.org_debian-security_dists_bookworm-security_InRelease"
    static let packages = "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"

    @Test func inReleaseHeaderBehindTheClearSignature() throws {
        let text = try String(contentsOf: Self.lists.appendingPathComponent(Self.inRelease), encoding: .utf8)
        let r = try #require(AptLists.release(text))
        #expect(r.origin == "Debian" && r.label == "Debian-Security" && r.codename == "bookworm-security" && r.suite == "oldstable-security")
        #expect(r.isSecurity && r.name == "Debian-Security bookworm-security")
        #expect(r.line == 4 && r.dateLine == 9)
        #expect(r.date.map { Timestamp($0).description } == "2026-11-24T00:34:33Z")
    }

    @Test func securityArchivesByLabelOrSuite() {
        #expect(AptLists.release("Origin: Ubuntu\nLabel: Ubuntu\nSuite: jammy-security\n")?.isSecurity == true)
        #expect(AptLists.release("Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\n")?.isSecurity == false)
        #expect(AptLists.release("Origin: Debian\nLabel: Debian-Security\nSuite: stable\n")?.isSecurity == true)
        #expect(AptLists.release("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n") == nil)
    }

    @Test func rfc2822Dates() {
        #expect(AptLists.rfc2822("Tue, 24 Nov 2026 00:34:33 UTC").map { Timestamp($0).description } == "2026-11-24T00:34:33Z")
        #expect(AptLists.rfc2822("24 Nov 2026 07:34:33 +0700").map { Timestamp($0).description } == "2026-11-24T00:34:33Z")
        #expect(AptLists.rfc2822("Sat, 29 Feb 2028 12:00:00 GMT").map { Timestamp($0).description } == "2028-02-29T12:00:00Z")
        #expect(AptLists.rfc2822("Tue, 24 Foo 2026 00:34:33 UTC") == nil)
        #expect(AptLists.rfc2822("Tue, 24 Nov 2026 25:00:00 UTC") == nil)
        #expect(AptLists.rfc2822("") == nil)
    }

    @Test func indexPrefixOfARelease() {
        #expect(AptLists.prefix(ofRelease: Self.inRelease) == "deb.debian.org_debian-security_dists_bookworm-security_")
        #expect(AptLists.prefix(ofRelease: "x_dists_y_Release") == "x_dists_y_")
        #expect(AptLists.prefix(ofRelease: Self.packages) == nil)
    }

    /// Any split of the index into pieces gives the same stanzas, with their first lines.
    @Test func scannerIsIndependentOfPieceSizes() throws {
        let data = try [UInt8](Data(contentsOf: Self.lists.appendingPathComponent(Self.packages)))
        var whole = PackagesIndexScanner(wanted: ["openssl", "tzdata", "libc6"])
        whole.feed(data)
        whole.finish()
        #expect(whole.entries.map(\.package) == ["libc6", "openssl", "tzdata"])
        #expect(whole.entries.first { $0.package == "tzdata" } == .init(package: "tzdata", version: "2026f-0+deb12u1", architecture: "all", line: 141))
        for size in [1, 7, 100, 4096] {
            var pieces = PackagesIndexScanner(wanted: ["openssl", "tzdata", "libc6"])
            var start = 0
            while start < data.count { pieces.feed(Array(data[start..<min(data.count, start + size)])); start += size }
            pieces.finish()
            #expect(pieces.entries == whole.entries, "pieces of \(size)")
        }
    }

    @Test func scannerWithoutFinalNewlineAndWithCRLF() {
        var s = PackagesIndexScanner(wanted: ["a"])
        s.feed(Array("Package: a\r\nVersion: 1.0\r\nArchitecture: amd64\r\n\r\nPackage: b\nVersion: 2\n\nPackage: a\nVersion: 2.0".utf8))
        s.finish()
        #expect(s.entries.map(\.version) == ["1.0", "2.0"])
        #expect(s.entries.map(\.line) == [1, 8])
    }

    /// The real `lz4` tool's output decodes to the original (apt's `Acquire::GzipIndexes` lists).
    @Test func lz4FramesFromTheLz4Tool() throws {
        let original = try Data(contentsOf: Self.lists.appendingPathComponent(Self.packages))
        let frame = [UInt8](Data(base64Encoded: Self.helloFrame)!)
        var out: [UInt8] = []
        try LZ4Frame.decode(frame) { out += $0 }
        #expect(String(decoding: out, as: UTF8.self) == "hello hello hello hello hello\n")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lz4") else {
            Issue.record("the lz4 tool is missing: scripts/test.sh installs it to make the frames this test decodes")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-lz4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("Packages")
        var big = Data()
        for _ in 0..<40 { big += original }
        try big.write(to: plain)
        for flags in [["-1"], ["-9", "--content-size", "-BD"], ["-B4", "--no-frame-crc"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/lz4")
            p.arguments = ["-q", "-f"] + flags + [plain.path, plain.path + ".lz4"]
            try p.run()
            p.waitUntilExit()
            var decoded = Data()
            try LZ4Frame.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: plain.path + ".lz4")))) { decoded.append(contentsOf: $0) }
            #expect(decoded == big, "lz4 \(flags)")
        }
    }

    /// `printf 'hello hello hello hello hello\n' | lz4 -c`.
    static let helloFrame = "BCJNGGRApxAAAABvaGVsbG8gBgAAUGVsbG8KAAAAAC2CAzk="

    @Test func damagedLz4IsAnErrorNotACrash() {
        var frame = [UInt8](Data(base64Encoded: Self.helloFrame)!)
        frame[10] = 0x7F
        #expect(throws: LZ4Frame.Failure.self) { try LZ4Frame.decode(frame) { _ in } }
        #expect(throws: LZ4Frame.Failure.self) { try LZ4Frame.decode(Array("not lz4".utf8)) { _ in } }
        #expect(throws: LZ4Frame.Failure.self) { try LZ4Frame.decode(Array(frame.prefix(9))) { _ in } }
    }

    @Test func md5sumsLines() {
        let parsed = DpkgInfo.md5sums("946f50ac4a056accd0cb1f8fd975b88c  bin/login\nnot a sum\n6309F2658382816DBD51133909BBA06B  usr/sbin/nologin\n0f8be4e3d176984b35707535e5cacdeb  ../../etc/shadow\n")
        #expect(parsed.sums == [.init(path: "/bin/login", md5: "946f50ac4a056accd0cb1f8fd975b88c", line: 1), .init(path: "/usr/sbin/nologin", md5: "6309f2658382816dbd51133909bba06b", line: 3)])
        #expect(parsed.problems.map(\.line) == [2, 4])
    }

    @Test func statusConffilesAndStates() throws {
        let text = try String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("var/lib/dpkg/status"), encoding: .utf8)
        let records = DpkgInfo.status(text)
        let login = try #require(records.first { $0.name == "login" })
        #expect(login.status == ["install", "ok", "installed"] && login.architecture == "amd64")
        #expect(login.conffiles.map(\.path) == ["/etc/login.defs", "/etc/pam.d/login"])
        #expect(login.conffiles.first?.md5 == "f43a7b1eb7e082f1d4e2cb8f8376e71b")
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false)[login.conffiles[0].line - 1] == " /etc/login.defs f43a7b1eb7e082f1d4e2cb8f8376e71b")
        let obsolete = DpkgInfo.status("Package: x\nStatus: install ok half-configured\nConffiles:\n /etc/a 0123456789abcdef0123456789abcdef obsolete\n /etc/b 0123456789abcdef0123456789abcdef\n")
        #expect(obsolete.first?.conffiles.map(\.path) == ["/etc/b"] && obsolete.first?.status.last == "half-configured")
    }
}
