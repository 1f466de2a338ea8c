import Foundation
import TroveStorage

/// Edits a segment file and then rewrites every checksum over what changed: the file stays
/// valid by CRC and becomes wrong in its values, so the checks behind the checksums are
/// what a test exercises (docs/FORMAT.md, "Segment files").
public enum SegmentSurgery {
    public enum Failure: Error { case notASegment, noSection(String), lengthChanged }

    /// Calls `change` with the bytes of section `tag` (same length after), then fixes the
    /// section's checksum, the section table's and the footer's.
    public static func edit(_ path: String, section tag: SectionTag, _ change: (inout [UInt8]) throws -> Void) throws {
        var file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let footer = file.count - 48
        guard footer > 0 else { throw Failure.notASegment }
        let tableOffset = Int(u64(file, footer)), tableLength = Int(u64(file, footer + 8))
        let count = Int(u32(file, tableOffset))
        for i in 0..<count {
            let entry = tableOffset + 8 + i * 32
            guard u32(file, entry) == tag.rawValue else { continue }
            let offset = Int(u64(file, entry + 8)), length = Int(u64(file, entry + 16))
            var bytes = Array(file[offset..<(offset + length)])
            try change(&bytes)
            guard bytes.count == length else { throw Failure.lengthChanged }
            file.replaceSubrange(offset..<(offset + length), with: bytes)
            put32(&file, entry + 24, CRC32C.checksum(bytes))
            put32(&file, footer + 24, CRC32C.checksum(file[tableOffset..<(tableOffset + tableLength)]))
            put32(&file, footer + 36, CRC32C.checksum(file[footer..<(footer + 36)]))
            try Data(file).write(to: URL(fileURLWithPath: path))
            return
        }
        throw Failure.noSection(tag.description)
    }

    public static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << ($1 * 8) }
    }

    public static func u64(_ b: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << ($1 * 8) }
    }

    public static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (k * 8)) }
    }
}
