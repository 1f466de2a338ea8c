import Foundation
import TroveStandIn

// The stand-in model server (TroveStandIn: OpenAI's chat and embeddings wire formats on
// 127.0.0.1) as a process of its own, for runs outside the test suite that need a chat
// provider and an embedder: `Benchmarks/api-schema/run.py`. Prints its base URL, then
// serves until it is killed.
//
//     trove-standin [DIMENSION]     (embedding dimension, default 16)
let dimension = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 16
let server = try await StandInServer.start(dimension: dimension)
// Straight to the file descriptor: a pipe would hold print's buffered line back.
FileHandle.standardOutput.write(Data("standin listening on \(server.baseURL)\n".utf8))
while true { try await Task.sleep(for: .seconds(3600)) }
