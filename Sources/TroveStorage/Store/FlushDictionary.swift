/// The zstd dictionary a collection's flushes compress with, kept for the next flushes:
/// training one took 25–80 ms of each 8 MiB flush of 1 KB documents, a tenth of the
/// flush, for a dictionary no better than the last one on the same collection's next
/// documents. It is trained again every `StoreOptions.flushesPerDictionary` flushes, so
/// it follows the documents as they change. Each segment still stores its own copy
/// (`ZDIC`), and merges that copy blocks count byte-identical dictionaries once.
struct FlushDictionary {
    /// The kept dictionaries, and a counter of flushes that orders them by last use.
    struct Kept {
        var byCollection: [UInt32: FlushDictionary] = [:]
        var flushes: UInt64 = 0
    }

    /// Collections whose dictionary is kept (a trained dictionary and its compression
    /// state take a few hundred KiB; the least recently flushed is dropped).
    static let kept = 8

    let dictionary: ZstdDictionary
    let level: Int32
    var uses: Int
    var lastFlush: UInt64
}

extension Store {
    /// The dictionary for a flush of `part`: the collection's kept one while it has uses
    /// left at this level, else one trained on about 1 MiB of the part's documents (on 1
    /// KB documents that compresses as well as one trained on 4 MiB, in a quarter of the
    /// time). Nil when the part is too small to train on: a few documents (a flush at
    /// close or before a backup) would not repay the 64 KiB a dictionary adds to a file.
    func flushDictionary(for part: FlushJob.Part) -> ZstdDictionary? {
        let bytes = part.memtable.byteSize * part.count / max(1, part.memtable.count)
        guard bytes >= ZstdDictionary.minimumSamples else { return nil }
        let kept: ZstdDictionary? = flushDictionaries.withLock { k in
            guard var d = k.byCollection[part.collection], d.level == part.level, d.uses < options.flushesPerDictionary else { return nil }
            k.flushes += 1
            d.uses += 1
            d.lastFlush = k.flushes
            k.byCollection[part.collection] = d
            return d.dictionary
        }
        if let kept { return kept }
        let step = max(1, min(part.count / 100, bytes >> 20))
        let samples = stride(from: 0, to: part.count, by: step).map { part.memtable.encoded(at: $0) }
        let trained = ZstdDictionary.train(samples: samples, level: part.level)
        flushDictionaries.withLock { k in
            guard let trained else {
                k.byCollection[part.collection] = nil
                return
            }
            k.flushes += 1
            k.byCollection[part.collection] = FlushDictionary(dictionary: trained, level: part.level, uses: 1, lastFlush: k.flushes)
            if k.byCollection.count > FlushDictionary.kept,
               let oldest = k.byCollection.min(by: { $0.value.lastFlush < $1.value.lastFlush })?.key {
                k.byCollection[oldest] = nil
            }
        }
        return trained
    }
}
