public import FoundationEssentials

/// One copy in a backup repository, as the tool lists it (`restic snapshots --json`: `id`, `time`).
public struct BackupSnapshot: Sendable, Hashable {
    /// The full id (64 hex digits for restic and borg).
    public var id: String
    /// The time as the tool wrote it (RFC 3339 with nanoseconds and an offset).
    public var time: String
    /// A borg archive's name, which is how borg and its job name it; nil for restic.
    public var name: String?
    /// The machine that made it, as the tool recorded it; nil when not said.
    public var hostname: String?

    public init(id: String, time: String, name: String? = nil, hostname: String? = nil) {
        self.id = id
        self.time = time
        self.name = name
        self.hostname = hostname
    }

    /// How people and `--snapshot` name it: the archive's name, or restic's short id.
    public var label: String { name ?? shortId }

    /// ``time`` read strictly; nil when it is not RFC 3339, and such a copy is never chosen.
    public var made: Date? { RFC3339.parse(time) }
    /// The first 8 digits, as restic shows them.
    public var shortId: String { String(id.prefix(8)) }
}

/// Which copy `attt incident restore` restores, and why (Điều 11 khoản 2 điểm a, Bước 3: "khôi phục …
/// bằng dữ liệu sao lưu mới nhất"). "Newest" must not mean "newest in the repository today": a root
/// attacker holds the job's credentials and may have added a copy of the attacked system. So the copy
/// is the newest one made no later than the job's record (`last.json`'s `time`) and the suspected start
/// of the attack; a copy the officer or the record names is checked against the same bounds. Pure: the
/// repository's list is read at the edge.
public struct SnapshotChoice: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        /// The officer named it (`--snapshot`).
        case named
        /// The backup job's record names it (`last.json`'s `snapshot`).
        case recorded
        /// Neither named one: the newest made by the record's time and the suspected start.
        case newestBefore = "newest-before"
    }

    public var snapshot: BackupSnapshot
    public var reason: Reason
    /// Why this copy, in Vietnamese then English, for the dry run and the incident's step.
    public var why: String

    /// A copy the restore must not take, with what to do (name one with `--snapshot`).
    public struct Refused: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Chooses the copy to restore.
    /// - Parameters:
    ///   - snapshots: the repository's copies, in any order.
    ///   - named: the officer's `--snapshot` (a full id or a prefix of 8 digits or more).
    ///   - recorded: `last.json`'s `snapshot`.
    ///   - recordTime: `last.json`'s `time` (when the job's run ended).
    ///   - suspectedStart: when the attack may have begun, if known.
    ///   - hostnames: the names this PC goes by (empty: unknown). A repository several PCs share holds
    ///     their copies too: one another machine made is never taken unless the officer names it, and one
    ///     the record names is refused.
    /// - Throws: ``Refused`` naming `--snapshot` when no copy may be taken.
    public static func choose(from all: [BackupSnapshot], named: String?, recorded: String?, recordTime: Date, suspectedStart: Date?, hostnames: Set<String> = []) throws(Refused) -> SnapshotChoice {
        let ours = { (snapshot: BackupSnapshot) in hostnames.isEmpty || snapshot.hostname.map(hostnames.contains) ?? true }
        let hostname = hostnames.sorted().joined(separator: ", ")
        let snapshots = all.filter(ours)
        let others = all.count - snapshots.count
        // The record's time is in whole seconds (`date -u +%FT%TZ` after the run), the snapshot's is
        // when the run began, to the nanosecond: a copy made within that second is the record's own.
        let recordBound = recordTime.addingTimeInterval(1)
        let allowed = { (made: Date) in made < recordBound && suspectedStart.map { made <= $0 } ?? true }
        let boundText = suspectedStart.map { $0 < recordTime ? "thời điểm nghi bị tấn công \(RFC3339.format($0))" : "lần sao lưu ghi nhận \(RFC3339.format(recordTime))" }
            ?? "lần sao lưu ghi nhận \(RFC3339.format(recordTime))"
        let candidate = snapshots.compactMap { snapshot in snapshot.made.flatMap { allowed($0) ? (snapshot, $0) : nil } }.max { $0.1 < $1.1 }?.0
        let hint = candidate.map { "; bản gần nhất trước đó là \($0.label) (\($0.time)): --snapshot \($0.label)" } ?? ""

        if let named {
            let found = try find(named, in: all, what: "--snapshot \(named)")
            var why = "cán bộ chọn bằng --snapshot"
            if !ours(found), let other = found.hostname { why += ", bản của máy \(other)" }
            if let start = suspectedStart, let made = found.made, made > start {
                why += ", dù bản này được tạo sau thời điểm nghi bị tấn công \(RFC3339.format(start))"
            }
            return SnapshotChoice(snapshot: found, reason: .named, why: why + " — chosen by the officer")
        }
        if let recorded {
            let found = try find(recorded, in: all, what: "bản sao lưu \(recorded) ghi trong last.json", hint: hint)
            guard ours(found) else {
                throw Refused(description: "bản sao lưu \(found.label) ghi trong last.json là của máy \(found.hostname ?? "?"), không phải máy này (\(hostname)): last.json có thể đã bị sửa\(hint) — the recorded copy was made by another machine")
            }
            guard let made = found.made else {
                throw Refused(description: "bản sao lưu \(found.label) ghi trong last.json có thời điểm không đọc được (\(found.time))\(hint); hoặc chọn bản khác bằng --snapshot ID — the recorded copy's time is not RFC 3339")
            }
            guard made < recordBound else {
                throw Refused(description: "bản sao lưu \(found.label) ghi trong last.json được tạo lúc \(found.time), sau chính lần sao lưu ghi nhận (\(RFC3339.format(recordTime))): last.json có thể đã bị sửa\(hint) — the recorded copy is newer than its record")
            }
            if let start = suspectedStart, made > start {
                throw Refused(description: "bản sao lưu \(found.label) ghi trong last.json được tạo lúc \(found.time), sau thời điểm nghi bị tấn công (\(RFC3339.format(start))) nên có thể đã nhiễm\(hint); hoặc chọn bản khác bằng --snapshot ID — the recorded copy is newer than the suspected start")
            }
            return SnapshotChoice(snapshot: found, reason: .recorded, why: "bản do tác vụ sao lưu ghi trong last.json, tạo lúc \(found.time), không muộn hơn \(boundText) — the copy the backup job recorded")
        }
        guard let candidate else {
            let skipped = others > 0 ? "; bỏ qua \(others) bản của máy khác (nếu là máy này trước khi đổi tên, chọn bằng --snapshot)" : ""
            throw Refused(description: "kho không có bản sao lưu nào của máy này tạo trước \(boundText) (bản có thời điểm không đọc được không được chọn)\(skipped); chọn một bản bằng --snapshot ID (xem restic snapshots) — no copy made by then")
        }
        let later = snapshots.filter { $0.made.map { !allowed($0) } ?? true }.count
        return SnapshotChoice(snapshot: candidate, reason: .newestBefore,
                              why: "bản mới nhất tạo không muộn hơn \(boundText)" + (later > 0 ? " (bỏ qua \(later) bản mới hơn hoặc không rõ thời điểm)" : "")
                                + (others > 0 ? " (bỏ qua \(others) bản của máy khác)" : "")
                                + " — the newest copy made by then")
    }

    /// The one copy named `id` (a borg archive) or whose id is or begins with `id`.
    static func find(_ id: String, in snapshots: [BackupSnapshot], what: String, hint: String = "") throws(Refused) -> BackupSnapshot {
        let matches = snapshots.filter { $0.name == id || $0.id.hasPrefix(id) }
        guard matches.count == 1, let found = matches.first else {
            throw Refused(description: matches.isEmpty
                ? "\(what): không có trong kho (xem restic snapshots)\(hint) — no such copy in the repository"
                : "\(what): trùng với \(matches.count) bản, ghi đủ mã — the id is ambiguous")
        }
        return found
    }
}

/// RFC 3339 times as restic writes them (`2026-12-06T23:57:50.082842106+07:00`): read strictly, since a
/// time that is misread could make an attacker's copy look older than the attack.
public enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction]` then `Z` or `±HH:MM`; nil for anything else (a leap second, a
    /// lower-case `t`, a missing offset, a day the month does not have).
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<start + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2), at(10, "T"),
              let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60 else { return nil }
        var i = 19
        var nanoseconds = 0
        if at(i, ".") {
            i += 1
            var digits = 0
            while i < b.count, (0x30...0x39).contains(b[i]) {
                guard digits < 9 else { return nil }
                nanoseconds = nanoseconds * 10 + Int(b[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanoseconds *= 10 }
        }
        var offset = 0
        if at(i, "Z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            guard let h = number(i + 1, 2), at(i + 3, ":"), let m = number(i + 4, 2), h < 24, m < 60 else { return nil }
            offset = (h * 60 + m) * 60 * (at(i, "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = CivilDate.daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanoseconds) / 1e9)
    }

    /// `2026-12-06T23:57:50Z` (whole seconds, UTC).
    public static func format(_ date: Date) -> String { Timestamp.format(date) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
