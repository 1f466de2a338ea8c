import Synchronization
import TroveStorage

/// The trained IVF quantizer of each (collection, vector field). New segments assign
/// their vectors to its lists instead of training again; a segment holding 4× the
/// vectors its training set held retrains and replaces it. Seeded from the newest segment
/// that holds centroids when a store opens (`load(from:)`), so reopening never retrains.
public final class QuantizerRegistry: Sendable {
    private let entries = Mutex<[String: IVFQuantizer]>([:])

    public init() {}

    static func key(_ collection: String, _ field: String) -> String { collection + "\u{0}" + field }

    public func quantizer(collection: String, field: String) -> IVFQuantizer? {
        entries.withLock { $0[Self.key(collection, field)] }
    }

    func set(_ q: IVFQuantizer, collection: String, field: String) {
        entries.withLock { $0[Self.key(collection, field)] = q }
    }

    /// Reads the centroids of the newest segment that has them (the highest segment
    /// number: segments are numbered in the order they are written), for every field.
    public func load(from snapshot: Snapshot, specs: (String, [UInt8]) -> [VectorFieldSpec]) throws {
        for collection in snapshot.collectionNames {
            let fields = specs(collection, try snapshot.metadata(of: collection)).prefix(VectorFieldSpec.maximumFields)
            for (slot, spec) in fields.enumerated() where spec.index != .flat {
                for segment in try snapshot.segments(of: collection).sorted(by: { $0.reader.number > $1.reader.number }) {
                    if let q = try VectorSections.readQuantizer(segment.reader, slot: slot, spec: spec) {
                        set(q, collection: collection, field: spec.field)
                        break
                    }
                }
            }
        }
    }
}
