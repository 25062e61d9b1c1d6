import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import LinuxPAM

/// How a command that changes the host asks for its officer: `--officer-group`, and the staged PAM
/// directory tests use (ignored by release builds, so nobody can bypass the sign-in).
struct OfficerOptions: ParsableArguments {
    @Option(help: "The group the IT officer must belong to.")
    var officerGroup = "sudo"

    @Option(help: .hidden)
    var pamConfdir: String?

    /// Signs the officer in at the terminal; throws ``OfficerSignIn/Refused``.
    func signIn(language: Language) throws -> String {
        var confdir: String? = nil
        #if DEBUG
        confdir = pamConfdir
        #endif
        return try OfficerSignIn(group: officerGroup, confdir: confdir).run(language: language)
    }
}

/// The IT officer who approves a fix on this PC signs in: account and password, checked through PAM
/// with attt's own service file (`/etc/pam.d/attt`, so the host's lockout applies — Điều 7 khoản 2),
/// and membership of the officer group.
struct OfficerSignIn {
    var service = "attt"
    var group: String
    /// A staged directory of PAM service files instead of /etc/pam.d (tests only).
    var confdir: String?

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// Asks on the terminal; returns the officer's account name.
    func run(language: Language) throws -> String {
        let vi = language == .vi
        StandardStreams.error((vi ? "Tài khoản cán bộ CNTT: " : "IT officer account: "))
        guard let user = readLine(strippingNewline: true)?.trimmed, !user.isEmpty else {
            throw Refused(description: vi ? "chưa nhập tài khoản" : "no account given")
        }
        let password = Self.readSecret(prompt: vi ? "Mật khẩu: " : "Password: ")
        let outcome = PAMTransaction.authenticate(service: service, user: user, password: password, confdir: confdir)
        guard outcome.succeeded else {
            throw Refused(description: (vi ? "đăng nhập không thành công: " : "sign-in failed: ") + outcome.description)
        }
        guard SystemGroup.isMember(user, of: group) else {
            throw Refused(description: vi ? "\(user) không thuộc nhóm cán bộ CNTT (\(group))" : "\(user) is not in the officer group \(group)")
        }
        return user
    }

    /// Reads a line with the terminal's echo off.
    static func readSecret(prompt: String) -> String {
        StandardStreams.error(prompt)
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if isTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            StandardStreams.error("\n")
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
