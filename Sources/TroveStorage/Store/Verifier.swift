/// Checks every checksum of every file a database names, without changing anything.
public enum Verifier {
    /// One thing found wrong: which file, where, and what.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let offset: Int64
        /// How many bytes the failed check covered, when known.
        public let length: Int64?
        public let reason: String

        public var description: String {
            "\(file): byte \(offset)\(length.map { " (+\($0) bytes)" } ?? ""): \(reason)"
        }
    }

    public struct Report: Sendable {
        public var problems: [Problem] = []
        /// Observations that are not damage (a torn log tail that the next open cuts off).
        public var notes: [String] = []
        public var filesChecked = 0
        public var bytesChecked: Int64 = 0
        public var isClean: Bool { problems.isEmpty }
    }

    /// Verifies the database at `path`. Throws only when there is no database there or
    /// the folder cannot be locked; everything found wrong is in the report.
    public static func verify(path: String) throws -> Report {
        guard localFiles.exists(path + "/" + Manifest.fileName) else {
            throw StorageError.invalidArgument("no Trove database at \(path)")
        }
        let lock = try DatabaseLock(directory: path, exclusive: false)
        defer { withExtendedLifetime(lock) {} }
        var report = Report()
        let manifest: Manifest
        do {
            manifest = try Manifest.read(directory: path)
            report.filesChecked += 1
        } catch {
            report.problems.append(problem(error, file: path + "/" + Manifest.fileName))
            return report
        }
        for c in manifest.collections {
            for s in c.segments {
                verifySegment(path + "/" + FileNames.segment(s.number), expected: s, into: &report)
                if s.deleteFile != 0 {
                    let p = path + "/" + FileNames.deletes(s.deleteFile)
                    do {
                        let deletes = try DeleteFile.read(path: p, segment: s.number, docCount: s.docCount)
                        if deletes.count != s.deletedCount {
                            report.problems.append(Problem(file: p, offset: 0, length: nil, reason: "holds \(deletes.count) deletes; the manifest says \(s.deletedCount)"))
                        }
                        report.filesChecked += 1
                        report.bytesChecked += localFiles.fileSize(p)
                    } catch { report.problems.append(problem(error, file: p)) }
                }
            }
        }
        verifyLogs(directory: path, from: manifest.walNumber, into: &report)
        return report
    }

    static func problem(_ error: any Error, file: String) -> Problem {
        if case let StorageError.corruption(f, offset, reason)? = error as? StorageError {
            return Problem(file: f, offset: offset, length: nil, reason: reason)
        }
        return Problem(file: file, offset: 0, length: nil, reason: "\(error)")
    }

    private static func verifySegment(_ p: String, expected: Manifest.Segment, into report: inout Report) {
        let reader: SegmentReader
        do {
            reader = try SegmentReader(path: p, number: expected.number, cache: BlockCache(capacityBytes: 0))
        } catch {
            report.problems.append(problem(error, file: p))
            return
        }
        report.filesChecked += 1
        report.bytesChecked += Int64(reader.map.count)
        if reader.docCount != expected.docCount {
            report.problems.append(Problem(file: p, offset: 0, length: nil, reason: "holds \(reader.docCount) documents; the manifest says \(expected.docCount)"))
        }
        for entry in reader.sections {
            if let bytes = try? reader.map.slice(offset: entry.offset, length: entry.length, what: "section"),
               CRC32C.checksum(bytes) == entry.checksum { continue }
            report.problems.append(Problem(file: p, offset: entry.offset, length: entry.length, reason: "section \(entry.tag) checksum mismatch"))
        }
        for b in 0..<reader.blocks {
            let e = reader.blockEntry(b)
            do {
                let raw = try reader.block(b, useCache: false)
                try raw.withUnsafeBytes { bytes in
                    let docs = try DocumentBlock(bytes)
                    let expected = (b + 1 < reader.blocks ? reader.blockEntry(b + 1).firstOrdinal : reader.docCount) - e.firstOrdinal
                    guard docs.count == expected else {
                        throw StorageError.corruption(file: p, offset: e.offset, reason: "block \(b) holds \(docs.count) documents; the index says \(expected)")
                    }
                    for i in 0..<docs.count { _ = try DocumentCodec.decode(try docs.encoded(at: i)) }
                }
            } catch {
                var p0 = problem(error, file: p)
                p0 = Problem(file: p0.file, offset: e.offset, length: Int64(e.compressedLength), reason: p0.reason)
                report.problems.append(p0)
            }
        }
    }

    private static func verifyLogs(directory: String, from walNumber: UInt64, into report: inout Report) {
        guard let names = try? localFiles.list(directory) else { return }
        let logs = names.compactMap { FileNames.parse($0) }.filter { $0.kind == "wal" && $0.number >= walNumber }.map(\.number).sorted()
        var scans: [(path: String, scan: WALReader.Scan)] = []
        for (i, n) in logs.enumerated() {
            let p = directory + "/" + FileNames.wal(n)
            do {
                let scan = try WALReader.scan(path: p, expectedNumber: n, isNewest: i == logs.count - 1) { type, payload, offset in
                    guard type == WALFormat.recordTypeBatch else {
                        throw StorageError.corruption(file: p, offset: offset, reason: "unknown record type \(type)")
                    }
                    do { _ = try EncodedOperation.decodePayload(payload) } catch let e as DecodeError {
                        throw StorageError.corruption(file: p, offset: offset + Int64(WALFormat.recordHeaderSize + e.offset), reason: "batch record: \(e.reason)")
                    }
                }
                report.filesChecked += 1
                report.bytesChecked += localFiles.fileSize(p)
                scans.append((p, scan))
            } catch {
                report.problems.append(problem(error, file: p))
            }
        }
        // As recovery judges it: a torn record is the last write attempted, so only logged
        // records after it mean damage.
        for (i, (p, scan)) in scans.enumerated() where scan.tornBytes > 0 {
            if scans[(i + 1)...].contains(where: { $0.scan.records > 0 }) {
                report.problems.append(Problem(file: p, offset: scan.validEnd, length: scan.tornBytes, reason: "partial record in a log followed by a log with records"))
            } else {
                report.notes.append("\(p): \(scan.tornBytes) bytes of a torn final record after byte \(scan.validEnd); the next open discards them")
            }
        }
    }
}

/// The real file system: this code reads and writes outside any store.
private let localFiles = LocalFileSystem()
