import SystemPackage

/// Writes to standard output and error through file descriptors. Foundation's `FileHandle` would do
/// the same, but in a statically linked program it brings ICU (34 MiB) along (packaging/README.md).
public enum StandardStreams {
    /// Writes all of `bytes`; a closed stream (a reader that went away) is not an error worth dying for.
    public static func output(_ bytes: some Sequence<UInt8>) {
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    public static func output(_ text: String) { output(text.utf8) }

    public static func error(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(text.utf8)
    }
}
