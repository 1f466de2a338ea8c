/// Entry point for the multipart fuzz target (`Benchmarks/fuzz`): a body split with the
/// boundary `fuzz`, the way an upload is, and its parts read.
public enum ServerFuzzing {
    public static func multipart(_ bytes: [UInt8]) {
        guard let form = try? MultipartForm(body: bytes, boundary: "fuzz") else { return }
        for part in form.parts { _ = (part.name, part.filename, part.contentType, part.bytes.count) }
    }
}
