import Foundation
import Testing
import TroveTestSupport
@testable import TroveEmbed

/// Hand-built safetensors files: the reader takes what the format allows and names the
/// file and tensor for everything it refuses.
@Suite struct SafeTensorsFileTests {
    /// A file with `header` as its JSON header and `data` after it.
    private func file(_ dir: TempDirectory, header: String, data: [UInt8]) throws -> URL {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        let url = URL(fileURLWithPath: dir.sub("t.safetensors"))
        try Data(bytes).write(to: url)
        return url
    }

    private func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    private func expectProblem(_ body: () throws -> Void, _ words: String) {
        do {
            try body()
            Issue.record("accepted; expected a problem containing \(words)")
        } catch EmbedderError.modelFile(let path, let problem) {
            #expect(path.hasSuffix("t.safetensors"))
            #expect(problem.contains(words), "\(problem)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // 12 spaces keep the data area 4-byte aligned after the 8-byte length.
    private let pad = "            "

    @Test func readsFloatTensorsInPlace() throws {
        let dir = TempDirectory("safetensors")
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#
        let padded = header + String(repeating: " ", count: (4 - (8 + header.utf8.count) % 4) % 4)
        let file = try SafeTensorsFile(url: try file(dir, header: padded, data: floats([1, 2, 3, 4, -0.5])))
        #expect(Array(try file.floats("a", shape: [2, 2])) == [1, 2, 3, 4])
        #expect(Array(try file.floats("b", shape: [1])) == [-0.5])
        #expect(file.entries.count == 2)
    }

    @Test func refusesWhatTheEncoderCannotUse() throws {
        let dir = TempDirectory("safetensors")
        let header = #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"f":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"odd":{"dtype":"F32","shape":[1],"data_offsets":[9,13]}}"#
        let padded = header + String(repeating: " ", count: (4 - (8 + header.utf8.count) % 4) % 4)
        let file = try SafeTensorsFile(url: try file(dir, header: padded, data: [UInt8](repeating: 0, count: 13)))
        expectProblem({ _ = try file.floats("h", shape: [2]) }, "as F16, not F32")
        expectProblem({ _ = try file.floats("f", shape: [2]) }, "shape [1], expected [2]")
        expectProblem({ _ = try file.floats("none", shape: [1]) }, "no tensor none")
        expectProblem({ _ = try file.floats("odd", shape: [1]) }, "misaligned")
    }

    @Test func refusesHeadersThatDisagreeWithTheData() throws {
        let dir = TempDirectory("safetensors")
        // Four bytes declared for a shape of two floats.
        var url = try file(dir, header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"# + pad, data: floats([1, 2]))
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "4 bytes for shape [2]")
        // A range past the end of the file.
        url = try file(dir, header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"# + pad, data: floats([1]))
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "out-of-range")
        // Offsets backwards, a negative dimension, an entry that is not an object.
        url = try file(dir, header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"# + pad, data: floats([1, 2]))
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "out-of-range")
        url = try file(dir, header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"# + pad, data: floats([1]))
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "malformed")
        url = try file(dir, header: #"{"a":[1,2,3]}"# + pad, data: [])
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "malformed")
        // A header that is valid JSON but not an object.
        url = try file(dir, header: "[1, 2]", data: [])
        expectProblem({ _ = try SafeTensorsFile(url: url) }, "not a JSON object")
        expectProblem({ _ = try SafeTensorsFile(url: URL(fileURLWithPath: dir.sub("gone/t.safetensors"))) }, "is missing")
    }
}
