import Foundation
import Synchronization
import TroveJSON

/// Time in the records: microseconds since 1970, strictly increasing within the process
/// so that two records written in the same microsecond keep their order.
enum RecordClock {
    private static let last = LastStamp()

    static func now() -> Int64 { last.next(Int64(Date().timeIntervalSince1970 * 1_000_000)) }

    static func rfc3339(_ micros: Int64) -> String { Timestamp.rfc3339(microseconds: micros) }
}


private final class LastStamp: Sendable {
    private let value = Mutex<Int64>(0)

    func next(_ wall: Int64) -> Int64 {
        value.withLock { last in
            last = max(last + 1, wall)
            return last
        }
    }
}
