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
        guard manager.createFile(atPath: input.path, contents: Data(bytes)),
              manager.createFile(atPath: errors.path, contents: nil),
              let errorHandle = try? FileHandle(forWritingTo: errors) else {
            throw .corrupt(what: "PDF", detail: "cannot write temporary files under \(folder.path)")
        }
        defer { try? errorHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", input.path, output.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            // Present a moment ago but not runnable now (removed, no exec permission).
            throw IngestionError.pdftotextMissing
        }
        try wait(for: process, finished: finished, cancel: cancel)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .corrupt(
                what: "PDF",
                detail: "pdftotext exited with status \(process.terminationStatus)"
                    + (detail.isEmpty ? "" : ": " + String(detail.prefix(500))))
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

    /// Waits for the tool in short steps, so a raised `cancel` stops it within a tenth of a
    /// second; stops it after `timeoutSeconds` too (TERM, then KILL after 5 s).
    private static func wait(for process: Process, finished: DispatchSemaphore, cancel: CancellationFlag) throws(IngestionError) {
        let deadline = DispatchTime.now() + .seconds(timeoutSeconds)
        var stopped: IngestionError?
        while finished.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if cancel.isRaised { stopped = .cancelled } else if DispatchTime.now() >= deadline { stopped = .timedOut(tool: "pdftotext", seconds: timeoutSeconds) }
            guard stopped != nil else { continue }
            process.terminate()
            if finished.wait(timeout: .now() + .seconds(5)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            break
        }
        if let stopped { throw stopped }
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
