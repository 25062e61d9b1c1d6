import ArgumentParser

/// `attt incident …`: the IT officer's emergency steps of Điều 11 khoản 2 điểm a (isolate the PC,
/// copy its logs and data with a signed manifest, restore it from the latest backup), each kept for
/// the incident's record at the collector, and the users' way to report a suspected incident
/// (Điều 11 khoản 1 điểm a).
struct Incident: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ứng cứu sự cố (Điều 11) — incident response: report, isolate, collect evidence, restore.",
        // One list, so each step's command is added here beside the others.
        subcommands: [
            IncidentReport.self, IncidentReceive.self,
            IncidentIsolate.self, IncidentRelease.self, IncidentStatus.self,
            IncidentCollect.self, IncidentVerify.self,
            IncidentRestore.self, IncidentPurgeKept.self,
        ]
    )
}
