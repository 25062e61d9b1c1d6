import FoundationEssentials
import Glibc
import HardeningCore

/// Runs a program and turns a failure into an error that says what it printed.
///
/// `posix_spawnp` directly, not Foundation's `Process`: in the statically linked agent `Process` brings
/// ICU (34 MiB) along (packaging/README.md), and a fix only needs run-and-wait with the output kept.
enum Command {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var output: String
        var description: String { "\(arguments.joined(separator: " ")) exited with \(status): \(output)" }
    }

    /// Runs `arguments` (the first is looked up in `PATH`) with standard input from /dev/null and
    /// standard output and error collected together; throws unless it exits with 0.
    static func run(_ arguments: [String]) throws {
        // Commands are the distribution's tools: C locale for messages, no prompts.
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        let (status, output) = try spawn(arguments, environment: environment)
        guard status == 0 else {
            throw Failure(arguments: arguments, status: status, output: String(decoding: output, as: UTF8.self).trimmed)
        }
    }

    /// The exit status (128 + signal when killed) and everything the program printed.
    static func spawn(_ arguments: [String], environment: [String: String]) throws -> (Int32, [UInt8]) {
        precondition(!arguments.isEmpty)
        var pipe: [Int32] = [-1, -1]
        // Both ends close-on-exec: the child gets only the dup2'ed copies, so the read sees end-of-file.
        guard Glibc.pipe(&pipe) == 0, fcntl(pipe[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(pipe[1], F_SETFD, FD_CLOEXEC) == 0 else { throw Failure(arguments: arguments, status: -1, output: "pipe: " + String(cString: strerror(errno))) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        close(pipe[1])
        defer { close(pipe[0]) }
        guard spawned == 0 else {
            throw Failure(arguments: arguments, status: 127, output: "cannot start: " + String(cString: strerror(spawned)))
        }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipe[0], $0.baseAddress, $0.count) }
            if n > 0 { output += chunk[..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return (signal == 0 ? (status >> 8) & 0xFF : 128 + signal, output)
    }
}
