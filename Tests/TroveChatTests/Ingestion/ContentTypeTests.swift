import Foundation
import Testing
@testable import TroveChat

@Suite struct ContentTypeTests {
    @Test func everyFixtureIsDetectedAsItsType() throws {
        for sample in IngestionFixtures.samples {
            let bytes = try IngestionFixtures.bytes(sample.file)
            #expect(try ContentType.detect(bytes, filename: sample.file) == sample.type, "\(sample.file)")
            #expect(try ContentType.detect(bytes, filename: nil) == sample.type, "\(sample.file) without a name")
        }
    }

    @Test func misleadingNamesDoNotOverrideTheContent() throws {
        for sample in IngestionFixtures.samples {
            let bytes = try IngestionFixtures.bytes(sample.file)
            for name in ["upload.txt", "upload.pdf", "upload.json", "upload.csv", "upload.docx", "upload.html"] {
                #expect(try ContentType.detect(bytes, filename: name) == sample.type, "\(sample.file) named \(name)")
            }
        }
    }

    @Test func aMarkdownNameOnlyTurnsPlainTextIntoMarkdown() throws {
        let text = try IngestionFixtures.bytes("sample.txt")
        #expect(try ContentType.detect(text, filename: "notes.md") == .md)
        #expect(try ContentType.detect(text, filename: "NOTES.Markdown") == .md)
        #expect(try ContentType.detect(text, filename: "notes.md.txt") == .txt)
        let json = try IngestionFixtures.bytes("sample.json")
        #expect(try ContentType.detect(json, filename: "notes.md") == .json)
    }

    @Test func binaryDataIsRefusedAsUnsupported() throws {
        let binary = try IngestionFixtures.bytes("binary.bin")
        #expect(IngestionFixtures.caught { try ContentType.detect(binary, filename: "notes.txt") }?.caseName == "unsupported")
        // Invalid UTF-8 without any NUL byte.
        let latin1: [UInt8] = Array("Caf".utf8) + [0xE9, 0x20] + Array("au lait".utf8)
        #expect(IngestionFixtures.caught { try ContentType.detect(latin1, filename: nil) }?.caseName == "unsupported")
        // A PNG says what it is.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        let error = IngestionFixtures.caught { try ContentType.detect(png, filename: "photo.txt") }
        #expect(error?.description.contains("PNG") == true)
    }

    @Test func aZipWithoutAWordDocumentIsRefused() throws {
        let zip = try IngestionFixtures.bytes("not-a-docx.zip")
        let error = try #require(IngestionFixtures.caught { try ContentType.detect(zip, filename: "report.docx") })
        #expect(error.caseName == "unsupported")
        #expect(error.description.contains("word/document.xml"))
    }

    @Test func aTruncatedZipIsCorrupt() throws {
        let docx = try IngestionFixtures.bytes("sample.docx")
        let cut = Array(docx.prefix(docx.count / 2))
        #expect(IngestionFixtures.caught { try ContentType.detect(cut, filename: "report.docx") }?.caseName == "corrupt")
    }

    @Test func aMultiByteCharacterCutByTheSniffingWindowIsStillText() throws {
        // 65,535 ASCII bytes then a 3-byte "€": the 64 KiB window ends inside it.
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 65_535) + Array("€ and more text".utf8)
        #expect(try ContentType.detect(bytes, filename: nil) == .txt)
    }

    @Test func thePDFHeaderMayFollowAFewJunkBytes() throws {
        let pdf = try IngestionFixtures.bytes("sample.pdf")
        #expect(try ContentType.detect(Array("\r\n\n".utf8) + pdf, filename: "x.txt") == .pdf)
    }

    @Test func textKindsAreToldApartByTheirContent() throws {
        func detect(_ text: String, _ name: String? = nil) throws -> ContentType {
            try ContentType.detect(Array(text.utf8), filename: name)
        }
        #expect(try detect("") == .txt)
        #expect(try detect("\u{FEFF}{\"a\": [1, 2]}") == .json)
        #expect(try detect("[1, 2, 3]\n") == .json)
        #expect(try detect("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n") == .json)  // JSON Lines
        #expect(try detect("{ not json, really }\n") == .txt)
        #expect(try detect("<p>One</p>\n<p>Two</p>") == .html)
        #expect(try detect("  <HTML><BODY>Shouting</BODY></HTML>") == .html)
        #expect(try detect("a;b;c\n1;2;3\n4;5;6\n") == .csv)
        #expect(try detect("a\tb\n1\t2\n3\t4\n") == .csv)
        #expect(try detect("id,\"name, full\"\n1,\"Doe, Jane\"\n2,\"Roe, Rick\"\n") == .csv)
        // Prose with one comma per line is not a table.
        #expect(try detect("Hello, world.\nGoodbye, friend.\nYes, indeed.\n") == .txt)
        #expect(try detect("# Title\n\nSome text.\n") == .md)
        #expect(try detect("See [the docs](https://example.org) for **more**.\n") == .md)
        #expect(try detect("Just a sentence.\nAnd another one.\n") == .txt)
    }

    @Test func mediaTypes() {
        #expect(ContentType.pdf.mediaType == "application/pdf")
        #expect(ContentType.md.mediaType == "text/markdown")
        #expect(ContentType.docx.mediaType.hasSuffix("wordprocessingml.document"))
        #expect(ContentType(rawValue: "csv") == .csv)
    }
}
