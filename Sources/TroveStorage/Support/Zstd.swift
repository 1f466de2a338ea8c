import CZstd
import Synchronization

/// zstd compression of document blocks. A compressor keeps its context between calls
/// because creating one costs more than compressing a 16 KiB block.
/// Not shareable between threads at once; each thread uses its own.
public final class ZstdCompressor: @unchecked Sendable {
    private let context: OpaquePointer
    public let level: Int32

    public init(level: Int32 = 3) {
        // ZSTD_createCCtx returns nil only when malloc fails; that is not a recoverable state.
        guard let ctx = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
        context = ctx
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `source` into a new zstd frame, with `dictionary` when given.
    public func compress(_ source: UnsafeRawBufferPointer, dictionary: ZstdDictionary? = nil) -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            let n = if let cdict = dictionary?.compression {
                ZSTD_compress_usingCDict(context, out.baseAddress, bound, source.baseAddress, source.count, cdict)
            } else {
                ZSTD_compressCCtx(context, out.baseAddress, bound, source.baseAddress, source.count, level)
            }
            // Compression into a buffer of compressBound bytes cannot fail for valid levels.
            count = ZSTD_isError(n) != 0 ? 0 : n
        }
    }
}

/// zstd decompression. Decompression contexts are pooled so that concurrent readers
/// neither allocate one per block nor share one.
public enum Zstd {
    /// A decompression context; only one thread uses it at a time (taken from the pool).
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    private static let pool = Mutex<[Context]>([])

    /// Decompresses one frame that must expand to exactly `expectedSize` bytes.
    /// Throws `DecodeError` when the frame is damaged or its size is not the expected one.
    /// Frames that do not record their size may expand to at most this (ours always record it).
    static let maximumUnsizedFrame = 64 << 20

    public static func decompress(_ source: UnsafeRawBufferPointer, expectedSize: Int, dictionary: ZstdDictionary? = nil) throws -> [UInt8] {
        // `expectedSize` comes from disk: check it against the frame before allocating it.
        let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
        let unknown = UInt64.max, error = UInt64.max - 1  // ZSTD_CONTENTSIZE_UNKNOWN, _ERROR
        if declared == error {
            throw DecodeError(offset: 0, reason: "not a zstd frame")
        } else if declared == unknown {
            guard expectedSize >= 0, expectedSize <= maximumUnsizedFrame else { throw DecodeError(offset: 0, reason: "expected size \(expectedSize) is out of range") }
        } else if declared != UInt64(clamping: expectedSize) || expectedSize < 0 {
            throw DecodeError(offset: 0, reason: "the frame holds \(declared) bytes, expected \(expectedSize)")
        }
        guard let ctx = pool.withLock({ $0.popLast()?.pointer }) ?? ZSTD_createDCtx() else {
            throw DecodeError(offset: 0, reason: "cannot allocate a zstd context")
        }
        defer {
            let returned = Context(pointer: ctx)
            let kept = pool.withLock { pool in
                guard pool.count < 16 else { return false }
                pool.append(returned)
                return true
            }
            if !kept { ZSTD_freeDCtx(ctx) }
        }
        var failure: String?
        let out = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { buf, count in
            let n = if let ddict = dictionary?.decompression {
                ZSTD_decompress_usingDDict(ctx, buf.baseAddress, expectedSize, source.baseAddress, source.count, ddict)
            } else {
                ZSTD_decompressDCtx(ctx, buf.baseAddress, expectedSize, source.baseAddress, source.count)
            }
            if ZSTD_isError(n) != 0 {
                failure = String(cString: ZSTD_getErrorName(n))
                count = 0
            } else if n != expectedSize {
                failure = "expanded to \(n) bytes, expected \(expectedSize)"
                count = 0
            } else {
                count = n
            }
        }
        if let failure { throw DecodeError(offset: 0, reason: "zstd: \(failure)") }
        return out
    }
}
