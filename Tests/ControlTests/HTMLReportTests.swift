import AtttTestSupport
import Foundation
import Testing

/// `attt check --format html`: one self-contained page, Vietnamese by default, with the JSON's counts.
@Suite struct HTMLReportTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    static var browserPresent: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium")
    }

    @Test func onePageWithNothingFromOutside() throws {
        let out = try AtttBinary.run(["check", "--root", Repository.host("debian12-broken").path, "--format", "html"] + now)
        #expect(out.status == 1)
        let html = out.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains(#"<html lang="vi">"#))
        #expect(html.contains(#"content="default-src 'none'; style-src 'unsafe-inline'""#))
        // No script, and nothing loaded from anywhere: no src or href at all.
        for forbidden in ["<script", "src=", "href=", "@import", "url("] { #expect(!html.contains(forbidden), "\(forbidden)") }
        // The evidence and the fix an officer acts on.
        #expect(html.contains("/etc/sysctl.conf:71"))
        #expect(html.contains("attt khắc phục được"))
        #expect(html.contains("Theo điều của Quy định") && html.contains("Điều 6 (Trang thiết bị và hạ tầng công nghệ thông tin)"))
        let en = try AtttBinary.run(["check", "--root", Repository.host("debian12-broken").path, "--format", "html", "--lang", "en"] + now)
        #expect(en.stdout.contains(#"<html lang="en">"#) && en.stdout.contains("By article of the regulation"))
    }

    /// What a host's files say reaches the page as text, never as markup.
    @Test func hostTextIsEscaped() throws {
        let host = try FixtureHost()
        try host.write("/etc/hostname", "<script>alert('x')</script>\n")
        // A Match block's criteria name its evidence, so this text does reach the page.
        try host.write("/etc/ssh/sshd_config.d/10-x.conf", "Match User \"<img src=x onerror=alert(1)>\"\n  PermitEmptyPasswords yes\n")
        let out = try AtttBinary.run(["check", "--root", host.root.path, "--format", "html"] + now)
        #expect(!out.stdout.contains("<script>") && !out.stdout.contains("<img"))
        #expect(out.stdout.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(out.stdout.contains("User &lt;img src=x onerror=alert(1)&gt;"))
    }

    /// In a real headless Chromium (Debian's chromium, chromium-driver, python3-selenium): it renders,
    /// shows the JSON report's counts and statuses, failures first, loads nothing else, and logs no
    /// console error (with a canary showing the console check sees CSP violations).
    @Test(.enabled(if: browserPresent, "needs chromium, chromium-driver and python3-selenium (scripts/test.sh installs them)"),
          arguments: ["debian12-broken", "debian12-hardened", "debian12-desktop"])
    func inAHeadlessBrowser(_ fixture: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-html-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = Repository.host(fixture).path
        for format in ["html", "json"] {
            let out = try AtttBinary.run(["check", "--root", root, "--format", format, "--output", dir.appendingPathComponent("report.\(format)").path] + now)
            #expect([0, 1, 4].contains(out.status), "\(out.stderr)")
        }
        let script = Repository.root.appendingPathComponent("Tests/ControlTests/browser/html_report_test.py").path
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), [
            script, "--html", dir.appendingPathComponent("report.html").path, "--json", dir.appendingPathComponent("report.json").path,
        ])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.contains(#""failed": 0, "passed": 7"#), "\(out.stdout)")
    }
}
