import Foundation

/// Extracts a PDF's text layer with poppler's `pdftotext`, run as a child process: a PDF
/// reader is far too big a thing to write here, and poppler's is the reference on Linux.
/// Blocks the calling thread for up to `timeoutSeconds`; call it off the cooperative pool.
enum PDFText {
    static let timeoutSeconds = 60

    /// - Parameters:
    ///   - maxOutputBytes: text beyond this is refused (`textTooLarge`) before it is read.
    ///   - cancel: polled while the tool runs; when raised the tool is stopped.
    static func extract(_ bytes: [UInt8], pdftotextPath: String?, maxOutputBytes: Int, cancel: CancellationFlag) throws(IngestionError) -> String {
        guard let tool = locate(pdftotextPath) else { throw IngestionError.pdftotextMissing }
        let manager = FileManager.default
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("trove-pdf-\(UUID().uuidString)", isDirectory: true)
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .corrupt(what: "PDF", detail: "cannot create a temporary folder at \(folder.path): \(error)")
        }
        defer { try? manager.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.pdf")
        let output = folder.appendingPathComponent("output.txt")
        let errors = folder.appendingPathComponent("stderr.txt")
        // Output and diagnostics go to files, not pipes: a full pipe nobody reads would block
        // the tool, and reading two pipes safely needs threads.
        guard manager.createFile(atPath: input.path, contents: Data(bytes)) else {
            throw .corrupt(what: "PDF", detail: "cannot write temporary files under \(folder.path)")
        }
        let outcome = ToolProcess.run(tool, ["-enc", "UTF-8", input.path, output.path], stderrPath: errors.path,
                                      timeoutSeconds: timeoutSeconds, cancel: cancel)
        switch outcome {
        case nil: throw IngestionError.pdftotextMissing  // present a moment ago, not runnable now
        case .cancelled?: throw .cancelled
        case .timedOut?: throw .timedOut(tool: "pdftotext", seconds: timeoutSeconds)
        case .exited(0)?: break
        case let other?:
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            let how: String
            if case let .signalled(n) = other { how = "was stopped by signal \(n)" } else if case let .exited(n) = other { how = "exited with status \(n)" } else { how = "failed" }
            throw .corrupt(what: "PDF", detail: "pdftotext \(how)" + (detail.isEmpty ? "" : ": " + String(detail.prefix(500))))
        }
        let size = (try? manager.attributesOfItem(atPath: output.path)[.size] as? Int) ?? nil
        guard let size, let data = manager.contents(atPath: output.path) else {
            throw .corrupt(what: "PDF", detail: "pdftotext wrote no output")
        }
        // Checked on the file, before reading it into memory.
        guard size <= maxOutputBytes, data.count <= maxOutputBytes else { throw .textTooLarge(limit: maxOutputBytes) }
        // Form feeds end pages: a paragraph break is what they mean for reading.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{0C}", with: "\n\n")
    }

    /// The tool's path: the given one if it is executable, else the first `pdftotext` on PATH.
    static func locate(_ explicit: String?) -> String? {
        let manager = FileManager.default
        if let explicit {
            return manager.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/pdftotext"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
