import Testing
@testable import TroveStorage

/// A higher layer's section: the sum of every document's `n` field.
private struct SumExtension: SegmentExtension {
    var name: String { "test.sum" }
    static let tag = SectionTag("SUMN")

    final class Builder: SegmentSectionBuilder {
        var sum: Int64 = 0
        var count = 0
        func add(ordinal: Int, document: Document) throws {
            #expect(ordinal == count)
            count += 1
            if case let .int(n)? = document["n"] { sum += n }
        }
        func finish() throws -> [(tag: SectionTag, bytes: [UInt8])] {
            var w = ByteWriter()
            w.u64(UInt64(bitPattern: sum))
            return [(SumExtension.tag, w.bytes)]
        }
    }

    func makeBuilder(collection: String, metadata: [UInt8]) -> (any SegmentSectionBuilder)? {
        metadata == [1] ? Builder() : nil
    }
}

@Suite struct SegmentExtensionTests {
    private func sums(_ store: Store, _ collection: String) throws -> [Int64] {
        try store.snapshot().segments(of: collection).compactMap { segment in
            try segment.reader.section(SumExtension.tag).map { raw in
                var r = ByteReader(raw)
                return Int64(bitPattern: try r.u64())
            }
        }
    }

    @Test func extensionSectionsAreWrittenAtFlushAndRebuiltByMerges() throws {
        let dir = TempDirectory()
        var o = TestData.options()
        o.extensions = [SumExtension()]
        let store = try Store.open(at: dir.sub("db"), options: o)
        try store.createCollection("with", metadata: [1])
        try store.createCollection("without")
        for round in 0..<3 {
            var batch = WriteBatch()
            for i in 1...10 {
                batch.put(Document(id: "\(round)-\(i)", fields: [Field("n", .int(Int64(i)))]), in: "with")
                batch.put(Document(id: "\(round)-\(i)", fields: [Field("n", .int(Int64(i)))]), in: "without")
            }
            try store.write(batch)
            try store.flush()
        }
        #expect(try sums(store, "with") == [55, 55, 55])
        #expect(try sums(store, "without").isEmpty)
        try store.delete(id: "0-10", in: "with")
        try store.compact()
        #expect(try sums(store, "with") == [155])
        try store.close()
    }

    /// A store written with an extension records it in its manifest at once, and a
    /// writable open without it is refused: before, such an open flushed the logged
    /// documents into segments without the extension's sections. Read-only opens need
    /// no extensions.
    @Test func aStoreWrittenWithAnExtensionRefusesAWritableOpenWithoutIt() throws {
        let dir = TempDirectory()
        let path = dir.sub("db")
        var o = TestData.options()
        o.extensions = [SumExtension()]
        o.flushOnClose = false
        let store = try Store.open(at: path, options: o)
        try store.createCollection("c", metadata: [1])
        try store.put(Document(id: "a", fields: [Field("n", .int(7))]), in: "c")
        try store.close()  // the document is only in the log
        #expect(try Manifest.read(directory: path).requiredExtensions == ["test.sum"])
        #expect(throws: StorageError.missingExtensions(path: path, names: ["test.sum"])) { try Store.open(at: path, options: TestData.options()) }
        var readOnly = TestData.options()
        readOnly.readOnly = true
        let reader = try Store.open(at: path, options: readOnly)
        #expect(try reader.get("a", in: "c")?["n"] == .int(7))
        try reader.close()
        let again = try Store.open(at: path, options: o)
        try again.flush()
        #expect(try sums(again, "c") == [7])
        try again.close()
    }
}
