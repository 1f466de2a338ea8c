import Synchronization

/// Generates document ids for documents imported without one: 20 characters of
/// Crockford base32, a 48-bit millisecond time then a 52-bit random-start counter, so
/// ids sort roughly by creation time and do not collide between processes in practice.
public final class IDGenerator: Sendable {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private let counter: Atomic<UInt64>

    public init() {
        var rng = SystemRandomNumberGenerator()
        counter = Atomic(rng.next() & ((1 << 52) - 1))
    }

    public func next() -> String {
        let millis = UInt64(clock_gettime_ms())
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue & ((1 << 52) - 1)
        var chars = [UInt8](repeating: 0, count: 20)
        var high = millis & ((1 << 48) - 1)
        for i in stride(from: 9, through: 0, by: -1) {
            chars[i] = Self.alphabet[Int(high & 31)]
            high >>= 5
        }
        var low = n
        for i in stride(from: 19, through: 10, by: -1) {
            chars[i] = Self.alphabet[Int(low & 31)]
            low >>= 5
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif

private func clock_gettime_ms() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}
