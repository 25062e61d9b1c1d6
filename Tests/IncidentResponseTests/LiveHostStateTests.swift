import Foundation
import HostAccess
@testable import IncidentResponse
import Testing

/// The live state (processes, sockets, sessions…) taken on this machine, bounded, and refused under
/// another root.
@Suite struct LiveHostStateTests {
    @Test func aStatLineWithParenthesesInTheCommandParses() throws {
        let line = "4242 (evil) S (x) R 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100"
        let parsed = try #require(LiveHostState.parseStat(line))
        #expect(parsed.command == "evil) S (x" && parsed.state == "R" && parsed.ppid == 1 && parsed.start == 987654)
        #expect(LiveHostState.parseStat("garbage") == nil)
    }

    @Test func theLiveStateOfThisMachineIsTakenBounded() throws {
        var live = LiveHostState()
        live.limits.processes = 100_000
        let files = live.capture()
        let names = Set(files.map(\.name))
        #expect(names.isSuperset(of: ["processes.json", "processes.txt", "sockets.json", "sessions.json", "mounts.txt", "uptime.txt", "clock.json"]))
        // modules.txt only where the kernel has modules (/proc/modules): not in every container.
        #expect(names.contains("modules.txt") == FileManager.default.fileExists(atPath: "/proc/modules"))
        let processes = try JSONDecoder().decode([LiveHostState.Process].self, from: files.first { $0.name == "processes.json" }!.data)
        let me = try #require(processes.first { $0.pid == Int(getpid()) })
        #expect(me.exe != nil && !me.cmdline.isEmpty && me.uid == Int(getuid()))

        // A socket this test holds open is in the tables, with this process as its owner.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 1)
        var st = stat()
        fstat(fd, &st)
        let sockets = try JSONSerialization.jsonObject(with: live.capture().first { $0.name == "sockets.json" }!.data) as? [String: Any]
        let owners = sockets?["owners"] as? [String: [Int]]
        #expect(owners?[String(st.st_ino)]?.contains(Int(getpid())) == true)
        #expect((sockets?["tables"] as? [String: String])?["tcp"]?.contains(" 0A ") == true)

        live.limits.processes = 3
        let bounded = try JSONDecoder().decode([LiveHostState.Process].self, from: live.capture().first { $0.name == "processes.json" }!.data)
        #expect(bounded.count <= 3)
    }

    @Test func underAnotherRootTheLiveStateIsUnavailable() {
        #expect(LiveHostState.unavailable(host: HostRoot("/tmp"))?.contains("không phải máy đang chạy") == true)
        #expect(LiveHostState.unavailable(host: HostRoot("/")) == nil)
    }
}
