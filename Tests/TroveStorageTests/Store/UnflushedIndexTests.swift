import Testing
import TroveTestSupport
@testable import TroveStorage

/// Unflushed documents found through the memtable's keyword index are exactly those a
/// full scan finds, through overwrites, deletes, index building mid-way and a snapshot
/// taken before later writes.
@Suite struct UnflushedIndexTests {
    static func owners(_ snapshot: Snapshot, hint: DocumentFilter.Hint?) throws -> [String] {
        var ids: [String] = []
        try snapshot.forEachUnflushed(in: "c", hint: hint) { doc in
            if let hint, case let .string(o)? = doc["owner"], !hint.values.contains(o) { return true }
            ids.append(doc.id)
            return true
        }
        return ids
    }

    @Test func hintedScanEqualsFullScan() throws {
        let dir = TempDirectory()
        let store = try Store.open(at: dir.sub("db"), options: TestData.options())
        try store.createCollection("c")
        var rng = SplitMix64(state: 3)
        func write(_ n: Int) throws {
            for _ in 0..<n {
                let id = "d\(rng.next() % 300)", owner = "u\(rng.next() % 5)"
                if rng.next() % 6 == 0 { _ = try store.delete(id: id, in: "c"); continue }
                try store.put(Document(id: id, fields: [Field("owner", .string(owner)), Field("n", .int(1))]), in: "c")
            }
        }
        try write(200)
        let early = try store.snapshot()
        for hint in [DocumentFilter.Hint(field: "owner", values: ["u1"]), DocumentFilter.Hint(field: "owner", values: ["u2", "u4", "u2"])] {
            #expect(try Self.owners(store.snapshot(), hint: hint) == Self.owners(store.snapshot(), hint: nil).filter { id in
                guard case let .string(o)? = try store.get(id, in: "c")?["owner"] else { return false }
                return hint.values.contains(o)
            })
        }
        try write(400)  // the index now exists and must follow new entries
        let now = try store.snapshot()
        let hint = DocumentFilter.Hint(field: "owner", values: ["u3"])
        let full = try Self.owners(now, hint: nil).filter { id in (try? now.get(id, in: "c")?["owner"]) == .string("u3") }
        #expect(try Self.owners(now, hint: hint) == full)
        #expect(!full.isEmpty)
        // The early snapshot sees only its own entries.
        let earlyFull = try Self.owners(early, hint: nil).filter { id in (try? early.get(id, in: "c")?["owner"]) == .string("u3") }
        #expect(try Self.owners(early, hint: hint) == earlyFull)
        #expect(try Self.owners(now, hint: DocumentFilter.Hint(field: "missing", values: ["x"])).isEmpty)
        try store.close()
    }
}
