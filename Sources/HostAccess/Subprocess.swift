public import FoundationEssentials
import CHostAccess
import Glibc

/// Runs a program and collects what it prints, through `posix_spawnp`: in the statically linked agent
/// Foundation's `Process` brings ICU (34 MiB) along (packaging/README.md). Probes use it for the few
/// facts only a program can give on the live host (the kernel's firewall ruleset); fixes for the
/// distribution's tools.
public enum Subprocess {
    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var output: String
        public var description: String { "\(arguments.joined(separator: " ")) exited with \(status): \(output)" }

        public init(arguments: [String], status: Int32, output: String) {
            self.arguments = arguments
            self.status = status
            self.output = output
        }
    }

    /// Where attt looks programs up, whatever `PATH` it was started with: a `PATH` or `LD_PRELOAD`
    /// set by whoever started attt (a cron line, a shell profile) must not choose what runs as root.
    public static let searchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The whole environment a program gets: nothing is inherited from attt's own.
    package static func environment(adding extra: [String: String]) -> [String: String] {
        var environment = ["PATH": searchPath.joined(separator: ":"), "LANG": "C.UTF-8"]
        // The dynamic loader's variables (LD_PRELOAD, LD_LIBRARY_PATH…) would load code into a tool run as root.
        for (key, value) in extra where !key.hasPrefix("LD_") && key != "PATH" { environment[key] = value }
        return environment
    }

    /// The program a name stands for: a path as given, a bare name looked up in ``searchPath``.
    public static func executable(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in searchPath {
            let candidate = directory + "/" + name
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The exit status (128 + signal when killed) and everything the program printed on standard output
    /// and error together, standard input from /dev/null.
    ///
    /// The program runs with a fixed environment (``searchPath``, `LANG=C.UTF-8`, and `environment`
    /// without any `LD_` variable), no descriptor of attt's but the three standard ones, and in a
    /// process group of its own: past `timeout` seconds (30 minutes unless told) the whole group is
    /// killed (status 128 + SIGKILL), so a tool's own children do not outlive it. Past `maxOutput`
    /// bytes the rest is read and dropped. With `keepErrors` false, standard error goes to /dev/null:
    /// for a listing whose warnings would land in the middle of what is parsed.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 30 * 60, maxOutput: Int = 64 << 20, keepErrors: Bool = true) throws(Failure) -> (status: Int32, output: [UInt8]) {
        precondition(!arguments.isEmpty)
        guard let program = executable(arguments[0]) else {
            throw Failure(arguments: arguments, status: 127, output: "cannot start: \(arguments[0]) is not in \(searchPath.joined(separator: ":"))")
        }
        var pipe: [Int32] = [-1, -1]
        // Both ends close-on-exec: the child gets only the dup2'ed copies, so the read sees end-of-file.
        guard Glibc.pipe(&pipe) == 0, fcntl(pipe[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(pipe[1], F_SETFD, FD_CLOEXEC) == 0 else {
            throw Failure(arguments: arguments, status: -1, output: "pipe: " + String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        if keepErrors {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Descriptors opened without O_CLOEXEC (by a library, or inherited by attt itself) stay in attt.
        attt_spawn_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, to be killed whole; default signal handling and an empty mask, so a
        // tool is not started with SIGPIPE ignored because the Swift runtime ignores it in attt.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = Self.environment(adding: environment).sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        close(pipe[1])
        defer { close(pipe[0]) }
        guard spawned == 0 else {
            throw Failure(arguments: arguments, status: 127, output: "cannot start: " + String(cString: strerror(spawned)))
        }

        let deadline = monotonicSeconds() + timeout
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let left = deadline - monotonicSeconds()
            var poller = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            let ready = left > 0 ? poll(&poller, 1, Int32(min(left * 1000, 60_000))) : 0
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                if left > 0 { continue }
                kill(-pid, SIGKILL)
                break
            }
            let n = chunk.withUnsafeMutableBytes { read(pipe[0], $0.baseAddress, $0.count) }
            if n > 0 {
                if output.count < maxOutput { output += chunk[..<min(n, maxOutput - output.count)] }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return (signal == 0 ? (status >> 8) & 0xFF : 128 + signal, output)
    }

    package static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
