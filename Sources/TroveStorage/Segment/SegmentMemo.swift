import Synchronization

/// State derived from one segment that the layers above compute once and keep for as
/// long as the segment lives: opened text and vector indexes, numeric and keyword
/// columns, a tenant's rows. Held beside the reader in the store's state and handed out
/// in every `SegmentView`, so it is freed with the segment (after a merge, once the last
/// snapshot that saw it is gone) and nothing has to prune caches by hand. Tantivy keeps
/// such state with its segment reader for the same reason.
///
/// Values are made outside the lock: two queries that miss at once both make the value
/// and one is kept, which is cheaper than making every query wait on one lock.
public final class SegmentMemo: Sendable {
    /// What a value is: `kind`, a type the caller declares for the purpose (an empty
    /// enum: `enum TextIndexes {}`), so two layers' keys never collide; `slot` a field's
    /// position; `term` anything else that tells values apart. Cheap to hash: it is
    /// looked up per segment on every query.
    public struct Key: Hashable, Sendable {
        let kind: ObjectIdentifier
        let slot: Int
        let term: String

        public init(_ kind: Any.Type, slot: Int = 0, term: String = "") {
            self.kind = ObjectIdentifier(kind)
            self.slot = slot
            self.term = term
        }
    }

    /// Boxes values so that an optional value (a column a segment does not have) is told
    /// apart from no value.
    private struct Box<T: Sendable>: Sendable { let value: T }

    private let values = Mutex<[Key: any Sendable]>([:])
    /// Values that could grow without bound (one per term asked for): dropped together
    /// when `boundedLimit` is reached.
    private let bounded = Mutex<[Key: any Sendable]>([:])
    public static let boundedLimit = 256

    public init() {}

    /// The value for `key`, made by `make` the first time.
    public func value<T: Sendable>(_ key: Key, make: () throws -> T) rethrows -> T {
        try value(key, in: values, limit: nil, make: make)
    }

    /// Like `value`, for keys of which there may be many (per term): at most
    /// `boundedLimit` are kept per segment.
    public func boundedValue<T: Sendable>(_ key: Key, make: () throws -> T) rethrows -> T {
        try value(key, in: bounded, limit: Self.boundedLimit, make: make)
    }

    private func value<T: Sendable>(_ key: Key, in store: borrowing Mutex<[Key: any Sendable]>, limit: Int?, make: () throws -> T) rethrows -> T {
        if let hit = store.withLock({ $0[key] }) as? Box<T> { return hit.value }
        let made = try make()
        store.withLock { stored in
            if let limit, stored.count >= limit { stored.removeAll(keepingCapacity: true) }
            stored[key] = Box(value: made)
        }
        return made
    }
}

/// One segment as a snapshot sees it: its reader, the documents deleted from it at that
/// snapshot, and the memo of state derived from it.
public struct SegmentView: Sendable {
    public let reader: SegmentReader
    public let deletes: DeleteSet
    public let memo: SegmentMemo

    /// `memo` defaults to a fresh one: for a segment read outside a store (tests, tools).
    public init(reader: SegmentReader, deletes: DeleteSet = DeleteSet(), memo: SegmentMemo = SegmentMemo()) {
        self.reader = reader
        self.deletes = deletes
        self.memo = memo
    }
}
