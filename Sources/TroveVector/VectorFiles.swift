import Foundation
import TroveStorage

/// Readers for the files people benchmark with: `.fvecs` / `.ivecs` (TEXMEX, ANN
/// benchmarks: per row an int32 dimension then the values) and NumPy `.npy` (version
/// 1–3, little-endian `<f4` or `<i4`, C order, 2-D).
public enum VectorFiles {
    public struct Table<Element: Sendable>: Sendable {
        public let rows: Int
        public let columns: Int
        public let values: [Element]
    }

    /// float32 rows from `.fvecs` or `.npy` (by extension).
    public static func readFloats(_ path: String) throws -> Table<Float> {
        if path.hasSuffix(".npy") { return try readNPY(path, descr: "<f4") { Float(bitPattern: $0) } }
        return try readVecs(path) { Float(bitPattern: $0) }
    }

    /// Writes `rows` as `.fvecs` (each row its dimension as int32, then its values,
    /// little-endian), replacing `path` atomically: how benchmarks hand vectors to peers.
    public static func writeFloats(_ rows: [[Float]], to path: String) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.reduce(0) { $0 + 4 + 4 * $1.count })
        for row in rows {
            withUnsafeBytes(of: Int32(row.count).littleEndian) { bytes.append(contentsOf: $0) }
            for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// int32 rows from `.ivecs` or `.npy`.
    public static func readInts(_ path: String) throws -> Table<Int32> {
        if path.hasSuffix(".npy") { return try readNPY(path, descr: "<i4") { Int32(bitPattern: $0) } }
        return try readVecs(path) { Int32(bitPattern: $0) }
    }

    private static func readVecs<T: Sendable>(_ path: String, _ convert: (UInt32) -> T) throws -> Table<T> {
        let map = try MappedFile(path: path)
        let bytes = map.bytes
        guard bytes.count >= 4 else { throw VectorError.badFile(path: path, reason: "empty or shorter than one row header") }
        let d = Int(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))
        guard d > 0, d <= 1 << 16 else { throw VectorError.badFile(path: path, reason: "row 0 claims dimension \(d)") }
        let rowBytes = 4 + 4 * d
        guard bytes.count % rowBytes == 0 else {
            throw VectorError.badFile(path: path, reason: "\(bytes.count) bytes is not a whole number of \(rowBytes)-byte rows of dimension \(d)")
        }
        let rows = bytes.count / rowBytes
        var values: [T] = []
        values.reserveCapacity(rows * d)
        for r in 0..<rows {
            let base = r * rowBytes
            let rd = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: Int32.self)))
            guard rd == d else { throw VectorError.badFile(path: path, reason: "row \(r) has dimension \(rd), row 0 has \(d)") }
            for c in 0..<d { values.append(convert(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4 + 4 * c, as: UInt32.self)))) }
        }
        return Table(rows: rows, columns: d, values: values)
    }

    private static func readNPY<T: Sendable>(_ path: String, descr: String, _ convert: (UInt32) -> T) throws -> Table<T> {
        let map = try MappedFile(path: path)
        let bytes = map.bytes
        guard bytes.count >= 10, Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8) else {
            throw VectorError.badFile(path: path, reason: "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let (headerLength, headerStart): (Int, Int) = major == 1
            ? (Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))), 10)
            : (Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))), 12)
        guard (1...3).contains(major), headerStart + headerLength <= bytes.count else {
            throw VectorError.badFile(path: path, reason: "unsupported .npy version \(major) or truncated header")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '\(descr)'") else {
            throw VectorError.badFile(path: path, reason: "dtype must be \(descr) (header: \(header.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        guard header.contains("'fortran_order': False") else { throw VectorError.badFile(path: path, reason: "Fortran order is not supported") }
        let shape = try parseShape(header, path: path)
        let dataStart = headerStart + headerLength
        guard shape.rows * shape.columns * 4 == bytes.count - dataStart else {
            throw VectorError.badFile(path: path, reason: "shape (\(shape.rows), \(shape.columns)) needs \(shape.rows * shape.columns * 4) data bytes, file has \(bytes.count - dataStart)")
        }
        var values: [T] = []
        values.reserveCapacity(shape.rows * shape.columns)
        for i in 0..<(shape.rows * shape.columns) {
            values.append(convert(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self))))
        }
        return Table(rows: shape.rows, columns: shape.columns, values: values)
    }

    private static func parseShape(_ header: String, path: String) throws -> (rows: Int, columns: Int) {
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw VectorError.badFile(path: path, reason: "no shape in header")
        }
        let dims = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch dims.count {
        case 2 where dims[0] >= 0 && dims[1] > 0: return (dims[0], dims[1])
        case 1 where dims[0] > 0: return (1, dims[0])
        default: throw VectorError.badFile(path: path, reason: "shape must be 2-D, found \(dims)")
        }
    }
}
