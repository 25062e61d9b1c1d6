import HardeningCore
import HostAccess

extension Probed {
    /// Runs a probe, turning a read failure into a `failed` fact with the reason.
    static func collect(_ body: () throws -> Value) -> Probed<Value> {
        do {
            return .collected(try body())
        } catch let error as ProbeError {
            return .failed(error.description)
        } catch {
            return .failed("\(error)")
        }
    }
}
