import Foundation
@testable import TroveChat

/// The ingestion fixtures (made by scripts/make-chat-fixtures.py) and what each must yield.
enum IngestionFixtures {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture \(name) is missing; run python3 scripts/make-chat-fixtures.py" }
    }

    /// Each sample file, its type and the distinctive sentence its text must contain.
    static let samples: [(file: String, type: ContentType, sentence: String)] = [
        ("sample.txt", .txt, "The heron nests beside the quiet estuary."),
        ("sample.md", .md, "Copper kettles whistle louder in the mountain cabin."),
        ("sample.html", .html, "The lighthouse keeper logs every passing freighter."),
        ("sample.json", .json, "Glacier moss thrives under the midnight sun."),
        ("sample.csv", .csv, "Amber lanterns glow along the canal at dusk."),
        ("sample.docx", .docx, "The orchard ladder leans against the oldest pear tree."),
        ("sample.pdf", .pdf, "Saltwater crocodiles bask on the northern riverbank."),
    ]

    static func url(_ name: String) throws -> URL {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw Missing(name: "Fixtures")
        }
        let file = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else { throw Missing(name: name) }
        return file
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    /// Whether `pdftotext` is installed, for tests that need it.
    static var hasPdftotext: Bool { PDFText.locate(nil) != nil }

    /// The error `body` throws, or nil when it returns.
    /// The `IngestionError` `body` throws (nil when it throws nothing or another error).
    static func caught<T>(_ body: () throws -> T) -> IngestionError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? IngestionError
        }
    }
}

extension IngestionError {
    /// The case's name, so tests can check the kind of error without its whole message.
    var caseName: String {
        switch self {
        case .unsupported: return "unsupported"
        case .missingTool: return "missingTool"
        case .corrupt: return "corrupt"
        case .tooLarge: return "tooLarge"
        case .empty: return "empty"
        case .timedOut: return "timedOut"
        case .badSplitSettings: return "badSplitSettings"
        case .textTooLarge: return "textTooLarge"
        case .tooManyChunks: return "tooManyChunks"
        case .cancelled: return "cancelled"
        }
    }
}
