import Foundation
import ZIPFoundation

/// A ZIP archive written in memory through ZIPFoundation, entries in the order given. ZIPFoundation
/// writes each local header with its final sizes and CRC (no data descriptor) and no extra field for
/// files under 4 GiB: what ODF 1.3 part 2 §3.3 asks of `mimetype`, which must be stored first and
/// uncompressed so that `file(1)` and office suites recognise the package from its first bytes.
enum ZipPackage {
    struct Entry {
        var name: String
        var data: Data
        var compressed: Bool
    }

    static func archive(_ entries: [Entry], modified: Date, for format: DocumentFormat) throws -> Data {
        let archive: Archive
        do {
            archive = try Archive(data: Data(), accessMode: .create)
        } catch {
            throw DocumentError.failed(format, why: "không tạo được tệp ZIP trong bộ nhớ (\(error))")
        }
        for entry in entries {
            let data = Data(entry.data)
            try archive.addEntry(
                with: entry.name, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                compressionMethod: entry.compressed ? .deflate : .none
            ) { position, size in
                let start = Int(position)
                return data.subdata(in: start..<min(start + size, data.count))
            }
        }
        guard let data = archive.data else { throw DocumentError.failed(format, why: "tệp ZIP trong bộ nhớ không có dữ liệu") }
        return data
    }
}
