import AtttTestSupport
import Foundation
import Testing

/// The Debian packages: built from this tree by `packaging/build.sh`, checked by lintian, and
/// installed with dpkg into a fresh Debian 12 tree (debootstrap, no Swift toolchain) where they run.
@Suite(.serialized) struct PackageTests {
    static var unavailable: String? {
        if let reason = DebianSystemTests.unavailable { return reason }
        for tool in ["/usr/bin/dpkg-deb", "/usr/bin/lintian", "/usr/bin/help2man", "/usr/bin/dpkg-shlibdeps"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "needs \(tool) (scripts/test.sh installs dpkg-dev, lintian and help2man)"
        }
        return nil
    }

    /// A command inside the tree, as on a booted system: /proc mounted (the Swift runtime reads it),
    /// in a private mount namespace so nothing stays mounted.
    static func inTree(_ tree: String, _ command: String) throws -> AtttBinary.Output {
        let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return try DebianSystemTests.sh("unshare --mount --fork sh -c 'mount -t proc proc \(tree)/proc && exec chroot \(tree) sh -c \"$0\"' \(quoted)")
    }

    /// The collector's own user, as its service runs it (setpriv execs, so `timeout` stops the server itself).
    static let asCollector = "setpriv --reuid=attt-collector --regid=attt-collector --init-groups attt-collector"

    /// Built once for every test of the suite (a release build takes minutes).
    static let packages: Result<(agent: String, collector: String), DebianSystemTests.Failure> = {
        let out = try? DebianSystemTests.sh("cd \(Repository.root.path) && bash packaging/build.sh")
        guard let out, out.status == 0 else {
            return .failure(.init(message: "packaging/build.sh failed: \(out?.stdout.suffix(1500) ?? "")\(out?.stderr.suffix(3000) ?? "")"))
        }
        let dir = Repository.root.appendingPathComponent("packaging/out").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        guard let agent = names.first(where: { $0.hasPrefix("attt_") && $0.hasSuffix(".deb") }),
              let collector = names.first(where: { $0.hasPrefix("attt-collector_") && $0.hasSuffix(".deb") })
        else { return .failure(.init(message: "no packages in \(dir): \(names)")) }
        return .success((dir + "/" + agent, dir + "/" + collector))
    }()

    /// No lintian error; every warning is one packaging/README.md lists and justifies.
    @Test(.enabled(if: unavailable == nil, "packaging test skipped: \(unavailable ?? "")"))
    func lintianFindsNoErrorAndOnlyJustifiedWarnings() throws {
        let (agent, collector) = try Self.packages.get()
        let verdict = try DebianSystemTests.sh("lintian --fail-on error \(agent) \(collector)")
        #expect(verdict.status == 0, "\(verdict.stdout)\(verdict.stderr)")
        // Listed again with the overridden tags shown (with them, lintian's status counts them too).
        let out = try DebianSystemTests.sh("lintian --display-level '>=warning' --show-overrides --tag-display-limit 0 \(agent) \(collector)")
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("packaging/README.md"), encoding: .utf8)
        var seen = 0
        for line in out.stdout.split(separator: "\n") where ["E:", "W:", "O:"].contains(line.prefix(2)) {
            let parts = line.split(separator: " ")
            guard parts.count >= 3 else { continue }
            let tag = String(parts[2])
            seen += 1
            #expect(!line.hasPrefix("E:") && readme.contains("`\(tag)`"), "lintian: \(line) — fix it, or justify it in packaging/README.md")
        }
        // The overrides are shown, so a justified error is still seen here.
        #expect(seen > 0, "\(out.stdout)")
    }

    /// The agent goes to every office PC: its package stays under 15 MB (issue 5). What would break
    /// that is ICU (34 MiB of data), which static Foundation links in as soon as anything in the agent
    /// uses full Foundation instead of FoundationEssentials (packaging/README.md).
    @Test(.enabled(if: unavailable == nil, "packaging test skipped: \(unavailable ?? "")"))
    func theAgentPackageStaysSmallAndWithoutICU() throws {
        let (agent, _) = try Self.packages.get()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: agent)[.size] as? Int)
        #expect(size < 15_000_000, "the agent's .deb is \(size) bytes")
        let icu = try DebianSystemTests.sh("dpkg-deb --fsys-tarfile \(agent) | tar -xO ./usr/bin/attt | grep -a -c icudt || true")
        #expect(icu.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "ICU's data is in the agent's binary: something there uses Foundation beyond FoundationEssentials")
    }

    @Test(.enabled(if: unavailable == nil, "packaging test skipped: \(unavailable ?? "")"))
    func theAgentInstallsRunsKeepsEditsAndPurges() throws {
        let (agent, _) = try Self.packages.get()
        let tree = try DebianSystemTests.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let t = tree.path
        func sh(_ command: String) throws -> AtttBinary.Output { try DebianSystemTests.sh(command) }
        func inside(_ command: String) throws -> AtttBinary.Output { try Self.inTree(t, command) }
        #expect(!FileManager.default.fileExists(atPath: t + "/usr/bin/swift") && !FileManager.default.fileExists(atPath: t + "/usr/lib/swift"))

        try FileManager.default.copyItem(atPath: agent, toPath: t + "/tmp/attt.deb")
        let installed = try inside("dpkg -i /tmp/attt.deb")
        #expect(installed.status == 0, "\(installed.stdout)\(installed.stderr)")
        #expect(installed.stdout.contains("sudo attt enroll --collector"))
        // The binary needs nothing the tree lacks.
        let ldd = try inside("ldd /usr/bin/attt")
        #expect(ldd.status == 0 && !ldd.stdout.contains("not found") && !ldd.stdout.contains("swift"), "\(ldd.stdout)")

        let check = try inside("attt check --format json --output /tmp/report.json")
        // A container may leave some sources unreadable: 4 (error, nothing failing) is a result too.
        #expect([0, 1, 4].contains(check.status), "\(check.stdout)\(check.stderr)")
        let report = try Data(contentsOf: URL(fileURLWithPath: t + "/tmp/report.json"))
        #expect(try SchemaValidator.errors(document: report, schema: Repository.schemas.appendingPathComponent("report.schema.json")).isEmpty)
        #expect(String(decoding: report, as: UTF8.self).contains("VN-TD-AUTH-001"))
        for path in ["/lib/systemd/system/attt.service", "/lib/systemd/system/attt.timer", "/lib/systemd/system/attt-isolation.service", "/etc/pam.d/attt", "/etc/attt/tailoring.yaml",
                     "/etc/default/attt", "/usr/share/attt/policies/policy.yaml", "/usr/share/man/man1/attt.1.gz", "/var/lib/attt",
                     "/lib/systemd/system/attt-report.socket", "/lib/systemd/system/attt-report@.service", "/var/lib/attt/incidents"] {
            #expect(FileManager.default.fileExists(atPath: t + path), "\(path) missing")
        }
        // Enabled as dh_installsystemd would: the links name the tree's own units (absolute, so they are
        // read as links; following them would look on this machine).
        for (target, unit) in [("timers.target", "attt.timer"), ("sockets.target", "attt-report.socket"), ("sysinit.target", "attt-isolation.service")] {
            let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(t)/etc/systemd/system/\(target).wants/\(unit)")
            #expect(link == "/lib/systemd/system/\(unit)", "\(unit) not enabled")
        }
        #expect(try sh("stat -c %a \(t)/var/lib/attt").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "700")
        // The shipped configuration is valid as it is: the scheduled run uses it.
        let run = try inside(". /etc/default/attt && attt run $ATTT_RUN_OPTIONS")
        #expect(run.status == 0 && run.stdout.contains("not enrolled"), "\(run.stdout)\(run.stderr)")

        // An upgrade (here: the same package again) keeps the officer's edits of conffiles.
        #expect(try sh("sed -i 's/--role workstation/--role server/' \(t)/etc/default/attt").status == 0)
        let again = try inside("dpkg -i /tmp/attt.deb")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: t + "/etc/default/attt", encoding: .utf8).contains("--role server"))

        // Remove keeps the state (the outbox waiting for the collector); purge removes it.
        #expect(try inside("dpkg -r attt").status == 0)
        #expect(!FileManager.default.fileExists(atPath: t + "/usr/bin/attt"))
        #expect(try !FileManager.default.contentsOfDirectory(atPath: t + "/var/lib/attt/outbox").isEmpty)
        #expect(FileManager.default.fileExists(atPath: t + "/etc/default/attt"))
        #expect(try inside("dpkg -P attt").status == 0)
        for path in ["/var/lib/attt", "/var/log/attt", "/etc/default/attt", "/etc/attt/tailoring.yaml"] {
            #expect(!FileManager.default.fileExists(atPath: t + path), "\(path) left after purge")
        }
    }

    /// The shipped units as systemd reads them: `systemd-analyze verify` on both packages unpacked over
    /// this machine's own unit directory (the test tree is minbase, without systemd), so an unknown key,
    /// a bad value or a missing binary is an error here and not on an office PC.
    @Test(.enabled(if: unavailable == nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"),
                   "unit check skipped: \(unavailable ?? "needs systemd-analyze and nft (scripts/test.sh installs systemd and nftables)")"))
    func theSystemdUnitsVerify() throws {
        let (agent, collector) = try Self.packages.get()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("attt-units-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // attt-isolation.service runs nft (the package recommends nftables) through sh: they are put beside the units.
        let prepared = try DebianSystemTests.sh("mkdir -p \(root)/lib/systemd && cp -a /lib/systemd/system \(root)/lib/systemd/ && dpkg-deb -x \(agent) \(root) && dpkg-deb -x \(collector) \(root) && install -D /usr/sbin/nft \(root)/usr/sbin/nft && install -D /bin/dash \(root)/bin/sh")
        #expect(prepared.status == 0, "\(prepared.stderr)")
        let units = ["attt.service", "attt.timer", "attt-report.socket", "attt-report@.service", "attt-isolation.service", "attt-collector.service"].map { "\(root)/lib/systemd/system/\($0)" }
        let verdict = try DebianSystemTests.sh("systemd-analyze verify --man=no --root=\(root) \(units.joined(separator: " ")) 2>&1")
        #expect(verdict.status == 0 && verdict.stdout.isEmpty, "\(verdict.stdout)")
        // The check is not blind: a misspelt key in a copy of the unit is reported.
        let broken = try DebianSystemTests.sh("sed 's/^Nice=/NiceLevel=/' \(units[0]) > \(root)/lib/systemd/system/attt-broken.service && systemd-analyze verify --man=no --root=\(root) \(root)/lib/systemd/system/attt-broken.service 2>&1")
        #expect(broken.stdout.contains("Unknown key 'NiceLevel'"), "\(broken.stdout)")
    }

    @Test(.enabled(if: unavailable == nil, "packaging test skipped: \(unavailable ?? "")"))
    func theCollectorInstallsAndRunsAsItsOwnUser() throws {
        let (_, collector) = try Self.packages.get()
        let tree = try DebianSystemTests.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let t = tree.path
        func sh(_ command: String) throws -> AtttBinary.Output { try DebianSystemTests.sh(command) }
        func inside(_ command: String) throws -> AtttBinary.Output { try Self.inTree(t, command) }
        try FileManager.default.copyItem(atPath: collector, toPath: t + "/tmp/attt-collector.deb")
        let installed = try inside("dpkg -i /tmp/attt-collector.deb")
        #expect(installed.status == 0, "\(installed.stdout)\(installed.stderr)")
        // It tells the officer how to enroll PCs.
        #expect(installed.stdout.contains("attt-collector token create --unit") && installed.stdout.contains("sudo attt enroll --collector https://"), "\(installed.stdout)")
        #expect(try inside("id -nG attt-collector").stdout.contains("shadow"))
        #expect(try inside("stat -c '%U %a' /var/lib/attt-collector").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "attt-collector 700")

        // As its own user, with no configuration: creates its CA and database, and listens.
        let served = try inside("timeout 8 \(Self.asCollector) serve --host 127.0.0.1 --port 0")
        #expect(served.stdout.contains("created /var/lib/attt-collector/ca/ca.pem") && served.stdout.contains("listening on https://127.0.0.1:"), "\(served.stdout)\(served.stderr)")
        #expect(try inside("stat -c '%U %a' /var/lib/attt-collector/ca/ca.key /var/lib/attt-collector/collector.sqlite /var/lib/attt-collector/bundle-signing.key").stdout
                == "attt-collector 600\nattt-collector 600\nattt-collector 600\n")
        let token = try inside("\(Self.asCollector) token create --unit 'UBND xã Tứ Dân'")
        #expect(token.status == 0 && token.stdout.hasPrefix("attt_"), "\(token.stderr)")
        // The unit's catalogues are checked against the policy the package ships, and signed.
        let layer = "catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [anydesk]}\n"
        try Data(layer.utf8).write(to: URL(fileURLWithPath: t + "/tmp/layer.yaml"))
        let published = try inside("\(Self.asCollector) catalogue publish --unit 'UBND xã Tứ Dân' --file /tmp/layer.yaml")
        #expect(published.status == 0 && published.stdout.contains("gói UBND xã Tứ Dân #1"), "\(published.stdout)\(published.stderr)")

        #expect(try inside("dpkg -r attt-collector").status == 0)
        #expect(FileManager.default.fileExists(atPath: t + "/var/lib/attt-collector/ca/ca.pem"))
        #expect(try inside("dpkg -P attt-collector").status == 0)
        #expect(!FileManager.default.fileExists(atPath: t + "/var/lib/attt-collector"))
    }
}
