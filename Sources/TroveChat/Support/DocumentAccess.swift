import Foundation
import Synchronization
import TroveJSON
import TroveStorage

/// Typed reads of stored record fields.
extension Document {
    func string(_ name: String) -> String? { if case let .string(s)? = self[name] { return s }; return nil }
    func int(_ name: String) -> Int? {
        switch self[name] {
        case let .int(v)?: return Int(v)
        case let .double(d)?: return Int(d)
        default: return nil
        }
    }
    func double(_ name: String) -> Double? {
        switch self[name] {
        case let .double(d)?: return d
        case let .int(v)?: return Double(v)
        default: return nil
        }
    }
    func bool(_ name: String) -> Bool? { if case let .bool(b)? = self[name] { return b }; return nil }
    func timestamp(_ name: String) -> Int64 {
        switch self[name] {
        case let .timestamp(t)?, let .int(t)?: return t
        default: return 0
        }
    }
    func json(_ name: String) -> JSONValue? { if case let .json(j)? = self[name] { return j }; return nil }
}

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
