/// Which documents a search may return, asked the way searchers meet documents: per
/// segment, the ordinals allowed (nil: all of them), computed once per segment from its
/// sections; per unflushed document, a predicate. Both must say the same thing of a
/// document, whichever side of a flush it is on. Keyword and tenant filters of the
/// engine are built this way and applied during traversal, not afterwards.
public struct DocumentFilter: Sendable {
    /// A keyword field and values one of which every allowed document holds as a string:
    /// lets readers of unflushed documents skip the rest through an index.
    public struct Hint: Sendable, Equatable {
        public var field: String
        public var values: [String]

        public init(field: String, values: [String]) {
            self.field = field
            self.values = values
        }
    }

    public var segment: @Sendable (SegmentView) throws -> RowSet?
    public var document: @Sendable (Document) -> Bool
    public var hint: Hint?

    public init(segment: @escaping @Sendable (SegmentView) throws -> RowSet?, document: @escaping @Sendable (Document) -> Bool, hint: Hint? = nil) {
        self.segment = segment
        self.document = document
        self.hint = hint
    }

    /// Documents both filters allow.
    public func and(_ other: DocumentFilter) -> DocumentFilter {
        DocumentFilter(segment: { view in
            switch (try self.segment(view), try other.segment(view)) {
            case let (a?, b?): var both = a; both.intersect(b); return both
            case let (a, b): return a ?? b
            }
        }, document: { self.document($0) && other.document($0) }, hint: hint ?? other.hint)
    }
}
