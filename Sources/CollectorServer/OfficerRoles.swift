public import CollectorStore
import LinuxPAM
import Synchronization

/// Roles from groups on the collector host (issue 13 point 6): `officers.group` makes supervisors,
/// `officers.inspector-group` inspectors, `officers.unit-groups` each unit's IT officers.
extension OfficerAuthenticator {
    /// What `user` may see and do now, by their groups (NSS look-ups: run it on a blocking pool).
    /// Each group is asked once, however many units share it.
    static func access(of user: String, settings: CollectorSettings) -> OfficerAccess {
        var answers: [String: Bool] = [:]
        func member(_ group: String) -> Bool {
            if let known = answers[group] { return known }
            let answer = !group.isEmpty && SystemGroup.isMember(user, of: group)
            answers[group] = answer
            return answer
        }
        return OfficerAccess(supervisor: member(settings.officerGroup), inspector: member(settings.inspectorGroup),
                             units: Set(settings.unitGroups.filter { member($0.value) }.keys))
    }
}

/// The access last worked out for each live session, by session hash, so a request asks NSS
/// nothing until the group recheck. Memory only, never the database: after a restart, or once
/// forgotten, a session's access is simply worked out again.
final class SessionAccesses: Sendable {
    /// Sessions come only from successful sign-ins, but the table stays bounded whatever happens:
    /// past this, an arbitrary entry is forgotten (and later worked out again).
    static let limit = 4096
    private let entries = Mutex<[String: OfficerAccess]>([:])

    func access(session hash: String) -> OfficerAccess? {
        entries.withLock { $0[hash] }
    }

    func remember(_ access: OfficerAccess, session hash: String) {
        entries.withLock {
            if $0[hash] == nil, $0.count >= Self.limit { $0.remove(at: $0.startIndex) }
            $0[hash] = access
        }
    }

    var count: Int { entries.withLock { $0.count } }

    func forget(session hash: String) {
        _ = entries.withLock { $0.removeValue(forKey: hash) }
    }
}

/// Who a live session belongs to and what they may do.
public struct SignedInOfficer: Sendable, Hashable {
    public var user: String
    public var access: OfficerAccess
}
