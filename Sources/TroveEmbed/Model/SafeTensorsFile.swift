import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A read-only view of a `.safetensors` file, mapped into memory: an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte range, then the
/// raw little-endian tensor data. Only float32 tensors are handed out; nothing is copied.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data area (after the header).
        public let range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    // Immutable after init; the mapping lives as long as the object.
    private let base: UnsafeRawPointer
    private let length: Int
    private let dataStart: Int

    /// Maps `url` and checks its header: every entry inside the file, sizes matching shapes.
    public init(url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw EmbedderError.modelFile(path: url.path, problem: errno == ENOENT ? "is missing" : "cannot be opened (errno \(errno))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EmbedderError.modelFile(path: url.path, problem: "cannot be examined") }
        length = Int(info.st_size)
        guard length >= 8 else { throw EmbedderError.modelFile(path: url.path, problem: "is too short to be safetensors (\(length) bytes)") }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw EmbedderError.modelFile(path: url.path, problem: "cannot be mapped (errno \(errno))")
        }
        base = UnsafeRawPointer(mapped)
        do {
            (entries, dataStart) = try Self.parseHeader(base: base, length: length, path: url.path)
        } catch {
            munmap(mapped, length)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// The float32 tensor `name`, checked to have `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let entry = entries[name] else {
            throw EmbedderError.modelFile(path: path, problem: "has no tensor \(name)")
        }
        guard entry.dtype == "F32" else {
            throw EmbedderError.modelFile(path: path, problem: "stores \(name) as \(entry.dtype), not F32")
        }
        guard entry.shape == shape else {
            throw EmbedderError.modelFile(path: path, problem: "gives \(name) the shape \(entry.shape), expected \(shape)")
        }
        let start = base + dataStart + entry.range.lowerBound
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else {
            throw EmbedderError.modelFile(path: path, problem: "places \(name) at a misaligned offset")
        }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: entry.range.count / 4)
    }

    private static let elementSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    private static func parseHeader(base: UnsafeRawPointer, length: Int, path: String) throws -> ([String: Entry], Int) {
        let declared = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        let headerLength = Int(clamping: declared)
        guard declared > 0, headerLength <= length - 8, headerLength < 100_000_000 else {
            throw EmbedderError.modelFile(path: path, problem: "has a header length (\(declared)) that does not fit the file")
        }
        let header = Data(bytes: base + 8, count: headerLength)
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw EmbedderError.modelFile(path: path, problem: "has a header that is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataLength = length - dataStart
        var entries: [String: Entry] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let shape = (fields["shape"] as? [NSNumber])?.map({ $0.intValue }),
                  let offsets = (fields["data_offsets"] as? [NSNumber])?.map({ $0.intValue }),
                  offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength,
                  shape.allSatisfy({ $0 >= 0 })
            else {
                throw EmbedderError.modelFile(path: path, problem: "has a malformed or out-of-range header entry for \(name)")
            }
            let elements = shape.reduce(1, *)
            if let size = elementSizes[dtype], elements * size != offsets[1] - offsets[0] {
                throw EmbedderError.modelFile(path: path, problem: "gives \(name) \(offsets[1] - offsets[0]) bytes for shape \(shape)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        return (entries, dataStart)
    }
}
