import Testing
@testable import TroveStorage

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        // RFC 3720 (iSCSI) test vectors for CRC-32C.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func hardwareAndSoftwareAgree() {
        var rng = SplitMix64(state: 99)
        for n in [0, 1, 3, 7, 8, 9, 15, 16, 63, 64, 1000, 65_537] {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for seed: UInt32 in [0, 0xDEAD_BEEF] {
                let hw = bytes.withUnsafeBytes { CRC32C.checksum($0, continuing: seed) }
                let sw = bytes.withUnsafeBytes { CRC32C.software($0, continuing: seed) }
                #expect(hw == sw, "n=\(n)")
            }
        }
    }

    @Test func continuingEqualsWhole() {
        var rng = SplitMix64(state: 7)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let split = CRC32C.checksum(bytes[cut...], continuing: CRC32C.checksum(bytes[..<cut]))
            #expect(split == CRC32C.checksum(bytes))
        }
    }
}

@Suite struct ByteCodingTests {
    @Test func varintsRoundTrip() throws {
        let values: [UInt64] = [0, 1, 127, 128, 300, 16383, 16384, UInt64(UInt32.max), UInt64.max]
        var w = ByteWriter()
        for v in values { w.varint(v) }
        for v: Int64 in [0, -1, 1, Int64.min, Int64.max] { w.zigzag(v) }
        let (unsigned, signed, atEnd) = try w.bytes.withUnsafeBytes { raw throws -> ([UInt64], [Int64], Bool) in
            var r = ByteReader(raw)
            let u = try values.map { _ in try r.varint() }
            let s = try (0..<5).map { _ in try r.zigzag() }
            return (u, s, r.isAtEnd)
        }
        #expect(unsigned == values)
        #expect(signed == [0, -1, 1, Int64.min, Int64.max])
        #expect(atEnd)
    }

    /// Skipping lands where reading the same varints would, and a truncated one throws.
    @Test func skippedVarintsEndWhereReadOnesDo() throws {
        var w = ByteWriter()
        for v: UInt64 in [5, 300, UInt64.max, 0, 16384, 42] { w.varint(v) }
        try w.bytes.withUnsafeBytes { raw in
            var skip = ByteReader(raw), read = ByteReader(raw)
            try skip.skipVarints(5)
            for _ in 0..<5 { _ = try read.varint() }
            #expect(skip.offset == read.offset)
            #expect(try skip.varint() == 42 && skip.isAtEnd)
            var past = ByteReader(raw)
            #expect(throws: DecodeError.self) { try past.skipVarints(7) }
            #expect(past.offset == 0)
        }
    }

    @Test func readsPastTheEndThrow() {
        let bytes: [UInt8] = [0x80, 0x80]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            #expect(throws: DecodeError.self) { try r.varint() }
            var r2 = ByteReader(raw)
            #expect(throws: DecodeError.self) { try r2.u32() }
        }
    }
}
