import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// sshd_config read as sshd reads it: first value wins, includes in place and in sorted order,
/// `Match` blocks to the next `Match` or the end of their file.
@Suite struct SshdConfigTests {
    /// A host made of in-memory files.
    func load(_ files: [String: String]) throws -> SshdConfig? {
        let host = MemoryFiles(files)
        return try SshdConfig.load(readFile: host.read, list: host.list)
    }

    @Test func firstValueWinsAcrossIncludesInSortedOrder() throws {
        let config = try #require(try load([
            "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nMaxAuthTries 2\nLogLevel quiet\n",
            "/etc/ssh/sshd_config.d/50-b.conf": "MaxAuthTries 4\nPermitRootLogin=no\n",
            "/etc/ssh/sshd_config.d/10-a.conf": "maxauthtries = 10\n",
            "/etc/ssh/sshd_config.d/README": "MaxAuthTries 1\n",
        ]))
        #expect(config.effective("maxauthtries")?.value == "10")
        #expect(config.effective("maxauthtries")?.source.description == "/etc/ssh/sshd_config.d/10-a.conf:1")
        #expect(config.effective("permitrootlogin")?.value == "no")
        #expect(config.effective("loglevel")?.source.description == "/etc/ssh/sshd_config:3")
        #expect(config.problems.isEmpty)
    }

    @Test func listKeywordsAddUp() throws {
        let config = try #require(try load(["/etc/ssh/sshd_config": "AllowGroups sudo\nAllowGroups 'it staff' ketoan # comment\nPort 22\nPort 2222\n"]))
        #expect(config.effective("allowgroups")?.arguments == ["sudo", "it staff", "ketoan"])
        #expect(config.effective("port")?.arguments == ["22", "2222"])
    }

    @Test func matchBlocksRunToTheNextMatchOrTheEndOfTheirFile() throws {
        let config = try #require(try load([
            "/etc/ssh/sshd_config": "Include conf.d/*.conf\nPasswordAuthentication no\nMatch User a\n  PermitEmptyPasswords yes\n  PermitEmptyPasswords no\nMatch all\nLogLevel ERROR\n",
            // Relative to /etc/ssh; its Match ends with the file, so MaxAuthTries after the Include is global.
            "/etc/ssh/conf.d/1.conf": "Match Group guests\nMaxAuthTries 9\n",
        ]))
        #expect(config.matches.map(\.criteria) == ["Group guests", "User a"])
        #expect(config.matches[0].source.description == "/etc/ssh/conf.d/1.conf:1")
        #expect(config.matches[1].directives.map(\.value) == ["yes", "no"])
        #expect(config.effective("passwordauthentication")?.value == "no")
        #expect(config.effective("maxauthtries") == nil)
        // After `Match all`, lines apply to everyone again.
        #expect(config.effective("loglevel")?.value == "ERROR")
        let facts = RemoteAccessProbe.server(config)
        #expect(facts.matchBlocks[1].permitEmptyPasswords?.value == true)
        #expect(facts.matchBlocks[0].maxAuthTries?.value == 9)
        #expect(facts.maxAuthTries.source.description == "default:openssh")
    }

    @Test func includeInsideMatchAppliesToThatMatch() throws {
        let config = try #require(try load([
            "/etc/ssh/sshd_config": "Match User b\nInclude /etc/ssh/extra.conf\n",
            "/etc/ssh/extra.conf": "PermitRootLogin yes\n",
        ]))
        #expect(config.global.isEmpty)
        #expect(config.matches.first?.directives.first?.source.description == "/etc/ssh/extra.conf:1")
    }

    @Test func whatSshdWouldRefuseIsAProblem() throws {
        let quote = try #require(try load(["/etc/ssh/sshd_config": "Banner \"/etc/issue\nMatch\n"]))
        #expect(quote.problems == ["/etc/ssh/sshd_config:1: unterminated quote", "/etc/ssh/sshd_config:2: Match without criteria"])
        // A file that includes itself stops at sshd's depth limit instead of looping.
        let loop = try #require(try load(["/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config\n"]))
        #expect(loop.problems.count == 1)
        #expect(loop.problems.first?.contains("deeper than 16") == true)
        #expect(try load([:]) == nil)
    }

    @Test func quotingAndComments() {
        guard case .success(let words) = SshdConfig.words("  Banner \"/etc/my issue\" 'a\\'b' x#y # trailing\r") else { Issue.record("refused"); return }
        #expect(words == ["Banner", "/etc/my issue", "a'b", "x#y"])
    }
}
