import Foundation
import Testing
import TroveJSON
import TroveStorage
import TroveTestSupport
@testable import TroveText

/// A merge builds its text sections from its sources' postings instead of analysing the
/// documents again; what it writes must be, byte for byte, what analysing the live
/// documents writes, on text nobody here wrote, with deletes, replacements, absent and
/// empty fields, JSON payloads and every analyser.
@Suite(.ownThread) struct TextSectionMergerTests {
    static let schema = TextSchema(text: [TextFieldSpec(field: "body", analyzer: .english, positions: true),
                                          TextFieldSpec(field: "title", analyzer: .standard, positions: false),
                                          TextFieldSpec(field: "tag", analyzer: .keyword, positions: false)],
                                   numeric: [NumericFieldSpec(field: "n"), NumericFieldSpec(field: "score", doubles: true)])

    static func open(_ path: String, schema: TextSchema = schema) throws -> Store {
        var o = StoreOptions()
        o.backgroundMerges = false
        o.extensions = [TextSegmentExtension(schema: { _, _ in schema })]
        let store = try Store.open(at: path, options: o)
        if try !store.snapshot().collectionNames.contains("docs") { try store.createCollection("docs") }
        return store
    }

    static func document(_ i: Int, _ text: String) -> Document {
        var fields: [Field] = [Field("n", .int(Int64(i)))]
        switch i % 11 {
        case 0: break  // no body at all
        case 1: fields.append(Field("body", .string("")))  // present, no tokens
        case 2: fields.append(Field("body", .json(.object([JSONMember("a", .string(text)), JSONMember("b", .array([.string("nested words"), .int(3)]))]))))
        default: fields.append(Field("body", .string(text)))
        }
        if i % 3 != 0 { fields.append(Field("title", .string(String(text.prefix(60))))) }
        if i % 5 != 0 { fields.append(Field("tag", .string(["Alpha", "beta gamma", "Δέλτα"][i % 3]))) }
        if i % 4 == 0 { fields.append(Field("score", .double(Double(i) / 7))) }
        return Document(id: "d\(i)", fields: fields)
    }

    /// Three flushed segments of real paragraphs, with deletes and replacements that reach
    /// each of them.
    static func segmented(_ store: Store) throws -> [String] {
        let texts = TextAnalysisBatchTests.paragraphs(count: 3_000)
        for part in 0..<3 {
            var b = WriteBatch()
            for i in part * 1_000..<(part + 1) * 1_000 { b.put(document(i, texts[i]), in: "docs") }
            try store.write(b)
            try store.flush()
        }
        var b = WriteBatch()
        for i in stride(from: 0, to: 3_000, by: 7) { b.delete(id: "d\(i)", in: "docs") }
        for i in stride(from: 5, to: 3_000, by: 13) { b.put(document(i, texts[(i * 31) % 3_000] + " replaced"), in: "docs") }
        try store.write(b)
        try store.flush()
        return texts
    }

    static func reference(_ documents: [Document], schema: TextSchema = schema) throws -> [SectionTag: [UInt8]] {
        let builder = TextSectionBuilder(schema: schema)
        for (i, d) in documents.enumerated() { try builder.add(ordinal: i, document: d) }
        return Dictionary(try builder.finish().map { ($0.tag, $0.bytes) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func mergedSectionsAreWhatAnalysingTheLiveDocumentsWrites() throws {
        let dir = TempDirectory()
        let store = try Self.open(dir.path)
        defer { try? store.close() }
        _ = try Self.segmented(store)
        let views = try store.snapshot().segments(of: "docs")
        #expect(views.count == 4)
        var next: Int32 = 0
        var sources: [MergeSource] = []
        var live: [Document] = []
        for v in views {
            var ordinals: [Int32] = []
            for o in 0..<v.reader.docCount {
                if v.deletes.contains(o) { ordinals.append(-1); continue }
                ordinals.append(next)
                next += 1
                live.append(try v.reader.document(at: o))
            }
            sources.append(MergeSource(reader: v.reader, ordinals: ordinals))
        }
        #expect(sources.contains { $0.ordinals.contains(-1) })
        let merger = try #require(TextSectionMerger(schema: Self.schema, sources: sources))
        for (i, d) in live.enumerated() { try merger.add(ordinal: i, document: d) }
        let merged = try merger.finish()
        let expected = try Self.reference(live)
        #expect(merged.count == expected.count)
        for (tag, bytes) in merged {
            // Compared outside #expect: on a failure it would print both sections whole.
            let same = bytes == expected[tag]
            #expect(same, "section \(tag) differs (\(bytes.count) bytes, expected \(expected[tag]?.count ?? 0))")
        }
    }

    @Test func compactionGoesThroughTheMergerAndKeepsEveryAnswer() throws {
        let dir = TempDirectory()
        let store = try Self.open(dir.path)
        defer { try? store.close() }
        _ = try Self.segmented(store)
        let views = try store.snapshot().segments(of: "docs")
        let sources = views.map { v in MergeSource(reader: v.reader, ordinals: (0..<v.reader.docCount).map { _ in -1 }) }
        let ext = TextSegmentExtension(schema: { _, _ in Self.schema })
        #expect(ext.makeMergeBuilder(collection: "docs", metadata: [], sources: sources) is TextSectionMerger)
        try store.compact()
        let after = try store.snapshot().segments(of: "docs")
        #expect(after.count == 1)
        let reader = try #require(after.first?.reader)
        let live = try (0..<reader.docCount).map { try reader.document(at: $0) }
        let expected = try Self.reference(live)
        for (tag, bytes) in expected {
            let stored = try #require(try reader.section(tag), "section \(tag) missing")
            let same = Array(stored) == bytes
            #expect(same, "section \(tag) differs (\(stored.count) bytes, expected \(bytes.count))")
        }
    }

    /// A text field added after the sources were written has no sections in them: the
    /// merge analyses the documents again, so the field becomes searchable in old ones.
    @Test func aFieldTheSourcesLackFallsBackToAnalysis() throws {
        let dir = TempDirectory()
        let store = try Self.open(dir.path)
        _ = try Self.segmented(store)
        try store.close()
        var wider = Self.schema
        wider.text.append(TextFieldSpec(field: "tag2", analyzer: .standard))
        let reopened = try Self.open(dir.path, schema: wider)
        defer { try? reopened.close() }
        let views = try reopened.snapshot().segments(of: "docs")
        let sources = views.map { v in MergeSource(reader: v.reader, ordinals: (0..<v.reader.docCount).map { _ in -1 }) }
        #expect(TextSectionMerger(schema: wider, sources: sources) == nil)
        // Another analyser for a field the sources hold is refused too.
        var restemmed = Self.schema
        restemmed.text[0].analyzer = .standard
        #expect(TextSectionMerger(schema: restemmed, sources: sources) == nil)
        #expect(TextSectionMerger(schema: Self.schema, sources: sources) != nil)
        try reopened.compact()
        let reader = try #require(try reopened.snapshot().segments(of: "docs").first?.reader)
        #expect(try reader.section(TextSections.tag("XH", 3)) != nil)
    }
}
