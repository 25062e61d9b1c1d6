import AgentRuntime
public import CollectorAPI
import Crypto
import Glibc
public import FoundationEssentials
public import HostAccess

/// Signs a collection's `manifest.json` with the PC's enrollment key (`/var/lib/attt/identity/host.key`,
/// P-256): ECDSA P-256 / SHA-256 over the file's bytes, DER in `manifest.json.sig`, the host's
/// certificate beside it as `host.pem`, and a Vietnamese `README.txt` saying how anyone checks it with
/// openssl and sha256sum. The manifest commits to every copied file through the digests of
/// `SHA256SUMS` and `files.jsonl`, so this one signature covers the whole collection.
///
/// A PC that never enrolled has no key the collector knows: the manifest is written unsigned and the
/// README says so. The signature proves which PC wrote the manifest, not that its logs are true.
public struct ManifestSigner {
    public let host: HostRoot

    public init(host: HostRoot) {
        self.host = host
    }

    public struct Signed: Sendable {
        public var manifest: Data
        public var signature: Data?
        public var certificatePEM: String?
    }

    /// The manifest's bytes: sorted keys, so the same manifest is the same file.
    public static func encode(_ manifest: EvidenceManifest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(manifest) + Data([0x0A])
    }

    /// Signs `bytes` with a PEM P-256 key (SEC 1 or PKCS #8, as `Certificate.PrivateKey` writes it); DER out.
    public static func sign(_ bytes: Data, keyPEM: String) throws -> Data {
        try P256.Signing.PrivateKey(pemRepresentation: keyPEM).signature(for: bytes).derRepresentation
    }

    func write(_ manifest: EvidenceManifest, into directory: CollectionDirectory) throws -> Signed {
        let bytes = try Self.encode(manifest)
        let identity = (try? AgentIdentity.load(host: host)) ?? nil
        var signature: Data?
        if let identity { signature = try Self.sign(bytes, keyPEM: identity.keyPEM) }
        // The signature and certificate first, the manifest last: a manifest.json on the disk always
        // has its signature beside it.
        for stale in ["manifest.json", "manifest.json.sig", "host.pem"] { unlink(directory.path + "/" + stale) }
        if let signature, let identity {
            _ = try directory.write(signature, name: "manifest.json.sig")
            _ = try directory.write(Data(identity.certificatePEM.utf8), name: "host.pem")
        }
        _ = try directory.write(Data(Self.readme(manifest, signed: signature != nil).utf8), name: "README.txt")
        _ = try directory.write(bytes, name: "manifest.json")
        return Signed(manifest: bytes, signature: signature, certificatePEM: identity?.certificatePEM)
    }

    static func readme(_ manifest: EvidenceManifest, signed: Bool) -> String {
        var text = """
            BỘ CHỨNG CỨ SỰ CỐ AN TOÀN THÔNG TIN
            (Điều 11 khoản 2 điểm a, Bước 2: sao chép các tệp nhật ký, dữ liệu ra thiết bị lưu trữ)

            Máy: \(manifest.host.hostname)\(manifest.host.id.map { " (mã máy \($0))" } ?? "")
            Sự cố: \(manifest.incident?.uuidString ?? "chưa ghi nhận")
            Mã bộ chứng cứ: \(manifest.id.uuidString)
            Cán bộ thu thập: \(manifest.officer)
            Bắt đầu: \(manifest.startedAt)   Kết thúc: \(manifest.finishedAt ?? "-")   (theo đồng hồ của máy)
            Đầy đủ: \(manifest.complete ? "có" : "KHÔNG — xem skipped.jsonl; chạy lại lệnh để tiếp tục")

            Các tệp:
              manifest.json       bản kê, có mã SHA-256 của SHA256SUMS và files.jsonl
              manifest.json.sig   chữ ký số của manifest.json (ECDSA P-256, SHA-256, dạng DER)
              host.pem            chứng thư của máy do máy chủ thu thập cấp
              SHA256SUMS          mã SHA-256 của từng tệp đã sao chép
              files.jsonl         mỗi dòng một tệp: đường dẫn gốc, quyền, chủ sở hữu, thời điểm sửa
              skipped.jsonl       những gì không sao chép và lý do
              live/ data/ journal/  trạng thái đang chạy, các tệp, nhật ký journal theo lần khởi động

            Cách kiểm tra (trên máy Linux bất kỳ, trong thư mục này):

            """
        if signed {
            text += """
                  1. Chữ ký:
                     openssl x509 -in host.pem -pubkey -noout > host-pubkey.pem
                     openssl dgst -sha256 -verify host-pubkey.pem -signature manifest.json.sig manifest.json
                     → phải in "Verified OK". Đối chiếu chứng thư host.pem với CA của máy chủ thu thập:
                     openssl verify -CAfile ca.pem host.pem

                """
        } else {
            text += """
                  1. Chữ ký: KHÔNG CÓ. Máy này chưa đăng ký với máy chủ thu thập (attt enroll), nên bản kê
                     không được ký. Hãy ghi mã SHA-256 của manifest.json vào biên bản ngay:
                     sha256sum manifest.json

                """
        }
        text += """
              2. Các tệp:
                 sha256sum -c SHA256SUMS          → mọi dòng phải là "OK"
                 sha256sum SHA256SUMS files.jsonl → phải trùng với "sums" và "files" trong manifest.json
              3. Hoặc, trên máy có attt: attt incident verify <thư mục này>

            Chữ ký chứng minh bản kê do máy này lập ra; nó không chứng minh nhật ký của một máy đã bị
            xâm nhập là đúng sự thật. Thời điểm máy chủ thu thập nhận bản kê mới là mốc tin cậy.

            """
        return text
    }
}
