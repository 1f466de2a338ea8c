import Foundation
import TroveStorage

/// Edits a segment file and then rewrites every checksum over what changed: the file stays
/// valid by CRC and becomes wrong in its values, so the checks behind the checksums are
/// what a test exercises (docs/FORMAT.md, "Segment files").
public enum SegmentSurgery {
    public enum Failure: Error { case notASegment, noSection(String), lengthChanged }

    /// Calls `change` with the bytes of section `tag` (same length after), then fixes the
    /// section's checksum, the section table's and the footer's (`ChecksumRepair.segment`).
    public static func edit(_ path: String, section tag: SectionTag, _ change: (inout [UInt8]) throws -> Void) throws {
        var file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let footer = file.count - 48
        guard footer > 0 else { throw Failure.notASegment }
        let tableOffset = Int(u64(file, footer))
        let count = Int(u32(file, tableOffset))
        for i in 0..<count {
            let entry = tableOffset + 8 + i * 32
            guard u32(file, entry) == tag.rawValue else { continue }
            let offset = Int(u64(file, entry + 8)), length = Int(u64(file, entry + 16))
            var bytes = Array(file[offset..<(offset + length)])
            try change(&bytes)
            guard bytes.count == length else { throw Failure.lengthChanged }
            file.replaceSubrange(offset..<(offset + length), with: bytes)
            try Data(ChecksumRepair.segment(file)).write(to: URL(fileURLWithPath: path))
            return
        }
        throw Failure.noSection(tag.description)
    }

    public static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { ChecksumRepair.u32(b, at) }
    public static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { ChecksumRepair.u64(b, at) }
    public static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { ChecksumRepair.put32(&b, at, v) }
}
