import Foundation
import Testing
@testable import TroveChat

@Suite struct TextExtractorTests {
    let extractor = TextExtractor()

    private func extracted(_ file: String, as type: ContentType) throws -> String {
        try extractor.extract(try IngestionFixtures.bytes(file), as: type)
    }

    @Test func everyFixtureYieldsItsSentenceWithoutMarkup() throws {
        for sample in IngestionFixtures.samples where sample.type != .pdf || IngestionFixtures.hasPdftotext {
            let text = try extracted(sample.file, as: sample.type)
            // pdftotext may wrap a line; compare with whitespace runs made single spaces.
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains(sample.sentence), "\(sample.file): \(text.prefix(300))")
            for markup in ["<", "w:t", "**", "](", "```", "&amp;", "\r"] {
                #expect(!text.contains(markup), "\(sample.file) still has \(markup.debugDescription)")
            }
            #expect(text == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.file) is not trimmed")
            #expect(!text.contains("\n\n\n"), "\(sample.file) has runs of blank lines")
        }
    }

    @Test func htmlDropsScriptsStylesAndCommentsAndKeepsTheTitleAndStructure() throws {
        let text = try extracted("sample.html", as: .html)
        #expect(text.hasPrefix("Harbour Log\n\nNight Watch\n\n"))
        for hidden in ["SCRIPT_SHOULD_NOT_APPEAR", "NOSCRIPT_SHOULD_NOT_APPEAR", "color", "comment", "charset"] {
            #expect(!text.contains(hidden), "\(hidden) leaked into: \(text)")
        }
        #expect(text.contains("Fish & chips cost £5 — cash only! Café hours: 7–9 ☺"))
        #expect(text.contains("First line\nSecond line"))
        #expect(text.contains("Ship | Flag\nNorthern Star | Norway"))
    }

    @Test func htmlEntitiesAndWhitespace() throws {
        let html = "<div>  a&lt;b &amp;&amp; c&gt;d &#65;&#x42; &unknown; &#xD800;</div><p>x&nbsp;y</p>"
        let text = try extractor.extract(Array(html.utf8), as: .html)
        #expect(text == "a<b && c>d AB &unknown; \u{FFFD}\n\nx y")
    }

    @Test func markdownKeepsTheTextAndDropsTheSyntax() throws {
        let text = try extracted("sample.md", as: .md)
        #expect(text.hasPrefix("Field Notes\n\nCopper kettles whistle louder in the mountain cabin.\n"))
        #expect(text.contains("See the cabin guide for directions."))
        #expect(text.contains("A copper kettle on the stove"))
        #expect(!text.contains("https://example.org"))
        #expect(!text.contains("draft comment"))
        #expect(text.contains("- a spare lantern"))
        #expect(text.contains("- matches in a tin"))
        #expect(text.contains("brew --strength strong"))
        #expect(text.contains("Snow_line_markers stay visible all winter."))
        #expect(!text.contains("#"))
    }

    @Test func markdownInlineSyntax() {
        #expect(MarkdownText.inline("use `a*b*c` here") == "use a*b*c here")
        #expect(MarkdownText.inline("2 * 3 * 4 and snake_case_name") == "2 * 3 * 4 and snake_case_name")
        #expect(MarkdownText.inline("~~old~~ new, \\*literal\\*") == "old new, *literal*")
        #expect(MarkdownText.inline("[![logo](l.png)](https://x.org) <https://y.org>") == "logo https://y.org")
        #expect(MarkdownText.extract("## Title ##\n***\n[ref]: https://x.org\ntext") == "Title\n\n\ntext")
    }

    @Test func jsonBecomesPathValueLines() throws {
        let text = try extracted("sample.json", as: .json)
        #expect(text == """
            title: Expedition notes
            entries[0].place: Svalbard
            entries[0].note: Glacier moss thrives under the midnight sun.
            entries[0].days: 12
            entries[1].place: Tromsø
            entries[1].note: Reindeer cross the road at noon.
            entries[1].days: 3.5
            verified: true
            leader: null
            tags[0]: arctic
            tags[1]: summer
            """)
    }

    @Test func jsonLinesAndBadJSON() throws {
        let lines = try extractor.extract(Array("{\"a\": 1}\n{\"a\": \"two\"}\n".utf8), as: .json)
        #expect(lines == "a: 1\n\na: two")
        let odd = try extractor.extract(Array("{\"a.b\": {\"c d\": [true]}}".utf8), as: .json)
        #expect(odd == "[\"a.b\"][\"c d\"][0]: true")
        let error = IngestionFixtures.caught { try extractor.extract(Array("{\"a\": ".utf8), as: .json) }
        #expect(error?.caseName == "corrupt")
    }

    @Test func csvRowsPairEachValueWithItsHeader() throws {
        let text = try extracted("sample.csv", as: .csv)
        #expect(text == """
            name: Ada; city: Lyon; note: Amber lanterns glow along the canal at dusk.
            name: Bram; city: Ghent, Belgium; note: Says "hello" twice then leaves
            name: Cleo; city: Oslo; note: Plain note
            """)
    }

    @Test func csvParserFollowsRFC4180() throws {
        let rows = CSVText.parse(Array("a,\"b,\"\"c\"\"\r\nd\",e\r\n\r\n1,,\"\"\n2".utf8), delimiter: UInt8(ascii: ","))
        #expect(rows == [["a", "b,\"c\"\r\nd", "e"], ["1", "", ""], ["2"]])
        var budget = TextBudget(limit: 1 << 20)
        let semicolons = try CSVText.extract(Array("x;y\n1;2\n3;\n".utf8), budget: &budget)
        #expect(semicolons == "x: 1; y: 2\nx: 3")
    }

    @Test func docxParagraphsRunsTabsAndEntities() throws {
        let text = try extracted("sample.docx", as: .docx)
        #expect(text == """
            The orchard ladder leans against the oldest pear tree.

            Pears & plums\tripen in September.

            Pick them early
            and store them cool.
            """)
    }

    @Test func aZipWithoutWordDocumentXMLIsCorrupt() throws {
        let zip = try IngestionFixtures.bytes("not-a-docx.zip")
        let error = try #require(IngestionFixtures.caught { try extractor.extract(zip, as: .docx) })
        #expect(error.caseName == "corrupt")
        #expect(error.description.contains("word/document.xml"))
        let garbage = Array("PK\u{3}\u{4} this is no archive at all".utf8)
        #expect(IngestionFixtures.caught { try extractor.extract(garbage, as: .docx) }?.caseName == "corrupt")
    }

    @Test func anOversizedDocxPartIsRefused() throws {
        let docx = try IngestionFixtures.bytes("sample.docx")
        let small = TextExtractor(maxBytes: docx.count + 10)  // the archive fits, its unpacked XML does not
        #expect(IngestionFixtures.caught { try small.extract(docx, as: .docx) }?.caseName == "tooLarge")
    }

    @Test(.enabled(if: IngestionFixtures.hasPdftotext, "needs pdftotext (apt-get install poppler-utils)"))
    func pdfTextComesFromPdftotext() throws {
        let text = try extracted("sample.pdf", as: .pdf)
        #expect(text.contains("Saltwater crocodiles bask on the northern riverbank."))
        #expect(text.contains("Tide tables are printed on the back page."))
        #expect(!text.contains("\u{0C}"))
        let broken = Array("%PDF-1.4\nnot really a pdf\n".utf8)
        let error = try #require(IngestionFixtures.caught { try extractor.extract(broken, as: .pdf) })
        #expect(error.caseName == "corrupt")
        #expect(error.description.contains("pdftotext"))
    }

    @Test func aMissingPdftotextSaysWhichPackageToInstall() throws {
        let pdf = try IngestionFixtures.bytes("sample.pdf")
        let missing = TextExtractor(pdftotextPath: "/nonexistent/pdftotext")
        let error = try #require(IngestionFixtures.caught { try missing.extract(pdf, as: .pdf) })
        guard case let .missingTool(name, hint) = error else {
            Issue.record("expected missingTool, got \(error)")
            return
        }
        #expect(name == "pdftotext")
        #expect(hint.contains("poppler-utils"))
        #expect(error.description.contains("apt-get install poppler-utils"))
    }

    @Test func plainTextIsDecodedLeniently() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("one\r\ntwo\rthree  \n\n\n\nfour\u{7}".utf8) + [0xFF] + Array(" end".utf8)
        let text = try extractor.extract(bytes, as: .txt)
        #expect(text == "one\ntwo\nthree\n\nfour\u{FFFD} end")
    }

    @Test func emptyAndOversizedInputsAreTypedErrors() {
        #expect(IngestionFixtures.caught { try extractor.extract(Array(" \n\t\n".utf8), as: .txt) }?.caseName == "empty")
        #expect(IngestionFixtures.caught { try extractor.extract(Array("<script>x()</script>".utf8), as: .html) }?.caseName == "empty")
        let small = TextExtractor(maxBytes: 10)
        #expect(IngestionFixtures.caught { try small.extract(Array("eleven bytes".utf8), as: .txt) } == .tooLarge(bytes: 12, limit: 10))
    }

    @Test func detectAndExtractTogether() throws {
        let bytes = try IngestionFixtures.bytes("sample.csv")
        let result = try extractor.extract(bytes, filename: "upload.bin")
        #expect(result.type == .csv)
        #expect(result.text.contains("city: Ghent, Belgium"))
    }
}
