import Foundation
import Testing
import TroveTestSupport
@testable import TroveVector

@Suite struct VectorFilesTests {
    private func fvecs(_ rows: [[Float]]) -> Data {
        var d = Data()
        for r in rows {
            withUnsafeBytes(of: Int32(r.count).littleEndian) { d.append(contentsOf: $0) }
            for x in r { withUnsafeBytes(of: x.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        }
        return d
    }

    private func npy(_ descr: String, shape: String, payload: Data) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var d = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(header.utf8))
        d.append(payload)
        return d
    }

    @Test func readsFvecsAndNpy() throws {
        let dir = TempDirectory()
        try fvecs([[1, 2, 3], [4, 5, 6]]).write(to: URL(fileURLWithPath: dir.sub("a.fvecs")))
        let t = try VectorFiles.readFloats(dir.sub("a.fvecs"))
        #expect(t.rows == 2 && t.columns == 3 && t.values == [1, 2, 3, 4, 5, 6])
        // The writer's bytes are the layout read above, byte for byte (what FAISS reads too).
        try VectorFiles.writeFloats([[1, 2, 3], [4, 5, 6]], to: dir.sub("w.fvecs"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.sub("w.fvecs"))) == fvecs([[1, 2, 3], [4, 5, 6]]))
        var payload = Data()
        for x: Float in [1, 2, 3, 4] { withUnsafeBytes(of: x.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        try npy("<f4", shape: "(2, 2)", payload: payload).write(to: URL(fileURLWithPath: dir.sub("b.npy")))
        let n = try VectorFiles.readFloats(dir.sub("b.npy"))
        #expect(n.rows == 2 && n.columns == 2 && n.values == [1, 2, 3, 4])
        var ints = Data()
        for x: Int32 in [7, 8, 9] { withUnsafeBytes(of: x.littleEndian) { ints.append(contentsOf: $0) } }
        try npy("<i4", shape: "(1, 3)", payload: ints).write(to: URL(fileURLWithPath: dir.sub("c.npy")))
        #expect(try VectorFiles.readInts(dir.sub("c.npy")).values == [7, 8, 9])
    }

    @Test func brokenFilesAreTypedErrors() throws {
        let dir = TempDirectory()
        var bad = fvecs([[1, 2, 3], [4, 5, 6]])
        bad.removeLast(2)
        let cases: [(String, Data)] = [
            ("trunc.fvecs", bad),
            ("mixed.fvecs", fvecs([[1, 2, 3], [4, 5]] )),
            ("empty.fvecs", Data()),
            ("dtype.npy", npy("<f8", shape: "(1, 1)", payload: Data(count: 8))),
            ("short.npy", npy("<f4", shape: "(3, 3)", payload: Data(count: 8))),
            ("magic.npy", Data("hello world, not numpy".utf8)),
            ("shape.npy", npy("<f4", shape: "(1, 1, 1)", payload: Data(count: 4))),
        ]
        for (name, data) in cases {
            try data.write(to: URL(fileURLWithPath: dir.sub(name)))
            #expect(throws: VectorError.self, "\(name)") { try VectorFiles.readFloats(dir.sub(name)) }
        }
    }
}
