public import ArgumentParser
import CommandLineSupport
import DurableFiles
import FoundationEssentials
import Glibc
public import HardeningCore
import HostAccess
import PolicyLoading
import SystemPackage

/// Options shared by `check` and `inventory`.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: "Read the host under this directory (a mounted disk image, a test tree). Default: /")
    var root: String = "/"

    @Option(name: .long, help: ArgumentHelp("Policy directory (policy.yaml, controls/, catalogs/).", valueName: "dir"))
    var policy: String?

    /// The root, checked and opened once: every file the command reads or writes on the host goes
    /// through this value. A root that is not a directory is bad input.
    func openRoot() throws -> HostRoot {
        var isDir = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir else {
            throw CommandFailure.badInput("--root \(root): no such directory — give the directory that holds the host's etc/ and var/")
        }
        return HostRoot(root)
    }

    /// Where the policy is: --policy, $ATTT_POLICY_DIR, the installed copy, or the source tree's Policies/.
    func policyDirectory() -> URL {
        if let policy { return URL(fileURLWithPath: policy) }
        if let env = ProcessInfo.processInfo.environment["ATTT_POLICY_DIR"], !env.isEmpty { return URL(fileURLWithPath: env) }
        var candidates = ["/usr/share/attt/policies"]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("../share/attt/policies").standardizedFileURL.path)
        // A developer build: the repository's Policies/, found from this source file.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Policies").standardizedFileURL.path)
        for c in candidates where FileManager.default.fileExists(atPath: c + "/policy.yaml") { return URL(fileURLWithPath: c) }
        return URL(fileURLWithPath: candidates[0])
    }

    func loadPolicy() throws -> Policy {
        do {
            return try PolicyLoader().load(directory: policyDirectory())
        } catch let error as PolicyError {
            throw CommandFailure.badInput(error.description)
        }
    }
}

// Retroactive, internal: only these commands parse the core's enums from arguments.
extension Language: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
extension Profile: ExpressibleByArgument {}
extension RestoreScope: ExpressibleByArgument {}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}

/// Writes a regular file atomically (temp file, then rename), so a reader never sees half a report;
/// anything else that exists (`/dev/null`, a pipe) is written in place, never replaced.
func emit(_ data: Data, to output: String?) throws {
    guard let output else {
        StandardStreams.output(data)
        return
    }
    do {
        var st = stat()
        if stat(output, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            let fd = try FileDescriptor.open(output, .writeOnly, options: [.closeOnExec])
            defer { try? fd.close() }
            try fd.writeAll(data)
        } else {
            guard FileManager.default.fileExists(atPath: AtomicFile.parentDirectory(of: output)) else { throw Errno.noSuchFileOrDirectory }
            try AtomicFile.write(data, to: output, newFileMode: 0o644)
        }
    } catch {
        throw CommandFailure.badInput("--output \(output): cannot write (\(error)) — choose a writable path")
    }
}
