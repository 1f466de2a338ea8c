import TroveStorage

/// A numeric or timestamp field stored column-wise for range filters and sorting: one
/// little-endian i64 per document ordinal (doubles as their IEEE bits mapped to a
/// sortable integer), and a presence bitmap. Section `NCnn`:
///
///     u32 docs, u32 kind (0 int64, 1 double), docs × i64, ⌈docs/64⌉ × u64 presence
/// Borrows its bytes from a mapped segment, which `owner` keeps alive.
public struct NumericColumn: @unchecked Sendable {
    public enum Kind: UInt32, Sendable { case int64 = 0, double = 1 }

    let kind: Kind
    let docs: Int
    private let values: UnsafeRawBufferPointer
    private let presence: UnsafeRawBufferPointer
    private let owner: AnyObject?

    /// Doubles map to integers that sort the same way (so one range test serves both).
    public static func sortable(_ d: Double) -> Int64 {
        let bits = Int64(bitPattern: d.bitPattern)
        return bits < 0 ? bits ^ Int64.max : bits
    }

    /// The inverse of `sortable(_:)`.
    public static func double(fromSortable s: Int64) -> Double {
        Double(bitPattern: UInt64(bitPattern: s < 0 ? s ^ Int64.max : s))
    }

    /// Whether values are doubles (stored through `sortable(_:)`).
    public var holdsDoubles: Bool { kind == .double }

    static func encode(kind: Kind, values: [Int64?]) -> [UInt8] {
        var w = ByteWriter(capacity: 8 + values.count * 8 + (values.count + 63) / 64 * 8)
        w.u32(UInt32(values.count))
        w.u32(kind.rawValue)
        for v in values { w.u64(UInt64(bitPattern: v ?? 0)) }
        var words = [UInt64](repeating: 0, count: (values.count + 63) / 64)
        for (i, v) in values.enumerated() where v != nil { words[i >> 6] |= 1 << UInt64(i & 63) }
        for word in words { w.u64(word) }
        return w.bytes
    }

    init(section: UnsafeRawBufferPointer, owner: AnyObject?) throws {
        var r = ByteReader(section)
        docs = Int(try r.u32())
        guard let k = Kind(rawValue: try r.u32()) else { throw DecodeError(offset: 4, reason: "unknown column kind") }
        kind = k
        let valueBytes = docs * 8, presenceBytes = (docs + 63) / 64 * 8
        guard section.count == 8 + valueBytes + presenceBytes else { throw DecodeError(offset: 0, reason: "column size disagrees with its count") }
        values = UnsafeRawBufferPointer(rebasing: section[8..<(8 + valueBytes)])
        presence = UnsafeRawBufferPointer(rebasing: section[(8 + valueBytes)...])
        self.owner = owner
    }

    /// The value of document `ordinal`, or nil when it has none.
    @inline(__always)
    public func value(_ ordinal: Int) -> Int64? {
        guard ordinal < docs else { return nil }
        let word = UInt64(littleEndian: presence.loadUnaligned(fromByteOffset: (ordinal >> 6) * 8, as: UInt64.self))
        guard word & (1 << UInt64(ordinal & 63)) != 0 else { return nil }
        return Int64(littleEndian: values.loadUnaligned(fromByteOffset: ordinal * 8, as: Int64.self))
    }
}
