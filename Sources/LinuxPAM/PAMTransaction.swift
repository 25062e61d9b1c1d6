import CPAM
import FoundationEssentials

/// What a PAM run ended with.
public struct PAMOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The PAM return code (`PAM_SUCCESS` is 0).
    public var code: Int32
    /// `pam_strerror`'s text for it.
    public var message: String
    /// Messages modules sent through the conversation (errors and information).
    public var moduleMessages: [String]

    public var succeeded: Bool { code == PAM_SUCCESS }

    /// The stack ran and said no (wrong password, unknown user, locked account), as opposed to a
    /// stack that could not run at all (a module that cannot be loaded, a broken file).
    public var refused: Bool {
        [PAM_AUTH_ERR, PAM_USER_UNKNOWN, PAM_PERM_DENIED, PAM_MAXTRIES, PAM_ACCT_EXPIRED, PAM_NEW_AUTHTOK_REQD, PAM_CRED_INSUFFICIENT].contains(code)
    }

    public var description: String { "\(message) (\(code))" + (moduleMessages.isEmpty ? "" : ": " + moduleMessages.joined(separator: "; ")) }
}

/// One PAM transaction: authenticate a user with a password, then check the account, through a
/// service file — the host's (`/etc/pam.d`) or a staged directory (`pam_start_confdir`, Linux-PAM ≥ 1.4),
/// which is how attt tries a changed stack before it goes live.
///
/// Synchronous on purpose: a `pam_handle_t` must never cross an `await`.
public enum PAMTransaction {
    /// Runs `pam_authenticate` then `pam_acct_mgmt` for `service`.
    /// - Parameters:
    ///   - confdir: a directory of service files to use instead of `/etc/pam.d`.
    /// - Returns: the outcome of the first step that did not succeed, or success.
    public static func authenticate(service: String, user: String, password: String, confdir: String? = nil) -> PAMOutcome {
        let answers = Answers(user: user, password: password)
        let context = Unmanaged.passRetained(answers)
        defer { context.release() }
        var conversation = pam_conv(conv: converse, appdata_ptr: context.toOpaque())
        var handle: OpaquePointer? = nil
        let started: Int32
        if let confdir {
            started = pam_start_confdir(service, user, &conversation, confdir, &handle)
        } else {
            started = pam_start(service, user, &conversation, &handle)
        }
        guard started == PAM_SUCCESS, let handle else {
            return PAMOutcome(code: started, message: String(cString: pam_strerror(nil, started)), moduleMessages: answers.messages)
        }
        var result = pam_authenticate(handle, 0)
        if result == PAM_SUCCESS { result = pam_acct_mgmt(handle, 0) }
        let message = String(cString: pam_strerror(handle, result))
        pam_end(handle, result)
        return PAMOutcome(code: result, message: message, moduleMessages: answers.messages)
    }
}

/// What the conversation answers with, and what modules told it. Lives for one transaction.
private final class Answers {
    let user: String
    let password: String
    var messages: [String] = []

    init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

/// The PAM conversation: a C function with no captures; its context comes through `appdata_ptr`.
/// Replies are allocated with calloc and strdup because PAM frees them with free().
private let converse: @convention(c) (Int32, UnsafeMutablePointer<UnsafePointer<pam_message>?>?, UnsafeMutablePointer<UnsafeMutablePointer<pam_response>?>?, UnsafeMutableRawPointer?) -> Int32 = { count, messages, responses, appdata in
    guard count > 0, let messages, let responses, let appdata else { return PAM_CONV_ERR }
    let answers = Unmanaged<Answers>.fromOpaque(appdata).takeUnretainedValue()
    guard let replies = calloc(Int(count), MemoryLayout<pam_response>.stride)?.assumingMemoryBound(to: pam_response.self) else { return PAM_BUF_ERR }
    for index in 0..<Int(count) {
        guard let message = messages[index]?.pointee else { continue }
        let text = message.msg.map { String(cString: $0) } ?? ""
        switch message.msg_style {
        case PAM_PROMPT_ECHO_OFF:
            replies[index].resp = strdup(answers.password)
        case PAM_PROMPT_ECHO_ON:
            replies[index].resp = strdup(answers.user)
        case PAM_ERROR_MSG, PAM_TEXT_INFO:
            answers.messages.append(text)
        default:
            // Free what was already answered: PAM will not, on error.
            for done in 0..<index { free(replies[done].resp) }
            free(replies)
            return PAM_CONV_ERR
        }
    }
    responses.pointee = replies
    return PAM_SUCCESS
}
