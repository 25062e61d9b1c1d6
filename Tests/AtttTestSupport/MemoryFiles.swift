/// A few files in memory, for the parsers that read a host through `readFile` and `list` closures.
public struct MemoryFiles {
    public var files: [String: String]

    public init(_ files: [String: String]) {
        self.files = files
    }

    public func read(_ path: String) -> String? { files[path] }

    /// The names directly inside a directory, as `HostRoot.list` gives them (sorted).
    public func list(_ directory: String) -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let names = files.keys.filter { $0.hasPrefix(prefix) }.compactMap { $0.dropFirst(prefix.count).split(separator: "/").first.map(String.init) }
        return Set(names).sorted()
    }
}
