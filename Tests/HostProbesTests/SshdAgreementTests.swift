import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// attt's reading of sshd_config against the real sshd (openssh-server, `sshd -T`) on the same
/// files: a file sshd refuses is refused by attt too, and where sshd starts, the values attt reports
/// are the ones sshd applies (issue 12: "a check that reads a configuration the daemon itself
/// would refuse ... can call it a pass").
///
/// sshd reads its fixture at the real `/etc/ssh`, bind-mounted in a private mount namespace
/// (`unshare -m`), so relative includes resolve as on a host and nothing of this machine changes.
@Suite(.enabled(if: RealSshd.available, "needs root, unshare and /usr/sbin/sshd (openssh-server, scripts/deps.sh)"))
struct SshdAgreementTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var files: [String: String]
        /// `-C` connection, to see what a Match block applies.
        var connection: String? = nil
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "valid, first value wins, drop-in first", files: [
            "sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMaxAuthTries 6\nLogLevel info\n",
            "sshd_config.d/10-attt.conf": "PermitRootLogin no\nmaxauthtries=3\nPasswordAuthentication NO\n",
        ]),
        Case(name: "prohibit-password and its old name", files: ["sshd_config": "PermitRootLogin without-password\nMaxAuthTries 010\n"]),
        Case(name: "invalid value", files: ["sshd_config": "PermitEmptyPasswords maybe\n"]),
        Case(name: "invalid value in a losing duplicate", files: ["sshd_config": "PermitRootLogin no\nPermitRootLogin perhaps\n"]),
        Case(name: "unknown keyword", files: ["sshd_config": "PermitRootLogn no\n"]),
        Case(name: "negative MaxAuthTries", files: ["sshd_config": "MaxAuthTries -1\n"]),
        Case(name: "hexadecimal MaxAuthTries", files: ["sshd_config": "MaxAuthTries 0x10\n"]),
        Case(name: "unknown log level", files: ["sshd_config": "LogLevel loud\n"]),
        Case(name: "missing argument", files: ["sshd_config": "LogLevel\n"]),
        Case(name: "extra argument", files: ["sshd_config": "PermitEmptyPasswords no yes\n"]),
        Case(name: "invalid value of a keyword no check reads", files: ["sshd_config": "X11Forwarding maybe\n"]),
        Case(name: "choices beyond yes and no", files: ["sshd_config": "AllowTcpForwarding LOCAL\nGatewayPorts clientspecified\nPermitTunnel point-to-point\n"]),
        Case(name: "deprecated keyword (sshd warns and starts)", files: ["sshd_config": "KeyRegenerationInterval 3600\nUsePrivilegeSeparation sandbox\n"]),
        Case(name: "Match block, connection it selects", files: [
            "sshd_config": "PasswordAuthentication yes\nMatch User admin\n  PasswordAuthentication no\n  MaxAuthTries 2\n  LogLevel VERBOSE\n",
        ], connection: "user=admin,host=pc,addr=10.0.0.5"),
        Case(name: "Match block, connection it does not select", files: [
            "sshd_config": "PasswordAuthentication yes\nMatch User admin\n  PasswordAuthentication no\n",
        ], connection: "user=an,host=pc,addr=10.0.0.5"),
        Case(name: "invalid value inside a Match block", files: ["sshd_config": "Match User admin\n  PasswordAuthentication maybe\n"]),
        Case(name: "unknown Match attribute", files: ["sshd_config": "Match Usr admin\n  PasswordAuthentication no\n"]),
        Case(name: "Match attribute without patterns", files: ["sshd_config": "Match User admin Group\n  PasswordAuthentication no\n"]),
        Case(name: "Match all with other attributes", files: ["sshd_config": "Match all User admin\n  PasswordAuthentication no\n"]),
        Case(name: "Match attributes in any case", files: ["sshd_config": "Match user admin ADDRESS 10.0.0.0/8\n  PasswordAuthentication no\n"]),
        Case(name: "keyword not allowed in a Match block", files: ["sshd_config": "Match User admin\n  Port 2222\n"]),
        Case(name: "relative Include, its Match ends with the file", files: [
            "sshd_config": "Include conf.d/*.conf\nMaxAuthTries 4\n",
            "conf.d/a.conf": "Match Group guests\n  MaxAuthTries 9\n",
        ], connection: "user=an,host=pc,addr=10.0.0.5"),
        Case(name: "unknown keyword in an included file", files: [
            "sshd_config": "Include conf.d/*.conf\n",
            "conf.d/a.conf": "PermitRootLogin no\nPasswordAuthentification no\n",
        ]),
    ]

    @Test(arguments: cases)
    func atttAgreesWithSshd(_ c: Case) throws {
        let real = try RealSshd.effective(c.files, connection: c.connection)
        var memory: [String: String] = [:]
        for (name, text) in c.files { memory["/etc/ssh/" + name] = text }
        let host = MemoryFiles(memory)
        let config = try #require(try SshdConfig.load(readFile: host.read, list: host.list))
        if let values = real {
            #expect(config.problems.isEmpty, "sshd takes this file, attt refused it: \(config.problems)")
            sameValues(values, config, c)
        } else {
            #expect(!config.problems.isEmpty, "sshd refuses this file, attt took it")
        }
    }

    func sameValues(_ values: [String: String], _ config: SshdConfig, _ c: Case) {
        let facts = RemoteAccessProbe.server(config)
        // What attt says applies to this connection: a Match block that selects it, else the global value.
        let block = c.connection?.hasPrefix("user=admin") == true ? facts.matchBlocks.first : nil
        func same(_ keyword: String, _ mine: String) {
            let theirs = values[keyword].map { $0 == "without-password" ? "prohibit-password" : $0 }
            let ours = mine == "without-password" ? "prohibit-password" : mine
            #expect(theirs == ours, "\(keyword): sshd \(theirs ?? "nil"), attt \(ours)")
        }
        same("permitrootlogin", block?.permitRootLogin?.value ?? facts.permitRootLogin.value)
        same("permitemptypasswords", (block?.permitEmptyPasswords?.value ?? facts.permitEmptyPasswords.value) ? "yes" : "no")
        same("passwordauthentication", (block?.passwordAuthentication?.value ?? facts.passwordAuthentication.value) ? "yes" : "no")
        same("maxauthtries", String(block?.maxAuthTries?.value ?? facts.maxAuthTries.value))
        same("loglevel", block?.logLevel?.value ?? facts.logLevel.value)
    }

    /// The ports isolation keeps open to the management networks are the ones sshd listens on: the
    /// ports of `sshd -T`'s `listenaddress` lines.
    @Test(arguments: [
        "", "Port 2222\n", "Port 2222\nPort 22\n",
        "ListenAddress 10.0.0.1:2200\nListenAddress 10.0.0.2\nPort 2222\n",
        "Port 2022\nListenAddress [::1]:2201\nListenAddress ::1\n",
        "ListenAddress 127.0.0.1\n", "ListenAddress 127.0.0.1:2300\n",
    ])
    func thePortsAreTheOnesSshdListensOn(_ text: String) throws {
        let sshd = try RealSshd.run(["sshd_config": text], connection: nil)
        try #require(sshd.status == 0, "\(sshd.stderr)")
        let theirs = Set(sshd.stdout.split(separator: "\n").filter { $0.hasPrefix("listenaddress ") }.compactMap { $0.split(separator: ":").last.flatMap { Int($0) } })
        let host = MemoryFiles(["/etc/ssh/sshd_config": text])
        let config = try #require(try SshdConfig.load(readFile: host.read, list: host.list))
        #expect(config.problems.isEmpty)
        #expect(Set(RemoteAccessProbe.server(config).ports.value) == theirs, "sshd: \(theirs.sorted())")
    }

    /// The values attt allows for a keyword are the ones sshd allows: each is taken, and another word refused.
    @Test func theValueTablesAreSshds() throws {
        var tables = SshdConfig.choices
        for keyword in SshdConfig.yesNo { tables[keyword] = ["yes", "no"] }
        for (keyword, values) in tables.sorted(by: { $0.key < $1.key }) {
            for value in values.sorted() + ["maybe"] {
                let sshd = try RealSshd.run(["sshd_config": "\(keyword) \(value)\n"], connection: nil)
                #expect((sshd.status != 0) == (value == "maybe"), "\(keyword) \(value): \(sshd.stderr)")
            }
        }
    }

    /// Every keyword attt takes is one sshd takes, and sshd's verdict on Match agrees with attt's table.
    @Test func theKeywordTableIsSshds() throws {
        for keyword in SshdKeywords.known.sorted() where !["match", "include"].contains(keyword) {
            let value = keyword == "hostkey" ? "/etc/ssh/test_host_key" : "yes"
            let outside = try RealSshd.messages(["sshd_config": "\(keyword) \(value)\n"])
            #expect(!outside.contains("Bad configuration option"), "\(keyword): \(outside)")
            let inside = try RealSshd.messages(["sshd_config": "Match User x\n\(keyword) \(value)\n"])
            #expect(inside.contains("not allowed within a Match block") == !SshdKeywords.allowedInMatch.contains(keyword), "\(keyword): \(inside)")
        }
    }
}

/// The installed sshd, run on fixture files in a private mount namespace.
enum RealSshd {
    static let sshd = "/usr/sbin/sshd"

    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: sshd)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
    }

    /// sshd's own words on the files (`sshd -T`), and its exit status.
    static func run(_ files: [String: String], connection: String?) throws -> AtttBinary.Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-sshd-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // sshd needs a host key; attt reads the line as any other.
            let withKey = name == "sshd_config" ? "HostKey /etc/ssh/test_host_key\n" + text : text
            try withKey.write(to: url, atomically: true, encoding: .utf8)
        }
        let keygen = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"), ["-q", "-t", "ed25519", "-N", "", "-f", dir.appendingPathComponent("test_host_key").path])
        try #require(keygen.status == 0, "ssh-keygen: \(keygen.stderr)")
        let script = "mount --bind \"$1\" /etc/ssh && mount -t tmpfs tmpfs /run && mkdir /run/sshd && shift && exec \(sshd) -T -f /etc/ssh/sshd_config \"$@\""
        var arguments = ["-m", "--propagation", "private", "sh", "-c", script, "sh", dir.path]
        if let connection { arguments += ["-C", connection] }
        return try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unshare"), arguments)
    }

    /// The effective settings, lower-case keyword to value; `nil` when sshd refuses the files.
    static func effective(_ files: [String: String], connection: String?) throws -> [String: String]? {
        let output = try run(files, connection: connection)
        guard output.status == 0 else { return nil }
        var values: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2, values[parts[0]] == nil { values[parts[0]] = parts[1] }
        }
        return values
    }

    static func messages(_ files: [String: String]) throws -> String {
        try run(files, connection: nil).stderr
    }
}
