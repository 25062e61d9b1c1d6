import HardeningCore

/// Reads a shell command line (a cron job, an `ExecStart=`, a line of the script they run) for a
/// backup tool and the paths it names. Not a shell: words are split on blanks and `;|&()`, quotes
/// are dropped, and that is enough to find `restic backup /etc /home` in the usual forms.
enum BackupCommand {
    static let tools: Set<String> = ["restic", "borg", "borgmatic", "rsync", "rsnapshot", "duplicity", "deja-dup", "timeshift"]

    /// Options whose next word is the repository or an exclusion, not something backed up.
    static let skipNext: Set<String> = ["-r", "--repo", "--repository", "--exclude", "--exclude-file", "--iexclude", "--exclude-from", "--files-from", "--password-file", "--cache-dir", "-e", "--log-file"]

    /// The backup tool the line runs, by the last part of a word (`/usr/bin/restic` is `restic`).
    static func tool(_ line: String) -> String? {
        for word in words(line) {
            let name = String(word.split(separator: "/").last ?? "")
            if tools.contains(name) { return name }
        }
        return nil
    }

    /// Absolute paths among the words, except those given to `--exclude`, `-r` and the like, and the tool itself.
    static func paths(_ line: String) -> [String] {
        var result: [String] = []
        var skip = false
        for word in words(line) {
            if skip { skip = false; continue }
            if skipNext.contains(word) { skip = true; continue }
            if word.hasPrefix("-") { continue }
            guard word.hasPrefix("/"), !tools.contains(String(word.split(separator: "/").last ?? "")) else { continue }
            let path = word.count > 1 && word.hasSuffix("/") ? String(word.dropLast()) : word
            if !result.contains(path) { result.append(path) }
        }
        return result
    }

    static func words(_ line: String) -> [String] {
        line.split(whereSeparator: { " \t;|&()`".contains($0) }).map { String($0.filter { $0 != "\"" && $0 != "'" }) }.filter { !$0.isEmpty }
    }

    /// The script's lines that name a backup tool, with their numbers; `\` continues a line.
    static func toolLines(script text: String) -> [(line: Int, text: String, tool: String)] {
        ConfigLines.meaningful(text, continuation: true).compactMap { line in
            tool(line.text).map { (line.number, line.text, $0) }
        }
    }

    /// Scope roots the regulation names: system configuration, application data, users' data.
    static let systemRoots = ["/etc"]
    static let applicationRoots = ["/var/lib", "/srv", "/opt", "/var/opt", "/var/www"]
    static let userRoots = ["/home"]

    /// The path holds one of the roots or lies inside one (`/` holds everything; `/var` holds /var/lib).
    static func covers(_ path: String, _ roots: [String]) -> Bool {
        let p = path == "/" ? "/" : path + "/"
        return roots.contains { root in (root + "/").hasPrefix(p) || p.hasPrefix(root + "/") }
    }
}
