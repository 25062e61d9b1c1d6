import FoundationEssentials
import Glibc
import HardeningCore
import HostProbes
import HostAccess

/// Runs one of the distribution's tools for a fix, and turns a failure into an error that says what
/// it printed (through ``Subprocess``, which keeps `Process` and its ICU out of the agent).
enum Command {
    /// Runs `arguments` (the first is looked up in ``Subprocess/searchPath``) with standard input from
    /// /dev/null and standard output and error collected together; throws unless it exits with 0.
    static func run(_ arguments: [String]) throws {
        // Commands are the distribution's tools: C locale for messages, no prompts. Nothing else of
        // attt's own environment reaches them (Subprocess sets the rest).
        let (status, output) = try Subprocess.run(arguments, environment: ["LC_ALL": "C", "DEBIAN_FRONTEND": "noninteractive"])
        guard status == 0 else {
            throw Subprocess.Failure(arguments: arguments, status: status, output: String(decoding: output, as: UTF8.self).trimmed)
        }
    }
}
