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
        let pipe = try Self.pipe(arguments)
        defer { close(pipe.read) }
        let spawned = Result { () throws(Failure) in try spawn(arguments, environment: environment, output: pipe.write, errors: keepErrors ? pipe.write : nil) }
        close(pipe.write)
        let pid = try spawned.get()
        var output: [UInt8] = []
        _ = drain([pipe.read], deadline: monotonicSeconds() + timeout, pid: pid) { _, bytes in
            if output.count < maxOutput { output += bytes.prefix(maxOutput - output.count) }
            return true
        }
        return (wait(pid), output)
    }

    /// What a streamed run gave: the exit status, how many bytes of standard output were passed on,
    /// whether it was cut at `maxBytes`, and the first 64 KiB of standard error.
    public struct Streamed: Sendable, Hashable {
        public var status: Int32
        public var bytes: Int64
        public var truncated: Bool
        public var errors: String
    }

    /// Runs a program whose output is too large to hold (`journalctl -o export`: gigabytes), handing
    /// each piece of its standard output to `consume` as it comes. Past `maxBytes` the program's group
    /// is killed and the result says `truncated`; a `consume` that throws (a full disk) kills it too
    /// and the error is rethrown. Standard error is kept apart (its first 64 KiB), so a warning never
    /// lands in the middle of the data. Same environment, descriptors and timeout as ``run(_:environment:timeout:maxOutput:keepErrors:)``.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 30 * 60, maxBytes: Int64, consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Streamed {
        let out = try Self.pipe(arguments)
        defer { close(out.read) }
        let err: (read: Int32, write: Int32)
        do {
            err = try Self.pipe(arguments)
        } catch {
            close(out.write)
            throw error
        }
        defer { close(err.read) }
        let spawned = Result { () throws(Failure) in try spawn(arguments, environment: environment, output: out.write, errors: err.write) }
        close(out.write)
        close(err.write)
        let pid = try spawned.get()
        var bytes: Int64 = 0
        var truncated = false
        var errors: [UInt8] = []
        var failure: (any Error)?
        _ = drain([out.read, err.read], deadline: monotonicSeconds() + timeout, pid: pid) { fd, piece in
            if fd == err.read {
                if errors.count < 64 << 10 { errors += piece.prefix((64 << 10) - errors.count) }
                return true
            }
            let room = maxBytes - bytes
            let take = piece.prefix(Int(min(Int64(piece.count), max(0, room))))
            do {
                try take.withUnsafeBytes { try consume($0) }
            } catch {
                failure = error
                return false
            }
            bytes += Int64(take.count)
            if take.count < piece.count {
                truncated = true
                return false
            }
            return true
        }
        let status = wait(pid)
        if let failure { throw failure }
        return Streamed(status: status, bytes: bytes, truncated: truncated, errors: String(decoding: errors, as: UTF8.self))
    }

    /// Like ``run(_:environment:timeout:maxBytes:consume:)``, writing standard output to `descriptor`.
    public static func run(_ arguments: [String], into descriptor: Int32, environment: [String: String] = [:], timeout: Double = 30 * 60, maxBytes: Int64) throws -> Streamed {
        try run(arguments, environment: environment, timeout: timeout, maxBytes: maxBytes) { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(arguments: arguments, status: -1, output: "write: " + String(cString: strerror(errno)))
                }
                offset += n
            }
        }
    }

    // MARK: Spawning

    /// A pipe, both ends close-on-exec: the child gets only the dup2'ed copies, so the read sees end-of-file.
    private static func pipe(_ arguments: [String]) throws(Failure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard Glibc.pipe(&ends) == 0 else {
            throw Failure(arguments: arguments, status: -1, output: "pipe: " + String(cString: strerror(errno)))
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// Starts the program with standard input from /dev/null, standard output on `output` and
    /// standard error on `errors` (nil: /dev/null).
    private static func spawn(_ arguments: [String], environment: [String: String], output: Int32, errors: Int32?) throws(Failure) -> pid_t {
        precondition(!arguments.isEmpty)
        guard let program = executable(arguments[0]) else {
            throw Failure(arguments: arguments, status: 127, output: "cannot start: \(arguments[0]) is not in \(searchPath.joined(separator: ":"))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        if let errors {
            posix_spawn_file_actions_adddup2(&actions, errors, 2)
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
        guard spawned == 0 else {
            throw Failure(arguments: arguments, status: 127, output: "cannot start: " + String(cString: strerror(spawned)))
        }
        return pid
    }

    /// Reads every descriptor until all reach end-of-file, handing each piece to `take`; past the
    /// deadline, or when `take` says stop, the program's whole group is killed. True when killed.
    private static func drain(_ descriptors: [Int32], deadline: Double, pid: pid_t, take: (Int32, ArraySlice<UInt8>) -> Bool) -> Bool {
        var open = descriptors
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while !open.isEmpty {
            let left = deadline - monotonicSeconds()
            var pollers = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = left > 0 ? poll(&pollers, nfds_t(pollers.count), Int32(min(left * 1000, 60_000))) : 0
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                if left > 0 { continue }
                kill(-pid, SIGKILL)
                return true
            }
            for poller in pollers where poller.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(poller.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if !take(poller.fd, chunk[..<n]) {
                        kill(-pid, SIGKILL)
                        return true
                    }
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                open.removeAll { $0 == poller.fd }
            }
        }
        return false
    }

    /// The exit status, 128 + signal when killed.
    private static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    package static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
