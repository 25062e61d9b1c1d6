import HardeningCore

/// `/etc/fstab` (fstab(5)): device, mount point, type, options, dump, pass, separated by blanks;
/// `\040` is a space in a name. Swap and `none` lines mount nothing.
struct Fstab {
    struct Entry: Hashable {
        /// As written: `UUID=4f1c…`, `/dev/sdb1`, `LABEL=backup`.
        var device: String
        var mountPoint: String
        var type: String
        var source: SourceLocation
    }

    var entries: [Entry] = []

    static func parse(_ text: String, path: String) -> Fstab {
        var fstab = Fstab()
        for line in ConfigLines.meaningful(text) {
            let f = line.text.fields.map { $0.replacing("\\040", with: " ") }
            guard f.count >= 3, f[1].hasPrefix("/"), f[2] != "swap" else { continue }
            let mount = f[1].count > 1 && f[1].hasSuffix("/") ? String(f[1].dropLast()) : f[1]
            fstab.entries.append(Entry(device: f[0], mountPoint: mount, type: f[2], source: SourceLocation(path: path, line: line.number)))
        }
        return fstab
    }

    /// The mount point a path lies on: the longest one that holds it (`/` when no other does).
    func mountPoint(of path: String) -> String {
        let candidates = entries.map(\.mountPoint).filter { $0 == "/" || path == $0 || path.hasPrefix($0 + "/") }
        return candidates.max { $0.count < $1.count } ?? "/"
    }

    /// The device mounted there, as written (the last line wins, as mount(8) stacks them).
    func device(of mountPoint: String) -> String? {
        entries.last { $0.mountPoint == mountPoint }?.device
    }
}
