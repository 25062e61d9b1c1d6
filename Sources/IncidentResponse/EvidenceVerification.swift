public import CollectorAPI
import Crypto
public import FoundationEssentials
import Glibc
import HardeningCore
import SwiftASN1
import X509

/// `attt incident verify DIR`: checks a collection as anyone holding the disk can, without root and
/// without the PC: the manifest's signature with the certificate beside it, the digests of
/// `SHA256SUMS` and `files.jsonl` against the manifest, every file against `SHA256SUMS`, the two
/// listings against each other, and that no file is on the disk that neither lists.
public struct EvidenceVerification {
    public struct Report: Sendable {
        public var manifest: EvidenceManifest?
        /// `nil`: unsigned; true/false: the signature checked.
        public var signatureValid: Bool?
        /// SHA-256 of `manifest.json` as it is on the disk: the collector keeps the same digest of what the
        /// PC sent (the incident page shows it), which anchors a collection whatever key signed it.
        public var manifestSHA256: String?
        /// The certificate's subject, for the officer to compare with the PC.
        public var signer: String?
        /// `host.pem` was issued by the authority given (the collector's CA) and was valid when the
        /// collection began; nil when no authority was given or nothing is signed.
        public var issuedByAuthority: Bool?
        public var filesChecked: Int
        public var bytesChecked: Int64
        /// Each problem names the file and what is wrong; empty when the collection is intact.
        public var problems: [String]

        public var ok: Bool { problems.isEmpty && signatureValid != false }
    }

    public let path: String
    /// The collector's CA certificate (PEM): without it, the signature proves only that the key beside
    /// the files signed them; with it, that the key is the one the collector enrolled.
    public let authority: String?

    public init(path: String, authority: String? = nil) {
        self.path = path
        self.authority = authority
    }

    public func run() -> Report {
        let directory = CollectionDirectory(path: path)
        var report = Report(manifest: nil, signatureValid: nil, manifestSHA256: nil, signer: nil, issuedByAuthority: nil, filesChecked: 0, bytesChecked: 0, problems: [])
        guard let bytes = directory.read("manifest.json", limit: EvidenceManifest.maxBytes + 1), bytes.count <= EvidenceManifest.maxBytes else {
            report.problems.append("manifest.json: không có hoặc lớn hơn \(EvidenceManifest.maxBytes) byte — đây không phải một bộ chứng cứ hoàn chỉnh của attt")
            return report
        }
        guard let manifest = try? JSONDecoder().decode(EvidenceManifest.self, from: bytes), manifest.schema == EvidenceManifest.schemaName else {
            report.problems.append("manifest.json: không đọc được (không phải \(EvidenceManifest.schemaName))")
            return report
        }
        report.manifest = manifest
        report.manifestSHA256 = FileDigest.hex(SHA256.hash(data: bytes))

        // The signature, over the exact bytes.
        if let signature = directory.read("manifest.json.sig", limit: 1024) {
            guard let pem = directory.read("host.pem", limit: 64 << 10), let certificate = try? Certificate(pemEncoded: String(decoding: pem, as: UTF8.self)),
                  let key = P256.Signing.PublicKey(certificate.publicKey) else {
                report.signatureValid = false
                report.problems.append("host.pem: không có hoặc không phải chứng thư P-256 — không kiểm tra được chữ ký")
                return report
            }
            report.signer = certificate.subject.description
            let valid = (try? P256.Signing.ECDSASignature(derRepresentation: signature)).map { key.isValidSignature($0, for: bytes) } ?? false
            report.signatureValid = valid
            if !valid { report.problems.append("manifest.json.sig: chữ ký KHÔNG hợp lệ — manifest.json đã bị sửa, hoặc chữ ký không phải của máy này") }
            if let authority {
                report.issuedByAuthority = Self.issued(certificate, by: authority, at: manifest.startedAt)
                if report.issuedByAuthority == false {
                    report.problems.append("host.pem: chứng thư không do máy chủ thu thập này cấp, hoặc đã hết hạn lúc thu thập (\(manifest.startedAt)) — the certificate is not one this collector's CA issued")
                }
            }
        }

        // The two listings, against the manifest.
        for digest in [manifest.sums, manifest.files] {
            guard let got = hash(directory.path + "/" + digest.name) else {
                report.problems.append("\(digest.name): không có")
                continue
            }
            if got.sha256 != digest.sha256 || got.size != digest.size {
                report.problems.append("\(digest.name): khác với bản kê (SHA-256 \(got.sha256), kê \(digest.sha256))")
            }
        }
        let sums = Self.parseSums(directory.read(manifest.sums.name, limit: 1 << 30) ?? Data())
        var listed: [String: EvidenceFile] = [:]
        for line in (directory.read(manifest.files.name, limit: 1 << 30) ?? Data()).split(separator: 0x0A) {
            guard let file = try? JSONDecoder().decode(EvidenceFile.self, from: Data(line)) else {
                report.problems.append("\(manifest.files.name): có dòng không đọc được")
                continue
            }
            listed[file.name] = file
        }
        for live in manifest.live where sums[live.name] != live.sha256 {
            report.problems.append("\(live.name): mã trong SHA256SUMS khác với bản kê")
        }

        // Every file, in SHA256SUMS order.
        for (name, expected) in sums.sorted(by: { $0.key < $1.key }) {
            guard !name.contains(".."), !name.hasPrefix("/") else {
                report.problems.append("SHA256SUMS: tên tệp \(name) trỏ ra ngoài thư mục")
                continue
            }
            if listed[name]?.sha256 != expected { report.problems.append("\(name): files.jsonl và SHA256SUMS không khớp") }
            guard let got = hash(directory.path + "/" + name) else {
                report.problems.append("\(name): thiếu tệp")
                continue
            }
            report.filesChecked += 1
            report.bytesChecked += got.size
            if got.sha256 != expected { report.problems.append("\(name): nội dung đã bị thay đổi (SHA-256 \(got.sha256), kê \(expected))") }
        }
        for name in listed.keys where sums[name] == nil { report.problems.append("\(name): có trong files.jsonl nhưng không có trong SHA256SUMS") }
        let known: Set<String> = ["manifest.json", "manifest.json.sig", "host.pem", "README.txt", "collection.json", "progress.jsonl", "skipped.jsonl", manifest.sums.name, manifest.files.name]
        for name in Self.files(under: path) where !known.contains(name) && sums[name] == nil {
            report.problems.append("\(name): có trên đĩa nhưng không có trong bản kê")
        }
        return report
    }

    /// `sha256sum` lines: `HEX  NAME` (or `HEX *NAME`, binary mode).
    /// One level, as the collector issues: the CA's name is the certificate's issuer, the CA's key signed
    /// it, and both were valid when the collection began (a certificate renewed since is still the PC's).
    static func issued(_ certificate: Certificate, by authorityPEM: String, at started: String) -> Bool {
        guard let ca = try? Certificate(pemEncoded: authorityPEM), let when = Timestamp.parse(started) else { return false }
        return certificate.issuer == ca.subject && ca.publicKey.isValidSignature(certificate.signature, for: certificate)
            && [certificate, ca].allSatisfy { $0.notValidBefore <= when && when <= $0.notValidAfter }
    }

    static func parseSums(_ data: Data) -> [String: String] {
        var sums: [String: String] = [:]
        for line in data.split(separator: 0x0A) {
            let text = String(decoding: line, as: UTF8.self)
            guard text.count > 66 else { continue }
            let hex = String(text.prefix(64))
            let rest = text.dropFirst(64)
            guard rest.hasPrefix("  ") || rest.hasPrefix(" *") else { continue }
            sums[String(rest.dropFirst(2))] = hex.lowercased()
        }
        return sums
    }

    /// SHA-256 and size of a file, streamed in 1 MiB pieces; nil when it cannot be opened as a regular file.
    func hash(_ file: String) -> (size: Int64, sha256: String)? {
        let fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let digest = try? FileDigest.sha256(of: fd) else { return nil }
        return (digest.size, digest.hex)
    }

    /// Relative names of the regular files and other non-directories under the collection (bounded).
    static func files(under root: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String, depth: Int) {
            guard depth < 40, found.count < 2_000_000, let handle = opendir(relative.isEmpty ? root : root + "/" + relative) else { return }
            var entries: [(String, UInt8)] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { entries.append((name, entry.pointee.d_type)) }
            }
            closedir(handle)
            for (name, type) in entries {
                let path = relative.isEmpty ? name : relative + "/" + name
                if type == UInt8(DT_DIR) { walk(path, depth: depth + 1) } else { found.append(path) }
            }
        }
        walk("", depth: 0)
        return found
    }
}
