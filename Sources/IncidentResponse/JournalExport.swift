import FoundationEssentials
import HostAccess

/// The systemd journal of each boot, exported with `journalctl -o export` (the format
/// `systemd-journal-remote` and `journalctl --file` read back), newest boot first. Under another root
/// the tree's own journal is read (`--directory ROOT/var/log/journal`), never the machine's.
struct JournalExport {
    let host: HostRoot

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `--directory` under another root; nil when the tree has no journal (nothing to export).
    var scope: [String]? {
        if host.isLiveHost { return [] }
        guard host.isDirectory("/var/log/journal") else { return nil }
        return ["--directory", host.local("/var/log/journal")]
    }

    /// The boot ids, newest first; none without journalctl or a journal.
    func boots() -> [String] {
        guard let scope, Subprocess.executable("journalctl") != nil,
              let ran = try? Subprocess.run(["journalctl"] + scope + ["--list-boots", "--no-pager", "-q"], timeout: 120, maxOutput: 4 << 20, keepErrors: false),
              ran.status == 0 else { return [] }
        return Self.parseBoots(String(decoding: ran.output, as: UTF8.self))
    }

    /// `journalctl --list-boots`: `IDX BOOT-ID FIRST… LAST…`, oldest first; the id is 32 hex digits.
    static func parseBoots(_ text: String) -> [String] {
        let ids = text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { return nil }
            let id = String(fields[1])
            return id.count == 32 && id.allSatisfy(\.isHexDigit) ? id.lowercased() : nil
        }
        return Array(ids.reversed())
    }

    /// Streams one boot's export into the collection, hashing what is written.
    func export(boot: String, into directory: CollectionDirectory, name: String, maxBytes: Int64) throws -> EvidenceFile {
        guard let scope else { throw Failure(description: "không có nhật ký journal") }
        var part = try directory.create(name)
        let result: Subprocess.Streamed
        do {
            result = try Subprocess.run(["journalctl"] + scope + ["-o", "export", "-b", boot, "--no-pager"], timeout: 4 * 3600, maxBytes: maxBytes) { bytes in
                try part.write(bytes)
            }
        } catch {
            part.abandon()
            throw error
        }
        guard result.status == 0 || result.truncated else {
            part.abandon()
            throw Failure(description: "journalctl -b \(boot) thoát với mã \(result.status): \(result.errors.prefix(300))")
        }
        let written = try part.finish()
        return EvidenceFile(name: name, source: "journal:" + boot, category: .journal, size: written.size, sha256: written.sha256,
                            truncated: result.truncated ? true : nil)
    }
}
