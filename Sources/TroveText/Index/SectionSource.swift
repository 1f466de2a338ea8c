import TroveStorage

/// Where a text index reads its sections from: a segment file, or sections built in
/// memory over unflushed documents (`MemorySections`). Both are read the same way, so
/// every query runs one scorer over flushed and unflushed documents alike.
protocol SectionSource: AnyObject, Sendable {
    var docCount: Int { get }
    /// A name for errors: the segment's file, or a description of the memory chunk.
    var path: String { get }
    func section(_ tag: SectionTag) throws -> UnsafeRawBufferPointer?
    func offset(of tag: SectionTag) -> Int64
}

extension SegmentReader: SectionSource {}

/// Sections built in memory by `TextSectionBuilder`, held in buffers this object owns
/// (the indexes read from it borrow them, as they borrow a mapped segment's bytes).
final class MemorySections: SectionSource, @unchecked Sendable {
    let docCount: Int
    let path: String
    private let buffers: [SectionTag: UnsafeMutableRawBufferPointer]

    init(docCount: Int, path: String, sections: [(tag: SectionTag, bytes: [UInt8])]) {
        self.docCount = docCount
        self.path = path
        var buffers: [SectionTag: UnsafeMutableRawBufferPointer] = [:]
        for (tag, bytes) in sections {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            buffers[tag] = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
        }
        self.buffers = buffers
    }

    deinit { for b in buffers.values { b.deallocate() } }

    func section(_ tag: SectionTag) throws -> UnsafeRawBufferPointer? { buffers[tag].map(UnsafeRawBufferPointer.init) }

    func offset(of tag: SectionTag) -> Int64 { 0 }
}
