import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// apt.conf as apt reads it: files in name order then apt.conf, later values win, scopes, lists that
/// add up across files, `#clear`, and comments that never cut a quoted string.
@Suite struct AptConfigTests {
    func load(_ files: [String: String]) throws -> AptConfig {
        let host = MemoryFiles(files)
        return try AptConfig.load(readFile: host.read, list: host.list)
    }

    @Test func laterFilesWinAndKeysIgnoreCase() throws {
        let config = try load([
            "/etc/apt/apt.conf.d/20auto-upgrades": "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
            "/etc/apt/apt.conf.d/99local": "apt::periodic::unattended-upgrade \"0\"; // off\n",
            "/etc/apt/apt.conf.d/99local.dpkg-old": "APT::Periodic::Unattended-Upgrade \"7\";\n",
            "/etc/apt/apt.conf.d/x.disabled": "APT::Periodic::Unattended-Upgrade \"8\";\n",
            "/etc/apt/apt.conf": "APT { Periodic { Update-Package-Lists \"2\"; }; };\n",
        ])
        #expect(config.value("APT::Periodic::Unattended-Upgrade").map { "\($0.text) \($0.source)" } == "0 /etc/apt/apt.conf.d/99local:1")
        #expect(config.value("APT::Periodic::Update-Package-Lists").map { "\($0.text) \($0.source)" } == "2 /etc/apt/apt.conf:1")
        #expect(config.problems.isEmpty)
    }

    @Test func listsAddUpAndClear() throws {
        let config = try load([
            "/etc/apt/apt.conf.d/50unattended-upgrades": """
                Unattended-Upgrade::Origins-Pattern {
                        // "origin=Debian,codename=${distro_codename}-updates";
                        "origin=Debian,codename=${distro_codename},label=Debian";
                        "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";
                };
                /* a block
                   comment */
                Unattended-Upgrade::Mail "root";
                """,
            "/etc/apt/apt.conf.d/60more": "Unattended-Upgrade::Origins-Pattern:: \"o=Local,a=stable\";\nUnattended-Upgrade::Allowed-Origins { \"${distro_id}:${distro_codename}-security\"; };\n",
            "/etc/apt/apt.conf.d/70url": "Acquire::http::Proxy \"http://proxy.xa:3128/\";\n",
        ])
        let origins = config.list("Unattended-Upgrade::Origins-Pattern")
        #expect(origins.map(\.text) == ["origin=Debian,codename=${distro_codename},label=Debian", "origin=Debian,codename=${distro_codename}-security,label=Debian-Security", "o=Local,a=stable"])
        #expect(origins[1].source.description == "/etc/apt/apt.conf.d/50unattended-upgrades:4")
        #expect(config.value("Unattended-Upgrade::Mail")?.source.line == 8)
        #expect(config.value("Acquire::http::Proxy")?.text == "http://proxy.xa:3128/")
        #expect(UpdatesProbe.isSecurity(config.list("Unattended-Upgrade::Allowed-Origins")[0].text))

        let cleared = try load([
            "/etc/apt/apt.conf.d/50a": "Unattended-Upgrade::Origins-Pattern { \"origin=Debian\"; };\n",
            "/etc/apt/apt.conf.d/60b": "#clear Unattended-Upgrade::Origins-Pattern;\n",
        ])
        #expect(cleared.list("Unattended-Upgrade::Origins-Pattern").isEmpty)
    }

    @Test func namesAptSkips() {
        for name in ["50unattended-upgrades", "20auto-upgrades", "01autoremove", "99local.conf"] { #expect(AptConfig.isRead(name), "\(name)") }
        for name in ["x.dpkg-old", "x.dpkg-dist", "x.ucf-new", "x~", "x.bak", "x.save", "x.orig", "x.disabled", "a b", "ä"] { #expect(!AptConfig.isRead(name), "\(name)") }
    }

    @Test func whatAptWouldRefuseIsAProblem() throws {
        let config = try load(["/etc/apt/apt.conf.d/10bad": "APT::Periodic::Unattended-Upgrade \"1\"\nAPT { Periodic {\n"])
        #expect(!config.problems.isEmpty)
    }

    @Test func theLogsLastRunAndItsError() throws {
        #expect(UpdatesProbe.time(date: "2026-11-24", clock: "06:31:22,415") == "2026-11-24T06:31:22Z")
        #expect(UpdatesProbe.time(date: "24-11-2026", clock: "06:31:22") == nil)
        #expect(UpdatesProbe.time(date: "2026-11-24", clock: "6:3") == nil)
    }
}
