import AtttTestSupport
import Foundation
import HostAccess
import Testing

/// A user without rights reports a suspected incident through the report socket, as on an office PC:
/// systemd's socket activation (here `systemd-socket-activate --accept`, the same protocol as
/// attt-report.socket) starts `attt incident receive` for the connection, and the user runs
/// `attt incident report` under their own uid (setpriv). Who reported comes from the kernel.
@Suite(.serialized) struct UserReportTests {
    static let tools = ["/usr/bin/systemd-socket-activate", "/usr/bin/setpriv"]
    static let unavailable: String? = {
        if getuid() != 0 { return "needs root to act as another user (setpriv)" }
        if let missing = tools.first(where: { !FileManager.default.isExecutableFile(atPath: $0) }) { return "needs \(missing) (scripts/test.sh installs systemd and util-linux)" }
        return nil
    }()

    /// The tree, the socket's directory, and the activator; stopped by `stop()`.
    final class Listener {
        let root = emptyRoot("attt-report-e2e")
        let socket: String
        let activator: Int32

        init() throws {
            try writeHostFile(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnv.ketoan:x:1000:1000::/home/nv.ketoan:/bin/bash\n")
            let dir = root + "/run/attt"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // The user must reach the socket (as /run/attt is 0755 on a PC) and run the built binary.
            for path in [root, root + "/run", dir] { chmod(path, 0o755) }
            socket = dir + "/report.sock"
            // Started through a shell that leaves it in the background: systemd-socket-activate closes
            // the descriptors it inherits, which Foundation's Process takes for its child's exit.
            let started = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", #"systemd-socket-activate --accept -l "$1" "$2" incident receive --root "$3" </dev/null >/dev/null 2>&1 & echo $!"#, "sh", socket, AtttBinary.url.path, root])
            guard let pid = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw CocoaError(.fileNoSuchFile) }
            activator = pid
            // The activator binds before it waits: the socket appears within a moment.
            let deadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: socket), Date() < deadline { usleep(20_000) }
            guard FileManager.default.fileExists(atPath: socket) else { throw CocoaError(.fileNoSuchFile) }
            chmod(socket, 0o666)
        }

        func stop() {
            // SIGKILL: the activator inherits a signal mask that blocks SIGTERM.
            kill(activator, SIGKILL)
            try? FileManager.default.removeItem(atPath: root)
        }

        /// `attt incident report` as uid 1000.
        func report(_ arguments: [String]) throws -> AtttBinary.Output {
            try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/setpriv"),
                               ["--reuid=1000", "--regid=1000", "--clear-groups", AtttBinary.url.path, "incident", "report", "--socket", socket] + arguments)
        }

        func queued() throws -> [[String: Any]] {
            let dir = root + "/var/lib/attt/incidents/outbox"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix("-user-report.json") }.sorted()
            return try names.map { name in
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) as? [String: Any]
                return object?["userReport"] as? [String: Any] ?? [:]
            }
        }
    }

    @Test(.enabled(if: unavailable == nil, "user report test skipped: \(unavailable ?? "")"))
    func aUserWithoutRightsReportsAndTheKernelSaysWho() throws {
        let listener = try Listener()
        defer { listener.stop() }
        let sent = try listener.report(["--text", "Màn hình hiện thông báo lạ, các tệp .docx đổi đuôi", "--at", "2026-12-06T08:15:00+07:00"])
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(sent.stdout.contains("Đã nhận báo cáo"))
        let queued = try listener.queued()
        #expect(queued.count == 1)
        #expect(queued.first?["uid"] as? Int == 1000)
        #expect(queued.first?["login"] as? String == "nv.ketoan")
        #expect(queued.first?["noticedAt"] as? String == "2026-12-06T01:15:00Z")
        #expect((queued.first?["text"] as? String)?.hasPrefix("Màn hình hiện thông báo lạ") == true)
        // The queue is root's: the user can neither read nor change it.
        let mode = try FileManager.default.attributesOfItem(atPath: listener.root + "/var/lib/attt/incidents/outbox")[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test(.enabled(if: unavailable == nil, "user report test skipped: \(unavailable ?? "")"))
    func aUserCannotFloodTheQueue() throws {
        let listener = try Listener()
        defer { listener.stop() }
        for n in 1...10 {
            let sent = try listener.report(["--text", "Báo cáo số \(n)"])
            #expect(sent.status == 0, "\(n): \(sent.stdout)\(sent.stderr)")
        }
        let refused = try listener.report(["--text", "Báo cáo số 11"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("10 báo cáo chưa gửi được"), "\(refused.stderr)")
        #expect(try listener.queued().count == 10)
        // Bad input at the user's end: a clear message, exit 2, nothing sent.
        let bad = try listener.report(["--text", "Máy chậm", "--at", "sáng nay"])
        #expect(bad.status == 2 && bad.stderr.contains("--at"), "\(bad.stderr)")
        #expect(try listener.queued().count == 10)
    }
}
