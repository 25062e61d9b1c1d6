public import Foundation

/// Runs the built `attt` binary as an officer would, capturing its output and exit status.
public enum AtttBinary {
    public static var url: URL { product("attt") }
    public static var collectorURL: URL { product("attt-collector") }

    /// A product of the same build: the test bundle sits next to it.
    public static func product(_ name: String) -> URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent(), Repository.root.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return Repository.root.appendingPathComponent(".build/debug/\(name)")
    }

    public static func collector(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try run(executable: collectorURL, arguments, environment: environment)
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var data: Data
    }

    public static func run(_ arguments: [String], input: String? = nil) throws -> Output {
        try run(executable: url, arguments, input: input)
    }

    /// Standard input is the given text, or empty (never the test runner's own).
    public static func run(executable: URL, _ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdin = Pipe()
        process.standardInput = stdin
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // Both pipes are read at once, before waiting: a child that fills one (a release build's
        // warnings on standard error) while the other is being read to its end would wait forever.
        let errorReader = PipeReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errorReader.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), data: outData)
    }
}

/// A Python with the jsonschema module: Debian's python3-jsonschema, which scripts/test.sh installs.
public enum SchemaValidator {
    public static func python() -> String? {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "python3"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [candidate, "-c", "import jsonschema"]
            p.standardError = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return candidate }
        }
        return nil
    }

    /// Validates `document` against `schema`; returns the validator's complaints (empty when valid).
    public static func errors(document: Data, schema: URL) throws -> [String] {
        guard let python = python() else { return ["no python3 with the jsonschema module: install python3-jsonschema (scripts/test.sh does)"] }
        let doc = FileManager.default.temporaryDirectory.appendingPathComponent("attt-doc-\(UUID().uuidString).json")
        try document.write(to: doc)
        defer { try? FileManager.default.removeItem(at: doc) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            doc = json.load(open(sys.argv[2]))
            v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for e in sorted(v.iter_errors(doc), key=str):
                print("/".join(map(str, e.absolute_path)) + ": " + e.message)
            """
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), [python, "-c", script, schema.path, doc.path])
        return out.stdout.split(separator: "\n").map(String.init) + (out.status == 0 ? [] : ["validator exited \(out.status): \(out.stderr)"])
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
