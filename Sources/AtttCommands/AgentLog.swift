import CommandLineSupport
import DurableFiles
import FoundationEssentials
import HardeningCore
import HostAccess

/// attt's logs under the host root (`/var/log/attt/`), one JSON object a line.
enum AgentLog {
    /// Appends one line with a single write(2) in append mode, so concurrent writers never interleave
    /// inside a line. False when the log could not be written (the caller says so where it matters).
    @discardableResult
    static func append(_ line: Data, to hostPath: String, host: HostRoot) -> Bool {
        // Inside the root, never through a link: a log a user replaced by a link to /etc/shadow is
        // refused, not appended to.
        guard let (directory, name) = try? host.entry(hostPath, create: 0o755) else { return false }
        return (try? directory.append(line + Data("\n".utf8), name: name, mode: 0o640)) != nil
    }

    struct Event: Codable {
        var time: Timestamp
        var event: String
        var message: String
    }

    /// A problem with attt's own state (a journal or outbox file set aside): on standard error for
    /// whoever runs the command, and in `/var/log/attt/agent.log` for the officer reading it later.
    static func problem(_ event: String, _ message: String, host: HostRoot) {
        StandardStreams.error("attt: \(message)\n")
        self.event(event, message, host: host)
    }

    /// Something the officer will want to find later, in `/var/log/attt/agent.log` only.
    static func event(_ event: String, _ message: String, host: HostRoot) {
        if let data = try? JSONEncoder().encode(Event(time: Timestamp(Date()), event: event, message: message)) {
            append(data, to: "/var/log/attt/agent.log", host: host)
        }
    }
}
