import Glibc

/// Who may act as an IT officer: membership of a group on the machine that checks it.
public enum SystemGroup {
    /// Membership as the system sees it on the machine running attt: the primary group and the
    /// supplementary ones (getgrouplist).
    public static func isMember(_ user: String, of groupName: String) -> Bool {
        guard let account = getpwnam(user), let group = getgrnam(groupName) else { return false }
        let wanted = group.pointee.gr_gid
        if account.pointee.pw_gid == wanted { return true }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, account.pointee.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, account.pointee.pw_gid, &groups, &count) >= 0 else { return false }
        }
        return groups.prefix(Int(count)).contains(wanted)
    }
}
