import AtttTestSupport
import Foundation
import Testing

/// `attt run --root` on a tree whose state paths are links out of it (a mounted disk image made by
/// someone else): nothing outside the root is written or deleted (issue 12, point 3). Each state path
/// resolves inside the root, as the image's own system would see it.
@Suite struct StateLinksOutOfTheRootTests {
    /// Every file under a directory, with its contents: what must not change.
    static func snapshot(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil, options: [])
        while let url = walker?.nextObject() as? URL {
            files[url.path] = (try? Data(contentsOf: url)) ?? Data("<directory>".utf8)
        }
        return files
    }

    @Test func runNeverWritesOrDeletesThroughALinkOutOfTheRoot() throws {
        let host = try FixtureHost("debian12-desktop")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("attt-outside-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outside) }
        for directory in ["outbox", "log", "identity"] {
            try FileManager.default.createDirectory(at: outside.appendingPathComponent(directory), withIntermediateDirectories: true)
            // Hidden files: the outbox deletes its own stale temporary files, never these.
            try Data("keep\n".utf8).write(to: outside.appendingPathComponent("\(directory)/.hidden"))
        }
        try Data("{}".utf8).write(to: outside.appendingPathComponent("enforcement.json"))
        try host.write("/var/lib/attt/.keep", "")
        try host.symlink("/var/lib/attt/outbox", to: outside.appendingPathComponent("outbox").path)
        try host.symlink("/var/lib/attt/identity", to: outside.appendingPathComponent("identity").path)
        try host.symlink("/var/lib/attt/enforcement.json", to: outside.appendingPathComponent("enforcement.json").path)
        try host.write("/var/log/.keep", "")
        try host.symlink("/var/log/attt", to: "../../../../../../../../" + outside.appendingPathComponent("log").path)
        let before = Self.snapshot(outside)

        let out = try AtttBinary.run(["run", "--root", host.root.path, "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(Self.snapshot(outside) == before, "attt run wrote or deleted outside the root")
        // The report is kept where the link leads inside the tree.
        let inside = host.url(outside.appendingPathComponent("outbox").path)
        let kept = try FileManager.default.contentsOfDirectory(atPath: inside.path).filter { $0.hasSuffix("-report.json") }
        #expect(kept.count == 1)
    }
}
