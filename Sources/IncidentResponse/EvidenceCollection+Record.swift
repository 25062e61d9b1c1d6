import AgentRuntime
public import CollectorAPI
import DurableFiles
public import FoundationEssentials
import HardeningCore
import HostAccess

extension EvidenceCollection.Outcome {
    /// The collection in the incident's record, after the copy (so nothing the collection read was
    /// changed before it was read): a `collect` step, a copy of the manifest under
    /// `incidents/<id>/evidence-<manifest>.json`, and the signed manifest queued for the collector
    /// (`attt run` sends both). On the system disk this is all a collection writes.
    public func record(in log: IncidentLog, actor: String, source: IncidentStepMessage.Source, at now: Date = Date()) throws -> IncidentStepMessage {
        let incident = try log.incident(named: manifest.incident)
        let directory = try log.host.directory(IncidentLog.path + "/" + incident.uuidString, create: 0o700)
        try directory.write(manifestBytes, name: "evidence-\(manifest.id.uuidString).json", mode: 0o600)
        let upload = EvidenceManifestUpload(
            id: manifest.id, incident: incident, manifest: manifestBytes.base64EncodedString(),
            signature: signature?.base64EncodedString(), certificate: certificatePEM,
            sums: sums.count <= EvidenceManifestUpload.maxSums ? String(decoding: sums, as: UTF8.self) : nil)
        try log.outbox.enqueue(.manifest(upload), now: now)
        var detail = "Sao chép \(copied) tệp (\(bytes >> 20) MiB) ra \(manifest.destination.path)"
        if let device = manifest.destination.device { detail += " (ổ \(device)\(manifest.destination.model.map { ", \($0)" } ?? ""))" }
        detail += manifest.complete ? "; đầy đủ" : "; CHƯA ĐẦY ĐỦ: còn \(leftForRoom) tệp, \(leftBytes) byte"
        detail += signature == nil ? "; bản kê không ký (máy chưa đăng ký)" : "; bản kê đã ký bằng khoá của máy"
        let step = IncidentStepMessage(incident: incident, kind: .collect, at: Timestamp.format(now), actor: actor, source: source,
                                       // An incomplete copy is not the evidence Bước 3 waits for: restore stays refused.
                                       outcome: manifest.complete ? .done : .failed, manifest: manifest.id, detail: detail)
        try log.record(step)
        return step
    }
}
