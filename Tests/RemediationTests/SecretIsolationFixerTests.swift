import AtttTestSupport
import Foundation
import HardeningCore
import Remediation
import Testing
import HostAccess

/// VN-TD-SEC-001's fixer (Điều 8 khoản 1 điểm a) on a copy of the hardened office PC checked as a
/// state-secret PC: radios off, WAN profiles deleted with copies kept, ModemManager masked.
@Suite struct SecretIsolationFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func dryRunOnlyForTheSecretRole() throws {
        let host = try FixtureHost()
        let before = try snapshot(host.root)
        let workstation = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-SEC-001", "--lang", "en"] + now)
        #expect(!workstation.stdout.contains("+++ /dev/null"))
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--role", "secret", "--control", "VN-TD-SEC-001", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stderr)")
        // The profile is removed inside the root, shown as a diff to nothing (never an `rm` of a host path).
        #expect(out.stdout.contains("--- a/etc/NetworkManager/system-connections/UBND-Xa.nmconnection\n+++ /dev/null\n"), "\(out.stdout)")
        #expect(out.stdout.contains("$ systemctl --root \(host.root.path) mask ModemManager.service"))
        #expect(out.stdout.contains("+WirelessEnabled=false"))
        #expect(out.stdout.contains("+blacklist cfg80211"))
        #expect(try snapshot(host.root) == before)
    }

    @Test func applyPassesThenRollbackRestoresTheProfiles() throws {
        let host = try FixtureHost()
        try host.write("/var/lib/NetworkManager/NetworkManager.state", "[main]\nNetworkingEnabled=true\nWirelessEnabled=true\nWWANEnabled=true\n\n[device]\nx=1\n")
        try host.write("/var/lib/systemd/rfkill/pci-0000:02:00.0:wlan", "0\n")
        try host.write("/etc/wireguard/wg0.conf", "[Interface]\nPrivateKey = Fixture-Key=\n")
        let before = try snapshot(host.root)
        #expect(try result("VN-TD-SEC-001", root: host.root, role: .secret).status == .fail)

        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--role", "secret", "--control", "VN-TD-SEC-001", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("VN-TD-SEC-001: pass"))
        #expect(try result("VN-TD-SEC-001", root: host.root, role: .secret).status == .pass)
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/NetworkManager/system-connections/UBND-Xa.nmconnection").path))
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/wireguard/wg0.conf").path))
        #expect(try host.read("/var/lib/NetworkManager/NetworkManager.state") == "[main]\nWirelessEnabled=false\nWWANEnabled=false\nNetworkingEnabled=true\n\n[device]\nx=1\n")
        #expect(try host.read("/var/lib/systemd/rfkill/pci-0000:02:00.0:wlan") == "1\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: host.url("/etc/systemd/system/ModemManager.service").path) == "/dev/null")
        #expect(try host.read("/etc/modprobe.d/50-vn-td-radios.conf").contains("install bluetooth /bin/false\n"))

        #expect(try AtttBinary.run(["rollback", "--root", host.root.path]).status == 0)
        #expect(try snapshot(host.root) == before)
    }

    @Test func stateFileWithoutMainSection() {
        #expect(SecretIsolationFixer.radiosOff(nil) == "[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=false\n")
        #expect(SecretIsolationFixer.radiosOff("[device]\nx=1\n") == "[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=false\n\n[device]\nx=1\n")
    }
}

/// VN-TD-NET-005's fixer (Điều 9 khoản 3): browser policies with DNS over HTTPS off and locked.
@Suite struct BrowserDnsPolicyFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func firefoxPolicyKeepsTheOthersAndRollsBack() throws {
        let host = try FixtureHost("debian12-broken")
        // Firefox reads its installation's file while /etc has none: its policies must survive.
        try host.write("/usr/lib/firefox-esr/distribution/policies.json", "{\"policies\": {\"DisableAppUpdate\": true, \"DNSOverHTTPS\": {\"Enabled\": true}}}\n")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-NET-005", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try result("VN-TD-NET-005", root: host.root).status == .pass)
        let written = try host.read("/etc/firefox/policies/policies.json")
        #expect(written.contains("\"DisableAppUpdate\" : true") && written.contains("\"Enabled\" : false") && written.contains("\"Locked\" : true"), "\(written)")
        #expect(try AtttBinary.run(["rollback", "--root", host.root.path]).status == 0)
        #expect(try snapshot(host.root) == before)
    }

    @Test func aBrokenPolicyFileIsNotOverwritten() throws {
        let host = try FixtureHost()
        try host.write("/etc/firefox/policies/policies.json", "{\"policies\": {\n")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-NET-005", "--lang", "en"] + now)
        #expect((out.stdout + out.stderr).contains("is not valid JSON"), "\(out.stdout)\(out.stderr)")
        #expect(try host.read("/etc/firefox/policies/policies.json") == "{\"policies\": {\n")
    }
}

/// A file removal is resolved inside the root: a link in the tree that points at an absolute path
/// (here, at a directory outside the tree) leads to the tree's own path, never out of it.
@Suite struct RemoveFileTests {
    @Test func aLinkInTheTreeCannotLeadTheRemovalOut() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("attt-outside-\(UUID())")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try "keep me\n".write(to: outside.appendingPathComponent("wg0.conf"), atomically: true, encoding: .utf8)
        let host = try FixtureHost("debian12-hardened")
        try FileManager.default.createSymbolicLink(atPath: host.url("/etc/wireguard").path, withDestinationPath: outside.path)
        let plan = RemediationPlan(steps: [RemediationStep(control: "VN-TD-SEC-001", fixer: "test", description: "test", action: .removeFile(path: "/etc/wireguard/wg0.conf"))])
        _ = try Applier(host: HostRoot(host.root.path)).apply(plan, officer: "test")
        #expect(try String(contentsOf: outside.appendingPathComponent("wg0.conf"), encoding: .utf8) == "keep me\n")
    }
}
