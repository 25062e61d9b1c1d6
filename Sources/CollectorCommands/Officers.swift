import ArgumentParser
import CollectorAPI
import CollectorServer
import CollectorStore
import CommandLineSupport
import Foundation
import HardeningCore

/// `attt-collector token create --unit "…"`: a one-time enrollment token for one unit's PCs.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mã đăng ký máy — one-time enrollment tokens.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a one-time, expiring enrollment token for a unit.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit the PC belongs to, as the reports should name it.")
        var unit: String

        @Option(help: "How long the token may wait to be used: 90m, 24h, 7d (default: setting tokens.lifetime).")
        var expires: String?

        @Option(help: "The collector address agents use, for the printed command.")
        var collector: String?

        @Option(help: "How many tokens to make (one per PC), printed one a line.")
        var count = 1

        func run() async throws {
            let unit = unit.trimmingCharacters(in: .whitespaces)
            guard !unit.isEmpty else { throw CommandFailure.badInput("--unit must name the unit") }
            let loaded = try await settings.load()
            let lifetime: TimeInterval
            if let expires {
                guard let seconds = SettingsLoader.parseDuration(expires) else { throw CommandFailure.badInput("--expires \(expires) is not a duration (90m, 24h, 7d)") }
                lifetime = seconds
            } else {
                lifetime = loaded.tokenLifetime
            }
            guard (1...10_000).contains(count) else { throw CommandFailure.badInput("--count takes 1 to 10000") }
            let store = try settings.openStore(loaded)
            let now = Date()
            var token = ""
            for _ in 0..<count {
                token = OfficerAuthenticator.newToken()
                try store.createToken(hash: OfficerAuthenticator.hash(token), unit: unit, createdBy: LocalOfficer.name, expiresAt: now.addingTimeInterval(lifetime), now: now)
                print(token)
            }
            let url = collector ?? "https://\(loaded.serverNames.first ?? ProcessInfo.processInfo.hostName):\(loaded.listenPort)"
            FileHandle.standardError.write(Data("""
                \(count == 1 ? "Mã" : "\(count) mã, mỗi mã") dùng một lần cho \(unit), hết hạn \(Timestamp(now.addingTimeInterval(lifetime))). Trên máy cần đăng ký, chạy:
                  sudo attt enroll --collector \(url) --token \(token) --ca-cert ca.pem
                (ca.pem: copy of \(loaded.caCertificatePath))

                """.utf8))
        }
    }
}

/// `attt-collector jobs approve|list`: fixes officers approve for a host.
struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Lệnh khắc phục — approve fixes for a host and follow them.",
        subcommands: [Approve.self, List.self]
    )

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a fix of some controls on one host; the host applies it on its next run.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The host id (see attt-collector hosts list).")
        var host: String

        @Option(name: .customLong("control"), help: "A control to fix; repeat for several.")
        var controls: [String]

        func run() async throws {
            let loaded = try await settings.load()
            let store = try settings.openStore(loaded)
            let controls = controls.filter(ControlId.isValid)
            guard !controls.isEmpty, controls.count == self.controls.count else { throw CommandFailure.badInput("--control takes control ids such as VN-TD-PW-001") }
            let now = Date()
            do {
                let job = try store.approveJob(host: host, controls: controls, officer: .local(LocalOfficer.name), expiresAt: now.addingTimeInterval(loaded.jobLifetime), now: now)
                print("\(job.id)  \(job.host)  \(job.controls.joined(separator: ","))  approved by \(job.approvedBy), expires \(job.expiresAt)")
            } catch let error as StoreError {
                throw CommandFailure.badInput(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "Only this host's jobs.")
        var host: String?

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            for job in try store.jobs(host: host, now: Date()) {
                let tx = job.transaction.map { " tx \($0)" } ?? ""
                // The transaction id and the message are the agent's words.
                let line = "\(job.id)  \(job.host)  \(job.state.rawValue)\(tx)  \(job.controls.joined(separator: ","))  by \(job.approvedBy) \(job.approvedAt)" + (job.message.map { "  — \($0)" } ?? "")
                print(TerminalText.safe(line))
            }
        }
    }
}

/// `attt-collector hosts list|revoke`.
struct Hosts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Máy đã đăng ký — enrolled hosts.",
        subcommands: [List.self, Revoke.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrolled hosts with their latest status.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "Only this unit.")
        var unit: String?

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            let hosts = try store.hosts(unit: unit)
            let latest = try Set(hosts.map(\.unit)).flatMap { try store.latestStatus(unit: $0) }
            let byHost = Dictionary(latest.map { ($0.host, $0) }, uniquingKeysWith: { a, _ in a })
            // The unit's newest catalogue bundle: a PC still checked against an older one is named so.
            let newest = try Dictionary(uniqueKeysWithValues: Set(hosts.map(\.unit)).map { ($0, try store.bundleHistory(unit: $0).first?.version) })
            for host in hosts {
                var status = "no report yet"
                if let latest = byHost[host.id] {
                    status = "\(latest.summary.fail) failing of \(latest.summary.total) at \(latest.startedAt)" + (latest.failing.isEmpty ? "" : ": " + latest.failing.joined(separator: ","))
                    status += Hosts.catalogues(checked: latest.bundleVersion, newest: newest[host.unit] ?? nil)
                    if let refused = latest.bundleRefused { status += "  CATALOGUES REFUSED \(refused)" }
                }
                let compacted = try store.compactedCount(host: host.id)
                // The hostname is what the PC called itself.
                print(TerminalText.safe("\(host.id)  \(host.unit)  \(host.hostname ?? "-")\(host.revoked ? "  REVOKED" : "")  \(status)" + (compacted > 0 ? "  (\(compacted) older reports compacted by the agent)" : "")))
            }
        }
    }

    /// `  catalogues v3`, `  catalogues v2 (v3 published)`, or nothing while the unit has no bundle.
    static func catalogues(checked: Int?, newest: Int?) -> String {
        guard let newest else { return checked.map { "  catalogues v\($0)" } ?? "" }
        guard let checked else { return "  catalogues: shipped (v\(newest) published)" }
        return "  catalogues v\(checked)" + (checked < newest ? " (v\(newest) published)" : "")
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a host's certificate from now on (a lost or retired PC).")

        @OptionGroup var settings: SettingsOptions

        @Argument(help: "The host id.")
        var host: String

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            let count = try store.revoke(host: host, by: .local(LocalOfficer.name), now: Date())
            guard count > 0 else { throw CommandFailure.badInput("no valid certificate for host \(host)") }
            print("revoked \(count) certificate(s) of \(host)")
        }
    }
}
