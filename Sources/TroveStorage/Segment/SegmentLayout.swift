/// The footer and section table of a segment, read and checked.
struct SegmentLayout {
    /// The footer's version: `SegmentFormat.version` or `.multiDictionaryVersion`.
    let version: UInt32
    let docCount: Int
    let sections: [SectionEntry]

    func entry(_ tag: SectionTag) -> SectionEntry? { sections.first { $0.tag == tag } }

    /// A section's bytes after its checksum has been checked.
    func checkedSection(_ tag: SectionTag, in map: MappedFile) throws -> UnsafeRawBufferPointer {
        guard let e = entry(tag) else {
            throw StorageError.corruption(file: map.path, offset: 0, reason: "missing section \(tag)")
        }
        let bytes = try map.slice(offset: e.offset, length: e.length, what: "section \(tag)")
        guard CRC32C.checksum(bytes) == e.checksum else {
            throw StorageError.corruption(file: map.path, offset: e.offset, reason: "section \(tag) checksum mismatch")
        }
        return bytes
    }

    static func read(_ map: MappedFile) throws -> SegmentLayout {
        let bytes = map.bytes
        let path = map.path
        let footerStart = bytes.count - SegmentFormat.footerSize
        let footer = UnsafeRawBufferPointer(rebasing: bytes[footerStart...])
        guard Array(footer[40..<48]) == SegmentFormat.footerMagic else {
            throw StorageError.corruption(file: path, offset: Int64(footerStart + 40), reason: "bad footer magic (truncated or not a segment)")
        }
        var r = ByteReader(footer)
        let tableOffset = try r.u64()
        let tableLength = try r.u64()
        let docCount = try r.u64()
        let tableCrc = try r.u32()
        let version = try r.u32()
        _ = try r.u32()
        let footerCrc = try r.u32()
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: footer[0..<36])) == footerCrc else {
            throw StorageError.corruption(file: path, offset: Int64(footerStart), reason: "footer checksum mismatch")
        }
        guard version == SegmentFormat.version || version == SegmentFormat.multiDictionaryVersion else {
            throw StorageError.unsupportedVersion(file: path, found: version, supported: SegmentFormat.multiDictionaryVersion)
        }
        guard docCount <= UInt64(UInt32.max), tableOffset <= UInt64(footerStart), tableLength <= UInt64(footerStart) - tableOffset else {
            throw StorageError.corruption(file: path, offset: Int64(footerStart), reason: "footer points outside the file")
        }
        let table = UnsafeRawBufferPointer(rebasing: bytes[Int(tableOffset)..<Int(tableOffset + tableLength)])
        guard CRC32C.checksum(table) == tableCrc else {
            throw StorageError.corruption(file: path, offset: Int64(tableOffset), reason: "section table checksum mismatch")
        }
        return SegmentLayout(version: version, docCount: Int(docCount), sections: try readTable(table, at: Int64(tableOffset), path: path, fileSize: Int64(footerStart)))
    }

    private static func readTable(_ table: UnsafeRawBufferPointer, at base: Int64, path: String, fileSize: Int64) throws -> [SectionEntry] {
        guard table.count >= 8 else {
            throw StorageError.corruption(file: path, offset: base, reason: "section table is \(table.count) bytes")
        }
        var r = ByteReader(table)
        let count = Int(try r.u32())
        _ = try r.u32()
        guard table.count == 8 + count * SegmentFormat.sectionEntrySize else {
            throw StorageError.corruption(file: path, offset: base, reason: "section table length disagrees with its count \(count)")
        }
        var entries: [SectionEntry] = []
        for i in 0..<count {
            let tag = SectionTag(rawValue: try r.u32())
            let flags = try r.u32()
            let offset = try r.u64()
            let length = try r.u64()
            let crc = try r.u32()
            _ = try r.u32()
            guard offset <= UInt64(fileSize), length <= UInt64(fileSize) - offset else {
                throw StorageError.corruption(file: path, offset: base + 8 + Int64(i * SegmentFormat.sectionEntrySize), reason: "section \(tag) lies outside the file")
            }
            entries.append(SectionEntry(tag: tag, flags: flags, offset: Int64(offset), length: Int64(length), checksum: crc))
        }
        return entries
    }
}
