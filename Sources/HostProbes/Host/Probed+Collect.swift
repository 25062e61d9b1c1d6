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

    /// The collected value, or the reason it is missing thrown again: a probe that judges by another
    /// probe's facts (backup timers by the units enabled at boot) then fails with the same path and
    /// reason, instead of going on as if the list were empty.
    func collectedValue() throws(UncollectedFacts) -> Value {
        switch self {
        case .collected(let value): return value
        case .failed(let reason), .unavailable(let reason): throw UncollectedFacts(description: reason)
        }
    }
}

/// Facts another probe could not collect; the description is its reason (path and why), unchanged.
struct UncollectedFacts: Error, CustomStringConvertible {
    let description: String
}
