import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess
import HostProbes

/// Bước 3 while Bước 1 still holds (Điều 11 khoản 2 điểm a): the PC is isolated and its backup is on a
/// server of the unit (restic over sftp, REST or S3; borg over ssh). The server's addresses join the isolation
/// table's restore sets for as long as the copy is read, each with a kernel timeout, so a restore
/// killed half-way does not leave the way open; they are taken out again as soon as the copy is
/// staged. The table's file is never changed: a reboot keeps the isolation whole.
public struct BackupPassage: Sendable {
    /// The server as the repository names it, and the addresses opened.
    public let server: String
    public let addresses: [String]
    /// At most as long as restic may take to check and stage (``BackupSource``'s limit).
    public static let seconds = 6 * 3600

    /// Opens the way to the repository's server when the PC is isolated now; nil when nothing needs
    /// opening (not this machine's kernel, not isolated, a repository on a local disk).
    public static func open(host: HostRoot, envFile: String?) throws -> BackupPassage? {
        let isolation = Isolation(host: host)
        guard host.exists(IsolationPlan.rulesPath), isolation.tableLoaded() == true,
              let location = try location(host: host, envFile: envFile) else { return nil }
        switch location {
        case .local:
            return nil
        case .elsewhere(let service):
            throw BackupSource.Refused("máy đang bị cách ly và kho sao lưu ở \(service) (dịch vụ ngoài, không biết trước địa chỉ): khôi phục từ bản sao trên ổ rời, hoặc gỡ cách ly trước (attt incident release) — the repository's addresses cannot be known while isolated")
        case .server(let name):
            let addresses: [String]
            do {
                addresses = IPAddress(name) != nil ? [name] : try Isolation.resolve(name, what: "máy chủ sao lưu")
            } catch let failure as Isolation.Failure {
                throw BackupSource.Refused("\(failure): khi cách ly, DNS bị chặn — ghi địa chỉ của \(name) vào /etc/hosts, hoặc dùng địa chỉ IP trong RESTIC_REPOSITORY")
            }
            let parsed = addresses.compactMap { IPAddress($0) }
            for arguments in IsolationRules.openRestore(parsed, seconds: seconds) {
                let (status, output) = try Subprocess.run(["nft"] + arguments, environment: ["LC_ALL": "C"], timeout: 30, maxOutput: 1 << 20)
                guard status == 0 else {
                    close()
                    throw BackupSource.Refused("không mở được đường tới máy chủ sao lưu \(name) qua bảng cách ly: \(String(decoding: output, as: UTF8.self).trimmed)")
                }
            }
            return BackupPassage(server: name, addresses: parsed.map(\.description))
        }
    }

    /// Empties the restore sets (also what the kernel does when their time is up).
    public static func close() {
        for arguments in IsolationRules.closeRestore {
            _ = try? Subprocess.run(["nft"] + arguments, environment: ["LC_ALL": "C"], timeout: 30, maxOutput: 1 << 20)
        }
    }

    /// For the incident's record.
    public var note: String {
        "Máy đang cách ly: mở tạm đường tới máy chủ sao lưu \(server) (\(addresses.joined(separator: ", "))) trong lúc đọc bản sao lưu, đóng lại sau đó."
    }

    /// Where the repository the restore will read is (`RESTIC_REPOSITORY`, `BORG_REPO`, else the record's
    /// target); nil without a record, an env file, or a tool that keeps a repository.
    static func location(host: HostRoot, envFile: String?) throws -> BackupRepositoryLocation? {
        guard let status = try BackupStatusFile.read(host), let envFile else { return nil }
        let target = status.record.target
        switch status.record.tool {
        case "restic":
            let values = try? BackupSource.environmentFile(host: host, envFile: envFile, keys: ["RESTIC_REPOSITORY"])
            return BackupRepositoryLocation(restic: values?["RESTIC_REPOSITORY"] ?? target)
        case "borg":
            let values = try? BackupSource.environmentFile(host: host, envFile: envFile, keys: ["BORG_REPO"])
            return BackupRepositoryLocation(borg: values?["BORG_REPO"] ?? target)
        default:
            return nil
        }
    }
}
