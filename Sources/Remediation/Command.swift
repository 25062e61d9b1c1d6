import Foundation

/// Runs a program and turns a failure into an error that says what it printed.
enum Command {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var output: String
        var description: String { "\(arguments.joined(separator: " ")) exited with \(status): \(output)" }
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        // Commands are the distribution's tools: C locale for messages, no prompts.
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        process.environment = environment
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(arguments: arguments, status: process.terminationStatus, output: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
