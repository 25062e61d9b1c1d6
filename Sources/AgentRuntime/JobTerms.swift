public import CollectorAPI
public import FoundationEssentials
import HardeningCore

/// What the agent checks before applying a job the collector sent (issue 12, point 7: the collector
/// may be compromised, or a job may have waited for a PC that was off): an approval is applied only
/// before it expires, by this host's clock.
public enum JobTerms {
    /// Why the job must not be applied now; nil when it may be.
    public static func refusal(_ job: ApprovedJob, now: Date) -> String? {
        guard let expires = Timestamp.parse(job.expiresAt) else {
            return "not applied: the approval has no valid expiry (\(job.expiresAt.prefix(40))); approve it again at the collector"
        }
        guard now < expires else {
            return "not applied: the approval expired at \(Timestamp(expires)) (this host's clock says \(Timestamp(now))); approve it again at the collector"
        }
        return nil
    }
}
