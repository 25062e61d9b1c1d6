import CollectorSnapshots
import CollectorStore
import DurableFiles
import Foundation
import Glibc
import HardeningCore
import HTTPTypes
import Hummingbird
import Synchronization

/// The inspection snapshot as a download (issue 14 point 4): `GET /units/{unit}/snapshot?at=YYYY-MM-DD`,
/// for the unit's IT officers, the supervisors and the inspectors, who need it most (Điều 13 khoản 2
/// điểm đ, khoản 7). Built in a temporary file under the state directory with a size bound, its
/// SHA-256 written to the audit log, then streamed and gone: the collector keeps no copy.
extension OfficePages {
    /// One snapshot at a time per officer, and at most two at once: each reads a whole unit.
    static let snapshotsRunning = Mutex<Set<String>>([])
    static let snapshotsAtOnce = 2

    func addSnapshot(to pages: RouterGroup<CollectorContext>) {
        pages.get("/units/:unit/snapshot") { request, context -> Response in
            let unit = try OfficeRoutes.unitName(context.parameters.get("unit") ?? "")
            // A unit this officer may not read is answered like one that does not exist.
            guard context.access.canRead(unit: unit) else {
                throw HTTPError(.notFound, message: "Không có đơn vị «\(unit)» trong các đơn vị bạn được xem. — No unit \(unit) among the units you may read.")
            }
            let now = Date()
            let day = try OfficeRoutes.day(request, "at") ?? OfficeDay(containing: now)
            let officer = context.officer ?? ""
            guard Self.snapshotsRunning.withLock({ running in
                guard running.count < Self.snapshotsAtOnce, !running.contains(officer) else { return false }
                running.insert(officer)
                return true
            }) else {
                throw HTTPError(.tooManyRequests, message: "Đang lập một bản chụp khác; hãy thử lại sau ít phút. — Another snapshot is being made; try again in a few minutes.")
            }
            defer { _ = Self.snapshotsRunning.withLock { $0.remove(officer) } }
            let asked = InspectionSnapshot.Request(unit: unit, day: day, takenBy: ActingOfficer(name: officer, access: context.access), now: now,
                                                     silentAfter: routes.settings.silentAfter, reportBodyRetention: routes.settings.reportBodyRetention, channel: "web")
            let folder = routes.settings.stateDirectory + "/snapshots"
            let file = try await routes.database.run { () throws -> SnapshotDownload in
                do {
                    let directory = try OpenDirectory.open(folder, create: 0o700)
                    let name = "web-" + UUID().uuidString + ".zip"
                    let receipt = try InspectionSnapshot(store: routes.store).write(asked, to: directory.path(of: name), replace: false, maxBytes: InspectionSnapshot.maxBytesWeb)
                    return try SnapshotDownload(directory: directory, name: name, bytes: receipt.bytes, sha256: receipt.sha256)
                } catch let problem as SnapshotProblem {
                    switch problem.kind {
                    case .unknownUnit: throw HTTPError(.notFound, message: problem.message)
                    case .futureDay: throw HTTPError(.badRequest, message: problem.message)
                    case .tooLarge: throw HTTPError(.contentTooLarge, message: problem.message)
                    case .outputExists, .output: throw HTTPError(.internalServerError, message: problem.message)
                    }
                }
            }
            var headers = Attachment.headers(name: "attt-snapshot-\(day).zip", mediaType: "application/zip")
            headers[HTTPField.Name("X-Snapshot-SHA256")!] = file.sha256
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(file.bytes)) { writer in
                while let slice = try file.next() {
                    try await writer.write(ByteBuffer(bytes: slice))
                }
                try await writer.finish(nil)
            })
        }
    }
}

/// The built archive, already unlinked: only this descriptor holds it, so nothing is left behind
/// whether the download ends, fails or the client goes away.
final class SnapshotDownload: Sendable {
    let fd: Int32
    let bytes: Int64
    let sha256: String

    init(directory: OpenDirectory, name: String, bytes: Int64, sha256: String) throws {
        fd = openat(directory.descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        let code = errno
        unlinkat(directory.descriptor, name, 0)
        guard fd >= 0 else { throw HTTPError(.internalServerError, message: "the snapshot could not be reopened: \(String(cString: strerror(code)))") }
        self.bytes = bytes
        self.sha256 = sha256
    }

    deinit { close(fd) }

    /// The next 256 KiB, or nil at the end.
    func next() throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw HTTPError(.internalServerError, message: "reading the snapshot failed") }
            return n == 0 ? nil : Array(buffer[..<n])
        }
    }
}

extension PageFrame {
    /// On the unit page: a day to choose and the download (a plain GET form, no script).
    func snapshotForm(unit: String) -> String {
        let today = OfficeDay(containing: Date()).description
        return """
            <h2>\(say("Bản chụp phục vụ kiểm tra", "Inspection snapshot"))</h2>
            <form method="get" action="\(e(Self.unitLink(unit) + "/snapshot"))" class="snapshot">
            <label>\(say("Trạng thái tại cuối ngày", "State at the end of")) <input type="date" name="at" value="\(today)" max="\(today)" required></label>
            <button>\(say("Tải bản chụp (ZIP)", "Download the snapshot (ZIP)"))</button>
            <p class="muted">\(say("Báo cáo như máy gửi, miễn trừ, xác nhận kèm văn bản, tổng SHA-256; mã SHA-256 của tệp được ghi vào nhật ký thao tác.",
                                   "Reports as sent, waivers, attestations with their documents, SHA-256 sums; the file's SHA-256 is kept in the audit log."))</p>
            </form>
            """
    }
}
