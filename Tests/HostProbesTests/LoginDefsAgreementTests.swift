import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// attt's reading of login.defs against shadow's own: `useradd --prefix DIR` reads
/// `DIR/etc/login.defs` with getdef and writes the new account's aging into `DIR/etc/shadow`, so the
/// account it creates shows which value each tool really applies, including the default for a key
/// the file does not set or a value it cannot read.
@Suite(.enabled(if: RealUseradd.available, "needs root and /usr/sbin/useradd (passwd, scripts/deps.sh)"))
struct LoginDefsAgreementTests {
    static let files: [String] = [
        "",
        "PASS_MAX_DAYS 90\n",
        "PASS_MAX_DAYS 90\nPASS_MAX_DAYS 30\n",
        "PASS_MAX_DAYS 30\nPASS_MAX_DAYS\n",
        "PASS_MAX_DAYS 010\n",
        "PASS_MAX_DAYS 0x10\n",
        "PASS_MAX_DAYS 090\n",
        "PASS_MAX_DAYS \"45\"\n",
        "PASS_MAX_DAYS 45 days\n",
        "PASS_MAX_DAYS=45\n",
        "  PASS_MAX_DAYS\t45  \r\n",
        "pass_max_days 30\n",
        "PASS_MAX_DAYS -5\n",
        "PASS_MAX_DAYS 99999999999\n",
        "PASS_MAX_DAYS 45#x\n",
        "# PASS_MAX_DAYS 45\n",
        "PASS_MIN_DAYS 2\nPASS_WARN_AGE 3\nPASS_MAX_DAYS 60\n",
        "PASS_MIN_DAYS\t\"1\nPASS_WARN_AGE 14\"x\n",
    ]

    @Test(arguments: files)
    func atttReadsAgingAsUseraddDoes(_ text: String) throws {
        let shadow = try RealUseradd.newAccountAging(loginDefs: text)
        let defs = LoginDefsConfig.parse(text, path: "/etc/login.defs")
        #expect(defs.number("PASS_MIN_DAYS", default: -1).value == shadow.min, "PASS_MIN_DAYS")
        #expect(defs.number("PASS_MAX_DAYS", default: -1).value == shadow.max, "PASS_MAX_DAYS")
        #expect(defs.number("PASS_WARN_AGE", default: -1).value == shadow.warn, "PASS_WARN_AGE")
    }

    /// The first account useradd creates gets UID_MIN as the tool reads it: who counts as a person.
    @Test(arguments: ["", "UID_MIN 2000\n", "UID_MIN 0x7d0\n", "UID_MIN 2000\nUID_MIN 3000\n", "UID_MIN two\n", "UID_MIN\t\"1500\"\n"])
    func atttReadsUidMinAsUseraddDoes(_ text: String) throws {
        let created = try RealUseradd.newAccountAging(loginDefs: text)
        let defs = LoginDefsConfig.parse(text, path: "/etc/login.defs")
        #expect(defs.number("UID_MIN", default: 1000).value == created.uid)
    }
}

enum RealUseradd {
    static let useradd = "/usr/sbin/useradd"
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: useradd) }

    /// The min, max and warn fields of an account useradd creates under a prefix (-1 for empty), and its uid.
    static func newAccountAging(loginDefs: String) throws -> (min: Int, max: Int, warn: Int, uid: Int) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-useradd-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let etc = dir.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        let base = [
            "passwd": "root:x:0:0:root:/root:/bin/bash\n", "shadow": "root:*:19000:0:99999:7:::\n",
            "group": "root:x:0:\n", "gshadow": "root:*::\n", "login.defs": loginDefs,
        ]
        for (name, text) in base { try text.write(to: etc.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let run = try AtttBinary.run(executable: URL(fileURLWithPath: useradd), ["--prefix", dir.path, "-M", "attt-probe"])
        try #require(run.status == 0, "useradd: \(run.stderr)")
        let entry = try String(contentsOf: etc.appendingPathComponent("shadow"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("attt-probe:") }
        let fields = try #require(entry, "useradd wrote no shadow entry").split(separator: ":", omittingEmptySubsequences: false)
        func field(_ i: Int) -> Int { Int(fields[i]) ?? -1 }
        let passwd = try String(contentsOf: etc.appendingPathComponent("passwd"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("attt-probe:") }
        let uid = try #require(passwd, "useradd wrote no passwd entry").split(separator: ":")[2]
        return (field(3), field(4), field(5), Int(uid) ?? -1)
    }
}
