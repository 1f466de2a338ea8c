/// Constants of the segment file format (docs/FORMAT.md, "Segment files").
public enum SegmentFormat {
    static let headerMagic: [UInt8] = Array("TROVESEG".utf8)
    static let footerMagic: [UInt8] = Array("TROVEEND".utf8)
    /// The version of segments whose blocks share one dictionary or none (ZDIC).
    public static let version: UInt32 = 1
    /// The version of segments whose blocks name their own dictionary (ZDCT and DOCZ):
    /// what a merge that copies its sources' compressed blocks writes.
    public static let multiDictionaryVersion: UInt32 = 2
    /// The most dictionaries a version-2 segment may hold; each one a reader loads costs
    /// it about 100 KiB.
    public static let maximumDictionaries = 64
    /// A DOCZ entry meaning "a plain zstd frame, no dictionary".
    static let noDictionary: UInt16 = 0xFFFF
    /// magic(8) version(4) flags(4)
    static let headerSize = 16
    /// table offset(8) table length(8) doc count(8) table crc(4) version(4) reserved(4) footer crc(4) magic(8)
    static let footerSize = 48
    /// tag(4) flags(4) offset(8) length(8) crc32c(4) reserved(4)
    static let sectionEntrySize = 32
    /// offset(8) compressed length(4) uncompressed length(4) first ordinal(4) crc32c(4)
    static let blockEntrySize = 24
    /// Sections start at multiples of this, so float32 data can be used in place by BLAS.
    static let sectionAlignment = 64
}

/// A four-character section tag, stored as the little-endian u32 of its ASCII bytes.
public struct SectionTag: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `name` must be four ASCII characters.
    public init(_ name: StaticString) {
        precondition(name.utf8CodeUnitCount == 4, "a section tag has four ASCII characters")
        let p = name.utf8Start
        rawValue = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
    }

    /// Two ASCII letters and a two-digit slot (`VD00`, `XP03`): how higher layers tag the
    /// sections of their nth field.
    public init(prefix: StaticString, slot: Int) {
        precondition(prefix.utf8CodeUnitCount == 2 && (0..<100).contains(slot), "a slotted tag has two letters and a slot below 100")
        let p = prefix.utf8Start
        let d = Array((slot < 10 ? "0\(slot)" : String(slot)).utf8)
        rawValue = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(d[0]) << 16 | UInt32(d[1]) << 24
    }

    public var description: String {
        let chars = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> ($0 * 8)) }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Compressed document blocks.
    public static let documentBlocks = SectionTag("DOCB")
    /// The block index: where each block lies and which ordinals it holds.
    public static let blockIndex = SectionTag("DOCI")
    /// Sorted id hashes with their ordinals, for lookup by id.
    public static let idHashes = SectionTag("IDHS")
    /// A Bloom filter over the id hashes, to skip segments without the id.
    public static let idBloom = SectionTag("IDBF")
    /// The zstd dictionary the document blocks were compressed with, when there is one.
    public static let dictionary = SectionTag("ZDIC")
    /// Version 2: the zstd dictionaries the blocks were compressed with.
    public static let dictionaries = SectionTag("ZDCT")
    /// Version 2: per block, which of the ZDCT dictionaries it needs.
    public static let blockDictionaries = SectionTag("DOCZ")
}

/// One row of a segment's section table.
public struct SectionEntry: Sendable, Equatable {
    public let tag: SectionTag
    public let flags: UInt32
    public let offset: Int64
    public let length: Int64
    public let checksum: UInt32
}
