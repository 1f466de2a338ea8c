import Foundation
import TroveJSON

/// Imports a JSON Lines file into a collection in atomic batches: one thread parses,
/// the calling thread commits. A batch with any bad line is reported whole and nothing
/// of it is written; batches before it stay.
public struct JSONLImporter {
    public struct Options: Sendable {
        public var batchSize = 1000
        /// Applied to each document before it is written (an engine schema's coercions).
        public var transform: (@Sendable (Document) -> Document)?
        public init() {}
    }

    /// A line that could not become a document.
    public struct LineError: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The import stopped at a batch with bad lines; `imported` documents before it stay.
    public struct Failure: Error, CustomStringConvertible {
        public let errors: [LineError]
        public let imported: Int
        public let batchFirstLine: Int
        public let batchLastLine: Int

        public var description: String {
            "batch of lines \(batchFirstLine)–\(batchLastLine) rejected, nothing of it was written; "
                + "\(imported) documents from earlier batches were imported. "
                + errors.map(\.description).joined(separator: "; ")
        }
    }

    struct Batch {
        var batch = WriteBatch()
        var ids: [String] = []
        var errors: [LineError] = []
        var firstLine = 0
        var lastLine = 0
    }

    let store: Store
    let collection: String
    let options: Options

    public init(store: Store, collection: String, options: Options = Options()) {
        self.store = store
        self.collection = collection
        self.options = options
    }

    /// Imports `path`; `committed` is called with the ids of each batch once it is durable.
    public func run(path: String, committed: (_ ids: [String], _ total: Int) -> Void) throws -> Int {
        let file = try localFiles.map(path)
        let queue = BlockingQueue<Batch>(capacity: 4)
        let producer = Thread { [options, collection] in
            Self.parse(file: file, collection: collection, batchSize: max(1, options.batchSize), transform: options.transform, into: queue)
        }
        producer.start()
        defer { queue.close() }
        var total = 0
        while let b = queue.pop() {
            if !b.errors.isEmpty {
                throw Failure(errors: b.errors, imported: total, batchFirstLine: b.firstLine, batchLastLine: b.lastLine)
            }
            try store.write(b.batch)
            total += b.batch.count
            committed(b.ids, total)
        }
        return total
    }

    private static func parse(file: MappedFile, collection: String, batchSize: Int, transform: (@Sendable (Document) -> Document)?, into queue: BlockingQueue<Batch>) {
        let bytes = file.bytes
        let ids = IDGenerator()
        var current = Batch()
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            if current.firstLine == 0 { current.firstLine = lineNumber }
            current.lastLine = lineNumber
            do {
                let json = try JSONParser.parse(line)
                var doc = try DocumentJSON.document(from: json, makeID: ids.next)
                if let transform { doc = transform(doc) }
                current.batch.put(doc, in: collection)
                current.ids.append(doc.id)
            } catch {
                current.errors.append(LineError(line: lineNumber, message: "\(error)"))
            }
            if current.batch.count + current.errors.count >= batchSize {
                if !queue.push(current) { return }
                current = Batch()
            }
        }
        if current.batch.count + current.errors.count > 0 { _ = queue.push(current) }
        queue.close()
    }
}

/// The real file system: this code reads and writes outside any store.
private let localFiles = LocalFileSystem()
