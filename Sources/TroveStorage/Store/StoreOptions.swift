/// How a store trades durability, memory and speed. The defaults suit a server.
public struct StoreOptions: Sendable {
    /// When a write is acknowledged.
    public enum Durability: Sendable, Equatable {
        /// After its log record is on disk (fdatasync). The default.
        case sync
        /// After its log record is written to the OS; the log is synced at most this many
        /// milliseconds later. A process crash loses nothing; a power loss may lose
        /// the last interval of acknowledged writes.
        case interval(milliseconds: Int)
    }

    public var durability: Durability = .sync
    /// The memtables are flushed to segments when all collections' together hold this many
    /// bytes of encodings: a budget for the store, so memory stays bounded however many
    /// collections are written, and one busy collection may use all of it.
    public var memtableBytes = 64 << 20
    /// Uncompressed size a document block fills up to before it is compressed.
    public var blockSize = 16 << 10
    /// zstd level of the document blocks of large merged segments and of `compact()`: 6
    /// is where this corpus of chat messages stops gaining much size for the ingest time
    /// it costs (docs/BENCHMARKS.md).
    public var compressionLevel: Int32 = 6
    /// A merge whose output (its sources' live share of their files) stays below this many
    /// bytes compresses at `flushCompressionLevel`, larger ones at `compressionLevel`. As
    /// RocksDB's per-level compression does: small segments are soon merged again, and
    /// level 6 costs three times level 3 for blocks 6% smaller, so spending it on every
    /// tier took a third of a sustained load's merge time (docs/BENCHMARKS.md, issue 20).
    public var denseMergeBytes = 256 << 20
    /// zstd level of the segments a flush writes. Lower than `compressionLevel`: a flush
    /// holds up writes while it runs, and its small segments are soon merged (at
    /// `compressionLevel`); level 3 compresses about twice as fast as 6 and makes document
    /// blocks 3–4% larger (docs/BENCHMARKS.md, issue 20).
    public var flushCompressionLevel: Int32 = 3
    /// Flushes of a collection that compress with one trained zstd dictionary before
    /// another is trained (`FlushDictionary`); 1 trains one for every flush.
    public var flushesPerDictionary = 8
    /// Decompressed blocks kept in memory for reads by id: an upper bound, filled as
    /// blocks are read. Random reads by id run at memory speed once the working set fits.
    public var blockCacheBytes = 512 << 20
    /// Write full memtables into segments on a background thread while commits go on
    /// into a new log (Store+BackgroundFlush.swift); off, the commit that fills a
    /// memtable flushes it before it returns.
    public var backgroundFlush = true
    /// Merge segments in a background thread (tiered policy).
    public var backgroundMerges = true
    /// Merge when this many segments of a size tier exist.
    public var mergeFactor = 4
    /// Open without writing anything: no recovery cut-off, no merges, no flush on close.
    public var readOnly = false
    /// Flush memtables into segments on `close()`, so the next open replays nothing.
    public var flushOnClose = true
    /// Where the files live: the operating system's file system, or in tests one that
    /// injects faults.
    public var fileSystem: any FileSystem = LocalFileSystem()
    /// Higher layers' section builders.
    public var extensions: [any SegmentExtension] = []

    public init() {}
}
