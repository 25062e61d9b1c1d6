import CommandLineSupport
import DurableFiles
import FoundationEssentials
import HardeningCore
import HostAccess
import SystemPackage

/// attt's logs under the host root (`/var/log/attt/`), one JSON object a line.
enum AgentLog {
    /// Appends one line with a single write(2) in append mode, so concurrent writers never interleave
    /// inside a line. False when the log could not be written (the caller says so where it matters).
    @discardableResult
    static func append(_ line: Data, to hostPath: String, root: String) -> Bool {
        let logPath = HostRoot(root).local(hostPath)
        try? FileManager.default.createDirectory(atPath: AtomicFile.parentDirectory(of: logPath), withIntermediateDirectories: true)
        guard let fd = try? FileDescriptor.open(logPath, .writeOnly, options: [.append, .create, .closeOnExec], permissions: [.ownerReadWrite, .groupRead]) else { return false }
        defer { try? fd.close() }
        return (try? fd.writeAll(line + Data("\n".utf8))) != nil
    }

    struct Event: Codable {
        var time: Timestamp
        var event: String
        var message: String
    }

    /// A problem with attt's own state (a journal or outbox file set aside): on standard error for
    /// whoever runs the command, and in `/var/log/attt/agent.log` for the officer reading it later.
    static func problem(_ event: String, _ message: String, root: String) {
        StandardStreams.error("attt: \(message)\n")
        if let data = try? JSONEncoder().encode(Event(time: Timestamp(Date()), event: event, message: message)) {
            append(data, to: "/var/log/attt/agent.log", root: root)
        }
    }
}
