import TroveStorage

/// Entry points for the fuzz targets (`Benchmarks/fuzz`): untrusted bytes read the way a
/// search reads them. A typed error is a pass; a trap or a hang is a finding.
public enum TextFuzzing {
    /// A query string parsed.
    public static func query(_ bytes: [UInt8]) {
        _ = try? QueryParser.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The text sections of the segment at `path`: for the first slots, the header, every
    /// term of the dictionary, each term's postings and positions (whole, for some
    /// documents, and through the phrase pass's forward reader); and numeric columns.
    public static func sections(path: String) {
        guard let reader = try? SegmentReader(path: path, number: 2, cache: BlockCache(capacityBytes: 0)) else { return }
        for slot in 0..<3 {
            if let s = try? reader.section(TextSections.tag("NC", slot)), let column = try? NumericColumn(section: s, owner: reader) {
                for ordinal in 0..<min(reader.docCount, 4_096) { _ = column.value(ordinal) }
            }
            guard let index = try? TextSegmentIndex.open(reader, slot: slot) else { continue }
            var terms = 0
            try? index.dictionary.scan(from: 0) { _, info in
                terms += 1
                walk(index, info)
                return terms < 2_000
            }
        }
    }

    private static func walk(_ index: TextSegmentIndex, _ info: TermInfo) {
        let arena = QueryArena()
        defer { withExtendedLifetime(arena) {} }
        if var cursor = try? index.cursor(info, arena: arena) {
            var steps = 0
            while steps < 100_000, (try? cursor.next()) != nil, cursor.doc != Int.max {
                _ = cursor.frequency
                steps += 1
            }
        }
        _ = try? index.positions(info)
        _ = try? index.positions(info, only: Set(stride(from: 0, to: min(index.docCount, 256), by: 3)))
        // The phrase pass's forward reader, asked for every few documents as a pass would.
        if var reader = try? PositionsReader(index, info, arena: arena) {
            var doc = 0
            while doc < min(index.docCount, 100_000), (try? reader.positions(in: doc)) != nil { doc += 1 + doc % 5 }
        }
    }
}
