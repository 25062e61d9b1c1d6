/// Where a restic repository lives, as isolation sees it (Điều 11 khoản 2 điểm a: Bước 3, the
/// restore, may come while Bước 1, the isolation, still holds). Read from `RESTIC_REPOSITORY` as
/// restic reads it (its backends' prefixes, restic 0.14 as in Debian 12).
public enum BackupRepositoryLocation: Sendable, Hashable {
    /// A path on this PC (a USB disk, a mounted share): isolation does not stand in the way.
    case local
    /// A server of the unit reached by name or address: `sftp:`, `rest:`, `s3:` with its endpoint.
    case server(String)
    /// A service whose addresses cannot be known beforehand (`b2:`, `azure:`, `gs:`, `swift:`,
    /// `rclone:`), or a repository attt cannot read a server from.
    case elsewhere(String)

    public init(restic repository: String) {
        let colon = repository.firstIndex(of: ":")
        let scheme = colon.map { String(repository[..<$0]).lowercased() } ?? ""
        let rest = colon.map { String(repository[repository.index(after: $0)...]) } ?? repository
        switch scheme {
        case "", "local":
            self = .local
        case "sftp":
            // `sftp:user@host:/path`, `sftp:[::1]:/path`, or the URL form `sftp://user@host:port//path`.
            if rest.hasPrefix("//") {
                self = Self.authorityHost(String(rest.dropFirst(2))).flatMap(Self.named) ?? .elsewhere(repository)
            } else {
                self = Self.scpHost(rest).flatMap(Self.named) ?? .elsewhere(repository)
            }
        case "rest", "s3":
            // `rest:https://user:pw@host:8000/`, `s3:https://minio.xa.vn/bucket`, `s3:s3.amazonaws.com/bucket`.
            if let scheme = rest.firstRange(of: "://") {
                self = Self.authorityHost(String(rest[scheme.upperBound...])).flatMap(Self.named) ?? .elsewhere(repository)
            } else {
                let host = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
                self = Self.named(host) ?? .elsewhere(repository)
            }
        default:
            // A Windows-style `C:\…` is not a Linux path; b2, azure, gs, swift, rclone are services.
            self = .elsewhere(scheme)
        }
    }

    /// `BORG_REPO` as borg 1.2 reads it: `ssh://user@host:port/path`, the scp form `user@host:path`, or a
    /// path (`/srv/borg`, `file:///srv/borg`).
    public init(borg repository: String) {
        if repository.hasPrefix("ssh://") {
            self = Self.authorityHost(String(repository.dropFirst(6))).flatMap(Self.named) ?? .elsewhere(repository)
        } else if repository.hasPrefix("/") || repository.hasPrefix("file://") || !repository.contains(":") {
            self = .local
        } else {
            self = Self.scpHost(repository).flatMap(Self.named) ?? .elsewhere(repository)
        }
    }

    /// The host of the scp form `[user@]host:path` or `[user@][v6]:path`. A user is what stands before an
    /// `@` that comes before the first colon (a path may hold `@`).
    static func scpHost(_ text: String) -> String? {
        let at = text.firstIndex(of: "@"), firstColon = text.firstIndex(of: ":")
        let afterUser = at.map { at in firstColon.map { at < $0 } ?? true ? String(text[text.index(after: at)...]) : text } ?? text
        if afterUser.hasPrefix("[") {
            return afterUser.firstIndex(of: "]").map { String(afterUser[afterUser.index(after: afterUser.startIndex)..<$0]) }
        }
        return afterUser.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
    }

    /// A server named by a host name or an address (letters, digits, `.`, `-`, `:` of IPv6); nil otherwise.
    static func named(_ host: String) -> BackupRepositoryLocation? {
        guard !host.isEmpty, host.count <= 253, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }) else { return nil }
        return .server(host)
    }

    /// The host of `user:pw@host:port/path` (brackets around an IPv6 address taken off).
    static func authorityHost(_ text: String) -> String? {
        let authority = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? authority
        if hostPort.hasPrefix("[") {
            return hostPort.firstIndex(of: "]").map { String(hostPort[hostPort.index(after: hostPort.startIndex)..<$0]) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let host = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return host.isEmpty ? nil : host
    }
}
