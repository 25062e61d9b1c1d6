import Glibc

/// The system calls whose failure decides whether a write is durable. Tests replace one to show that
/// its failure surfaces as an error instead of a write that only looks done.
package struct SystemCalls: Sendable {
    package var fsync: @Sendable (Int32) -> Int32
    package var close: @Sendable (Int32) -> Int32
    /// `renameat` within one directory: (directory descriptor, staged name, final name).
    package var renameat: @Sendable (Int32, String, String) -> Int32

    package static let live = SystemCalls(
        fsync: { Glibc.fsync($0) },
        close: { Glibc.close($0) },
        renameat: { Glibc.renameat($0, $1, $0, $2) }
    )

    package init(fsync: @escaping @Sendable (Int32) -> Int32, close: @escaping @Sendable (Int32) -> Int32, renameat: @escaping @Sendable (Int32, String, String) -> Int32) {
        self.fsync = fsync
        self.close = close
        self.renameat = renameat
    }
}
