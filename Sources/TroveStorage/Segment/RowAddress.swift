/// Where a document a query matched lives in the snapshot it was searched on: a row of
/// one of the collection's segments, or one of its unflushed documents. The one way the
/// text and vector searchers and the engine name a match.
public enum RowAddress: Hashable, Sendable {
    /// `segment` indexes the snapshot's segments of the collection (oldest first);
    /// `ordinal` is the row in it.
    case segment(Int, ordinal: Int)
    /// An index among the unflushed documents the search kept.
    case unflushed(Int)
}
