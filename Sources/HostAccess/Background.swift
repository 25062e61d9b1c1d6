import Dispatch

/// Work (a probe) run on another thread while the caller goes on; `value` waits for it. Probes only read
/// files through a ``HostRoot`` (a value), so two running at once share nothing.
package final class Background<Value: Sendable>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting on it.
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = work()
            self.done.signal()
        }
    }

    /// The probe's result, once it has finished.
    package var value: Value {
        done.wait()
        defer { done.signal() }  // so that asking again does not wait forever
        return result!
    }
}
