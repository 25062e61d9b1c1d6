import CollectorReports
import CollectorServer
import Foundation
import Testing

@Suite struct SettingsLoaderTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-settings-\(UUID())")

    func file(_ text: String) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("collector.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsWithNoConfigurationAtAll() async throws {
        let settings = try await SettingsLoader.load(file: nil, flags: [:], environment: [:])
        #expect(settings == CollectorSettings())
        #expect(settings.listenPort == 8443 && settings.stateDirectory == "/var/lib/attt-collector")
    }

    /// Flags win over the environment, which wins over the file, which wins over the defaults.
    @Test func fileThenEnvironmentThenFlags() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try file("""
            listen:
              port: 9443
              host: 127.0.0.1
            state:
              directory: /srv/attt
            server:
              names: [collector.xa.local, 10.0.0.2]
            officers:
              lockout-attempts: 3
              lockout-window: 30m
            jobs:
              lifetime: 2d
            hosts:
              silent-after: 3d
            history:
              report-bodies: 30d
            """)
        let fromFile = try await SettingsLoader.load(file: path, flags: [:], environment: [:])
        #expect(fromFile.silentAfter == 3 * 86_400 && fromFile.reportBodyRetention == 30 * 86_400)
        #expect(fromFile.listenPort == 9443 && fromFile.listenHost == "127.0.0.1" && fromFile.stateDirectory == "/srv/attt")
        #expect(fromFile.serverNames == ["collector.xa.local", "10.0.0.2"])
        #expect(fromFile.lockoutAttempts == 3 && fromFile.lockoutWindow == 1800 && fromFile.jobLifetime == 2 * 86_400)

        let environment = ["ATTT_COLLECTOR_LISTEN_PORT": "10443", "ATTT_COLLECTOR_OFFICERS_GROUP": "cntt", "LISTEN_PORT": "1", "ATTT_COLLECTOR_HOSTS_SILENT_AFTER": "36h"]
        let fromEnvironment = try await SettingsLoader.load(file: path, flags: [:], environment: environment)
        #expect(fromEnvironment.silentAfter == 36 * 3600)
        #expect(fromEnvironment.listenPort == 10443 && fromEnvironment.officerGroup == "cntt" && fromEnvironment.stateDirectory == "/srv/attt")

        let fromFlags = try await SettingsLoader.load(file: path, flags: ["listen.port": "11443"], environment: environment)
        #expect(fromFlags.listenPort == 11443 && fromFlags.officerGroup == "cntt")
    }

    /// The báo cáo sự cố's recipients are the office's own list (Điều 11 khoản 2 điểm b names institutions
    /// renamed since), from the file or the environment (`;`-separated), bounded like the reports'.
    @Test func incidentRecipientsAreTheOfficesOwn() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try file("incidents:\n  recipients:\n    - \"Ủy ban nhân dân xã Tứ Dân (để báo cáo)\"\n    - \"Công an xã Tứ Dân\"\n")
        #expect(try await SettingsLoader.load(file: path, flags: [:], environment: [:]).reports.incidentRecipients == ["Ủy ban nhân dân xã Tứ Dân (để báo cáo)", "Công an xã Tứ Dân"])
        let environment = ["ATTT_COLLECTOR_INCIDENTS_RECIPIENTS": "Văn phòng thống kê xã, Tứ Dân; Lưu: VT"]
        #expect(try await SettingsLoader.load(file: nil, flags: [:], environment: environment).reports.incidentRecipients == ["Văn phòng thống kê xã, Tứ Dân", "Lưu: VT"])
        await #expect(throws: SettingsLoader.Problem.self) {
            _ = try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_INCIDENTS_RECIPIENTS": Array(repeating: "x", count: 21).joined(separator: ";")])
        }
    }

    /// The file as the package ships it: every key commented out.
    @Test func theShippedFileIsValidAndChangesNothing() async throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("packaging/etc/attt-collector/collector.yaml").path
        #expect(try await SettingsLoader.load(file: shipped, flags: [:], environment: [:]) == CollectorSettings())
        // And uncommented, it is read.
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: shipped, encoding: .utf8).replacingOccurrences(of: "# listen:\n#   host: 0.0.0.0\n#   port: 8443", with: "listen:\n  host: 0.0.0.0\n  port: 9000")
        #expect(try await SettingsLoader.load(file: try file(text), flags: [:], environment: [:]).listenPort == 9000)
    }

    /// A typo is an error with the file, the line and the known keys, never a setting silently ignored.
    @Test func badFilesNameTheLine() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, String)] = [
            ("listen:\n  port: 9443\n  hots: 127.0.0.1\n", ":3: unknown setting listen.hots"),
            ("listen:\n  port: many\n", ":2: listen.port must be a whole number"),
            ("jobs:\n  lifetime: soon\n", ":2: jobs.lifetime must be a duration"),
            ("listen: [1, 2\n", "not valid YAML"),
            ("- a\n- b\n", ":1: expected settings"),
            ("officers:\n  unit-groups:\n    \"UBND xã Tứ Dân\": attt-ubnd\n    \"Trạm y tế xã\": [a, b]\n", ":4: officers.unit-groups: Trạm y tế xã must map to a group name"),
            ("officers:\n  unit-groups:\n    \"Trạm y tế xã\": \"nhóm y tế\"\n", ":3: officers.unit-groups: Trạm y tế xã must map to a group name"),
            ("officers:\n  unit-groups: attt-ubnd\n", ":2: officers.unit-groups must map each unit's name"),
            ("officers:\n  inspector-group: \"công an\"\n", ":2: officers.inspector-group must be a group name"),
        ]
        for (text, expected) in cases {
            let path = try file(text)
            await #expect(throws: SettingsLoader.Problem.self) { try await SettingsLoader.load(file: path, flags: [:], environment: [:]) }
            do {
                _ = try await SettingsLoader.load(file: path, flags: [:], environment: [:])
            } catch {
                #expect("\(error)".contains(path) && "\(error)".contains(expected), "\(error)")
            }
        }
        await #expect(throws: SettingsLoader.Problem.self) {
            try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_LISTEN_PORT": "-3"])
        }
        await #expect(throws: SettingsLoader.Problem.self) {
            try await SettingsLoader.load(file: directory.appendingPathComponent("missing.yaml").path, flags: [:], environment: [:])
        }
    }

    /// Roles (issue 13 point 6): `officers.group` still names the supervisors; inspectors and each
    /// unit's IT officers come from their own groups, in the file or the environment.
    /// Điều 11 khoản 2 điểm b: when a report up is overdue, in whole hours, from the file or the environment.
    @Test func escalationDeadlineInHours() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(CollectorSettings().escalateWithin == 24 * 3600)
        #expect(try await SettingsLoader.load(file: try file("incidents:\n  escalate-within-hours: 8\n"), flags: [:], environment: [:]).escalateWithin == 8 * 3600)
        #expect(try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_INCIDENTS_ESCALATE_WITHIN_HOURS": "48"]).escalateWithin == 48 * 3600)
        await #expect { try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_INCIDENTS_ESCALATE_WITHIN_HOURS": "0"]) } throws: {
            "\($0)".contains("incidents.escalate-within-hours")
        }
    }

    @Test func roleGroups() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(CollectorSettings().officerGroup == "sudo" && CollectorSettings().inspectorGroup.isEmpty && CollectorSettings().unitGroups.isEmpty)
        let path = try file("""
            officers:
              group: vpthongke
              inspector-group: attt-thanhtra
              unit-groups:
                "UBND xã Tứ Dân": attt-ubnd
                "Trạm y tế xã": attt-tramyte
            """)
        let fromFile = try await SettingsLoader.load(file: path, flags: [:], environment: [:])
        #expect(fromFile.officerGroup == "vpthongke" && fromFile.inspectorGroup == "attt-thanhtra")
        #expect(fromFile.unitGroups == ["UBND xã Tứ Dân": "attt-ubnd", "Trạm y tế xã": "attt-tramyte"])

        // The environment's mapping replaces the file's whole.
        let environment = ["ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "Trường tiểu học=attt-th; UBND xã Tứ Dân = attt-ubnd2;", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "congan"]
        let fromEnvironment = try await SettingsLoader.load(file: path, flags: [:], environment: environment)
        #expect(fromEnvironment.unitGroups == ["Trường tiểu học": "attt-th", "UBND xã Tứ Dân": "attt-ubnd2"] && fromEnvironment.inspectorGroup == "congan")

        for bad in ["UBND xã Tứ Dân", "UBND=a;UBND=b", "UBND=nhóm y tế", "=attt-ubnd"] {
            await #expect(throws: SettingsLoader.Problem.self, "\(bad)") {
                try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": bad])
            }
        }
        await #expect(throws: SettingsLoader.Problem.self) {
            try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "-x"])
        }
    }

    @Test func durations() {
        #expect(SettingsLoader.parseDuration("90s") == 90)
        #expect(SettingsLoader.parseDuration("15m") == 900)
        #expect(SettingsLoader.parseDuration("8h") == 28_800)
        #expect(SettingsLoader.parseDuration("7d") == 604_800)
        #expect(SettingsLoader.parseDuration("600") == 600)
        for bad in ["", "d", "-1h", "0", "1w", "abc"] { #expect(SettingsLoader.parseDuration(bad) == nil, "\(bad)") }
    }
}
