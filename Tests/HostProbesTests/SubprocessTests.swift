import AtttTestSupport
import Foundation
import HostProbes
import Testing
import HostAccess

/// The one way attt runs a program (a fix's tool, or the live firewall listing): output kept, status
/// told apart from a signal, a program that hangs killed, output bounded.
@Suite struct SubprocessTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func outputAndStatus() throws {
        let (status, output) = try Subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], environment: environment)
        #expect(status == 3)
        #expect(String(decoding: output, as: UTF8.self) == "out\nerr\n")
    }

    @Test func aProgramThatHangsIsKilledAtTheTimeout() throws {
        let (status, _) = try Subprocess.run(["sleep", "30"], environment: environment, timeout: 0.2)
        #expect(status == 128 + SIGKILL)
    }

    @Test func outputIsBounded() throws {
        let (status, output) = try Subprocess.run(["sh", "-c", "head -c 1000000 /dev/zero"], environment: environment, maxOutput: 1000)
        #expect(status == 0 && output.count == 1000)
    }

    @Test func aMissingProgramSaysSo() {
        #expect(throws: Subprocess.Failure.self) { try Subprocess.run(["attt-no-such-program"], environment: environment) }
    }
}

/// What a program attt runs inherits from attt: nothing but what it is given (issue 12, point 4).
@Suite struct SubprocessIsolationTests {
    @Test func theEnvironmentIsFixedAndHasNoLoaderVariables() throws {
        setenv("ATTT_TEST_LEAK", "inherited", 1)
        defer { unsetenv("ATTT_TEST_LEAK") }
        let (_, output) = try Subprocess.run(["env"], environment: ["LD_PRELOAD": "/tmp/evil.so", "PATH": "/tmp", "LC_ALL": "C"])
        let lines = Set(String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(lines == ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "LC_ALL=C"])
    }

    @Test func programsAreLookedUpOnTheFixedPathOnly() throws {
        #expect(Subprocess.executable("env") == "/usr/bin/env")
        #expect(Subprocess.executable("attt-no-such-program") == nil)
        // A PATH in attt's own environment does not decide which program runs.
        let scratch = try FixtureHost()
        try scratch.write("/bin/true", "#!/bin/sh\necho planted\n")
        chmod(scratch.url("/bin/true").path, 0o755)
        let saved = getenv("PATH").map { String(cString: $0) }
        setenv("PATH", scratch.url("/bin").path, 1)
        defer { if let saved { setenv("PATH", saved, 1) } }
        #expect(Subprocess.executable("true")?.hasPrefix(scratch.root.path) == false)
    }

    @Test func noDescriptorOfAtttsReachesTheChild() throws {
        // Opened without O_CLOEXEC, as a library might: it must still not be passed on.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let (status, output) = try Subprocess.run(["sh", "-c", "ls /proc/self/fd"])
        #expect(status == 0)
        let descriptors = Set(String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { Int($0) })
        // 0, 1, 2, and the one ls opened to list the directory.
        #expect(!descriptors.contains(Int(leaked)), "\(descriptors)")
        #expect(descriptors.filter { $0 > 2 }.count <= 1, "\(descriptors)")
    }

    @Test func standardInputIsEmpty() throws {
        let (_, output) = try Subprocess.run(["sh", "-c", "cat; echo end"])
        #expect(String(decoding: output, as: UTF8.self) == "end\n")
    }

    /// A tool that starts children of its own: the timeout kills them too (one process group).
    @Test func theTimeoutKillsTheWholeProcessGroup() throws {
        let scratch = try FixtureHost()
        let marker = scratch.url("/late").path
        let started = Date()
        let (status, _) = try Subprocess.run(["sh", "-c", "(sleep 2; touch \(marker)) & sleep 30"], timeout: 0.5)
        #expect(status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(started) < 10)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(!FileManager.default.fileExists(atPath: marker), "a child of the killed tool lived on")
    }

}

/// The streaming run, for output too large to hold (journalctl -o export: gigabytes): every byte
/// passed on as it comes, bounded, errors apart, the program stopped when the consumer fails.
@Suite struct SubprocessStreamingTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func streamedOutputGoesToTheDescriptorWithErrorsApart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-stream-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        #expect(fd >= 0)
        let result = try Subprocess.run(["sh", "-c", "head -c 8000000 /dev/urandom | od -An -v -tx1 | head -c 20000000; echo warn >&2"], into: fd, environment: environment, maxBytes: 1 << 30)
        close(fd)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
        #expect(result.status == 0 && !result.truncated)
        #expect(result.bytes == Int64(size) && size == 20_000_000)
        #expect(result.errors == "warn\n")
        #expect(try !String(contentsOfFile: path, encoding: .utf8).contains("warn"))
    }

    @Test func aStreamPastItsBoundIsCutAndTheProgramKilled() throws {
        var seen: Int64 = 0
        let started = Date()
        let result = try Subprocess.run(["cat", "/dev/zero"], environment: environment, maxBytes: 5_000_000) { seen += Int64($0.count) }
        #expect(result.truncated && result.bytes == 5_000_000 && seen == 5_000_000)
        #expect(result.status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aConsumerThatFailsStopsTheProgramAndTheErrorIsThrown() throws {
        struct DiskFull: Error {}
        #expect(throws: DiskFull.self) {
            try Subprocess.run(["cat", "/dev/zero"], environment: environment, maxBytes: 1 << 40) { _ in throw DiskFull() }
        }
    }
}

/// The tests' own runner of programs: a child that writes much to both streams is never left blocked.
@Suite struct CommandRunnerTests {
    @Test func aChildFillingStandardErrorDoesNotHangTheRunner() throws {
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 300000 /dev/zero | tr '\\\\0' e >&2; head -c 300000 /dev/zero | tr '\\\\0' o"])
        #expect(out.status == 0 && out.stdout.count == 300_000 && out.stderr.count == 300_000)
    }
}
