import Foundation

/// Entry point for the safetensors fuzz target (`Benchmarks/fuzz`): a file mapped and
/// checked, then every float32 tensor it names read end to end.
public enum EmbedFuzzing {
    public static func safetensors(path: String) {
        guard let file = try? SafeTensorsFile(url: URL(fileURLWithPath: path)) else { return }
        for (name, entry) in file.entries where entry.dtype == "F32" {
            guard let values = try? file.floats(name, shape: entry.shape) else { continue }
            _ = values.reduce(0, +)
        }
    }
}
