import AgentRuntime
import CoreFoundation
import Crypto
import Enrollment
import Foundation
import HardeningCore
import HostAccess
import IncidentResponse

/// A small PC tree to collect from, with the hostile entries a user of the PC can plant, and a
/// destination on another filesystem (/dev/shm, a tmpfs: accepted with `allowMemoryDisk`).
struct EvidenceTree {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("attt-evidence-src-\(UUID())").path
    let outside: String
    let destination = "/dev/shm/attt-evidence-dst-\(UUID())"

    init() throws {
        outside = root + "-outside"
        let fm = FileManager.default
        for directory in ["etc/ssh", "var/log/apt", "var/log/attt", "var/log/journal", "var/lib/attt/transactions/tx1", "home/u", "srv/app"] {
            try fm.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        let files: [String: String] = [
            "etc/hostname": "ubnd-xa-01\n",
            "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nu:x:1000:1000::/home/u:/bin/bash\n",
            "etc/ssh/sshd_config": "PermitRootLogin no\n",
            "etc/ssh/ssh_host_ed25519_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n",
            "etc/ssh/ssh_host_ed25519_key.pub": "ssh-ed25519 AAAA host\n",
            "etc/a:b?c": "colon and question mark\n",
            "var/log/auth.log": "Dec  6 08:00:01 pc sshd[1]: Accepted password for u from 10.0.0.9\n",
            "var/log/auth.log.1": "older\n",
            "var/log/syslog": "Dec  6 08:00:00 pc kernel: boot\n",
            "var/log/dpkg.log": "2026-12-06 install evil:amd64\n",
            "var/log/apt/history.log": "Commandline: apt install evil\n",
            "var/log/attt/agent.log": "{\"event\":\"check\"}\n",
            "var/log/bad\nname.log": "a name with a newline\n",
            "var/log/kern.log": "kernel\n",
            "var/lib/attt/transactions/tx1/journal.json": "{}\n",
            "srv/app/data.csv": "1,2,3\n",
        ]
        for (path, text) in files { try text.write(toFile: root + "/" + path, atomically: false, encoding: .utf8) }
        try Data(count: 384 * 2).write(to: URL(fileURLWithPath: root + "/var/log/wtmp"))
        try "outside the root\n".write(toFile: outside + "/secret", atomically: false, encoding: .utf8)
        // Hostile entries: a FIFO (reading it would block), links out of the root, a sparse 3 GiB log.
        mkfifo(root + "/var/log/pipe", 0o644)
        try fm.createSymbolicLink(atPath: root + "/var/log/escape", withDestinationPath: "../../../" + (outside as NSString).lastPathComponent + "/secret")
        try fm.createSymbolicLink(atPath: root + "/etc/absolute", withDestinationPath: outside + "/secret")
        let huge = open(root + "/var/log/huge.log", O_WRONLY | O_CREAT, 0o640)
        ftruncate(huge, 3 << 30)
        close(huge)
    }

    var host: HostRoot { HostRoot(root) }

    /// Enrolls the tree: the key as `attt enroll` makes it (``HostKey``), a certificate for it made by
    /// openssl (the collector's CA in production).
    func enroll() throws {
        let key = HostKey.generate()
        let keyPath = root + "-host.key"
        try key.pem.write(toFile: keyPath, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: keyPath) }
        let made = try shell(["openssl", "req", "-x509", "-key", keyPath, "-subj", "/CN=host-7", "-days", "30", "-out", "-"])
        guard made.status == 0 else { throw Failed(what: "openssl req: \(made.output)") }
        let link = AgentIdentity.Link(collector: "https://collector:8443", hostId: "host-7", unit: "UBND xã Tứ Dân", enrolledAt: Timestamp(Date()))
        try AgentIdentity(link: link, keyPEM: try key.pem, certificatePEM: made.output, caPEM: made.output).save(host: host)
    }

    struct Failed: Error { var what: String }

    /// Every entry's size, mtime and atime (lstat, nanoseconds) and the SHA-256 of each regular file
    /// up to 64 MiB, read with O_NOATIME so that taking the snapshot changes nothing.
    func snapshot(excluding: [String] = []) -> [String: String] {
        var result: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            // An excluded directory and the directories holding it (their mtime changes when it is made).
            if excluding.contains(where: { relative.hasPrefix($0) || $0.hasPrefix(relative + "/") }) { continue }
            var st = stat()
            guard lstat(root + "/" + relative, &st) == 0 else { continue }
            let kind = st.st_mode & S_IFMT
            var line = "\(kind) \(st.st_size) m\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            // A link's atime is not compared: recording its target (readlink) updates it, and the
            // kernel has no flag against that. A directory's changes when it is first listed.
            if kind == S_IFREG { line += " a\(st.st_atim.tv_sec).\(st.st_atim.tv_nsec)" }
            if kind == S_IFREG && st.st_size <= 64 << 20 {
                let fd = open(root + "/" + relative, O_RDONLY | 0o1000000)  // O_NOATIME
                var hash = SHA256()
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while fd >= 0 {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    hash.update(data: buffer[..<n])
                }
                if fd >= 0 { close(fd) }
                line += " " + hash.finalize().map { String(format: "%02x", $0) }.joined()
            }
            result[relative] = line
        }
        return result
    }

    /// The entries whose snapshot line differs (for a readable failure).
    static func changes(_ before: [String: String], _ after: [String: String]) -> [String] {
        Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] }.map { "\($0): \(before[$0] ?? "-") → \(after[$0] ?? "-")" }
    }

    func remove() {
        for path in [root, outside, destination] { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The one collection directory made under the destination.
    func collection() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: destination).filter { $0.hasPrefix("attt-") }
        guard names.count == 1 else { throw Failed(what: "collections: \(names)") }
        return destination + "/" + names[0]
    }
}

/// Runs a Debian tool (sha256sum, openssl) in a directory.
func shell(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether a mount point is a tmpfs, as this process's mountinfo says.
func isTmpfs(_ path: String) -> Bool {
    let text = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
    return MountInfo(text).entries.last { $0.mountPoint == path }?.fileSystem == "tmpfs"
}
