import Foundation
import HardeningCore
import Testing

/// Which copy a restore takes (Điều 11 khoản 2 điểm a, Bước 3): never a copy newer than the job's own
/// record or the suspected start, which a root attacker holding the job's credentials could have added.
@Suite struct SnapshotChoiceTests {
    static func at(_ text: String) -> Date { RFC3339.parse(text)! }
    static let good = BackupSnapshot(id: "aaaaaaaa" + String(repeating: "1", count: 56), time: "2026-12-05T02:00:03.123456789+07:00")
    static let older = BackupSnapshot(id: "bbbbbbbb" + String(repeating: "2", count: 56), time: "2026-12-04T19:00:01Z")
    static let attacker = BackupSnapshot(id: "cccccccc" + String(repeating: "3", count: 56), time: "2026-12-06T10:00:00.5Z")
    static let garbled = BackupSnapshot(id: "dddddddd" + String(repeating: "4", count: 56), time: "yesterday")
    /// The job's run that made `good` ended at 19:00:09 UTC (02:00:09 in Hà Nội).
    static let recordTime = at("2026-12-04T19:00:09Z")
    static let all = [attacker, older, garbled, good]

    func choose(named: String? = nil, recorded: String? = nil, record: Date = recordTime, since: Date? = nil) -> Result<SnapshotChoice, SnapshotChoice.Refused> {
        Result { () throws(SnapshotChoice.Refused) in try SnapshotChoice.choose(from: Self.all, named: named, recorded: recorded, recordTime: record, suspectedStart: since) }
    }

    @Test func rfc3339IsReadStrictly() throws {
        let precise = try #require(RFC3339.parse("2026-12-06T23:57:50.082842106Z")?.timeIntervalSince1970)
        #expect(abs(precise - 1_796_601_470.082842106) < 1e-6)
        #expect(RFC3339.parse("2026-12-07T06:57:50+07:00") == RFC3339.parse("2026-12-06T23:57:50Z"))
        #expect(RFC3339.parse("2026-12-06T20:57:50.5-03:00") == RFC3339.parse("2026-12-06T23:57:50.5Z"))
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        for bad in ["2026-12-06 23:57:50Z", "2026-12-06t23:57:50Z", "2026-12-06T23:57:50", "2026-02-29T00:00:00Z", "2026-12-06T23:57:60Z",
                    "2026-12-06T24:00:00Z", "2026-12-06T23:57:50.Z", "2026-12-06T23:57:50.1234567890Z", "2026-12-06T23:57:50+0700",
                    "2026-13-01T00:00:00Z", "2026-12-06T23:57:50Z ", "", "yesterday", "２026-12-06T23:57:50Z"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    /// The attack: a copy added afterwards is the newest in the repository; the restore takes the
    /// newest one made by the job's record, and says why.
    @Test func aLaterCopyIsNeverTakenWithoutAName() throws {
        let choice = try choose().get()
        #expect(choice.snapshot == Self.good && choice.reason == .newestBefore)
        #expect(choice.why.contains("bản mới nhất tạo không muộn hơn lần sao lưu ghi nhận 2026-12-04T19:00:09Z") && choice.why.contains("bỏ qua 2 bản"), "\(choice.why)")
        // With a suspected start before it, the one before that.
        #expect(try choose(since: Self.at("2026-12-04T19:00:02Z")).get().snapshot == Self.older)
        #expect(throws: SnapshotChoice.Refused.self) { try choose(since: Self.at("2026-12-01T00:00:00Z")).get() }
    }

    /// The record's time is whole seconds after the run: a copy begun in that second is its own.
    @Test func theRecordsOwnSecondCounts() throws {
        let made = BackupSnapshot(id: "eeeeeeee" + String(repeating: "5", count: 56), time: "2026-12-04T19:00:09.900Z")
        let choice = try SnapshotChoice.choose(from: [made], named: nil, recorded: "eeeeeeee", recordTime: Self.recordTime, suspectedStart: nil)
        #expect(choice.snapshot == made && choice.reason == .recorded)
        let later = BackupSnapshot(id: made.id, time: "2026-12-04T19:00:10Z")
        #expect(throws: SnapshotChoice.Refused.self) { try SnapshotChoice.choose(from: [later], named: nil, recorded: "eeeeeeee", recordTime: Self.recordTime, suspectedStart: nil) }
    }

    @Test func aRecordedCopyIsCheckedAgainstTheSameBounds() throws {
        #expect(try choose(recorded: "aaaaaaaa").get().reason == .recorded)
        // last.json edited to name the attacker's copy: newer than the record itself.
        let edited = try #require(choose(recorded: "cccccccc").failure)
        #expect(edited.description.contains("sau chính lần sao lưu ghi nhận") && edited.description.contains("--snapshot aaaaaaaa"), "\(edited)")
        // ... and with its time edited too, newer than the suspected start; the message names the copy before.
        let both = try #require(choose(recorded: "cccccccc", record: Self.at("2026-12-06T11:00:00Z"), since: Self.at("2026-12-06T09:00:00Z")).failure)
        #expect(both.description.contains("sau thời điểm nghi bị tấn công") && both.description.contains("--snapshot aaaaaaaa"), "\(both)")
        #expect(try #require(choose(recorded: "99999999").failure).description.contains("không có trong kho"))
        #expect(try #require(choose(recorded: "dddddddd").failure).description.contains("không đọc được"))
    }

    /// The officer's choice stands, if the repository has it; the dry run says when it is later than the start.
    @Test func theOfficersChoiceStands() throws {
        let named = try choose(named: "cccccccc", recorded: "aaaaaaaa", since: Self.at("2026-12-06T09:00:00Z")).get()
        #expect(named.snapshot == Self.attacker && named.reason == .named && named.why.contains("dù bản này được tạo sau"))
        #expect(try #require(choose(named: "12345678").failure).description.contains("--snapshot 12345678: không có trong kho"))
        let twins = [Self.good, BackupSnapshot(id: "aaaaaaaa" + String(repeating: "9", count: 56), time: Self.good.time)]
        #expect(throws: SnapshotChoice.Refused.self) { try SnapshotChoice.choose(from: twins, named: "aaaaaaaa", recorded: nil, recordTime: Self.recordTime, suspectedStart: nil) }
    }

    /// A repository several PCs share: the newest copy of another machine is never taken on its own, a
    /// record naming one is refused, and the officer may still name one (a PC renamed since).
    @Test func anotherMachinesCopiesAreSkipped() throws {
        func copy(_ digit: Character, _ time: String, _ host: String?) -> BackupSnapshot {
            BackupSnapshot(id: String(repeating: digit, count: 64), time: time, hostname: host)
        }
        let ours = copy("a", "2026-12-04T18:00:00Z", "ubnd-xa-pc01")
        let neighbour = copy("b", "2026-12-04T18:30:00Z", "ubnd-xa-pc02")
        let unnamed = copy("c", "2026-12-04T17:00:00Z", nil)
        let names: Set<String> = ["ubnd-xa-pc01"]
        let choice = try SnapshotChoice.choose(from: [neighbour, ours, unnamed], named: nil, recorded: nil, recordTime: Self.recordTime, suspectedStart: nil, hostnames: names)
        #expect(choice.snapshot == ours && choice.why.contains("bỏ qua 1 bản của máy khác"), "\(choice.why)")
        // The kernel's name and /etc/hostname may differ; a copy under either is this PC's.
        #expect(try SnapshotChoice.choose(from: [neighbour, ours], named: nil, recorded: nil, recordTime: Self.recordTime, suspectedStart: nil,
                                          hostnames: ["ubnd-xa-pc01", "ubnd-xa-pc02"]).snapshot == neighbour)
        // A copy that does not say which machine made it is not excluded.
        #expect(try SnapshotChoice.choose(from: [neighbour, unnamed], named: nil, recorded: nil, recordTime: Self.recordTime, suspectedStart: nil, hostnames: names).snapshot == unnamed)
        let recorded = try #require(Result { () throws(SnapshotChoice.Refused) in
            try SnapshotChoice.choose(from: [neighbour, ours], named: nil, recorded: "bbbbbbbb", recordTime: Self.recordTime, suspectedStart: nil, hostnames: names)
        }.failure)
        #expect(recorded.description.contains("là của máy ubnd-xa-pc02") && recorded.description.contains("--snapshot aaaaaaaa"), "\(recorded)")
        let none = try #require(Result { () throws(SnapshotChoice.Refused) in
            try SnapshotChoice.choose(from: [neighbour], named: nil, recorded: nil, recordTime: Self.recordTime, suspectedStart: nil, hostnames: names)
        }.failure)
        #expect(none.description.contains("bỏ qua 1 bản của máy khác"), "\(none)")
        let named = try SnapshotChoice.choose(from: [neighbour, ours], named: "bbbbbbbb", recorded: nil, recordTime: Self.recordTime, suspectedStart: nil, hostnames: names)
        #expect(named.snapshot == neighbour && named.why.contains("bản của máy ubnd-xa-pc02"))
    }

    /// A copy whose time cannot be read is never chosen, however the list is ordered.
    @Test func anUnreadableTimeIsNeverChosen() {
        #expect(throws: SnapshotChoice.Refused.self) {
            try SnapshotChoice.choose(from: [Self.garbled], named: nil, recorded: nil, recordTime: Self.at("2030-01-01T00:00:00Z"), suspectedStart: nil)
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
