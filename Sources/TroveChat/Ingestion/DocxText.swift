import Foundation
import ZIPFoundation

/// Reads the text of a Word document (.docx): the ZIP's `word/document.xml`, scanned by hand
/// because FoundationXML's parser needs libxml2 at run time. Paragraphs (`w:p`) are joined
/// with blank lines; runs' text (`w:t`) is decoded; `w:tab` becomes a tab and `w:br`/`w:cr`
/// a line break.
enum DocxText {
    static let documentPath = "word/document.xml"

    /// Whether a ZIP archive holds a Word document body.
    /// - Throws: `IngestionError.corrupt` when the archive's directory cannot be read.
    static func holdsDocument(_ bytes: [UInt8]) throws(IngestionError) -> Bool {
        try archive(of: bytes)[documentPath] != nil
    }

    static func extract(_ bytes: [UInt8], maxBytes: Int) throws(IngestionError) -> String {
        let zip = try archive(of: bytes)
        guard let entry = zip[documentPath] else {
            throw .corrupt(what: "DOCX file", detail: "the ZIP archive holds no \(documentPath)")
        }
        // The size in the directory can lie (a ZIP bomb); the consumer checks as it goes too.
        if entry.uncompressedSize > UInt64(maxBytes) {
            throw .tooLarge(bytes: Int(clamping: entry.uncompressedSize), limit: maxBytes)
        }
        var xml: [UInt8] = []
        do {
            _ = try zip.extract(entry, skipCRC32: false) { chunk in
                guard xml.count + chunk.count <= maxBytes else {
                    throw IngestionError.tooLarge(bytes: xml.count + chunk.count, limit: maxBytes)
                }
                xml.append(contentsOf: chunk)
            }
        } catch let error as IngestionError {
            throw error
        } catch {
            throw .corrupt(what: "DOCX file", detail: "\(documentPath) cannot be unpacked: \(error)")
        }
        return text(ofDocumentXML: xml)
    }

    private static func archive(of bytes: [UInt8]) throws(IngestionError) -> Archive {
        // ZIPFoundation leaks its in-memory file handle when it finds no end-of-directory
        // record, so that common corruption is caught here first.
        guard hasEndOfCentralDirectory(bytes) else {
            throw .corrupt(what: "ZIP archive", detail: "no end-of-central-directory record (truncated?)")
        }
        do {
            return try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw .corrupt(what: "ZIP archive", detail: "\(error)")
        }
    }

    /// The record (`PK\u{5}\u{6}`) sits in the last 22 bytes plus up to 64 KiB of comment.
    private static func hasEndOfCentralDirectory(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 22 else { return false }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var position = bytes.count - 22
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                return true
            }
            position -= 1
        }
        return false
    }

    // MARK: - document.xml

    /// The text of WordprocessingML. Tab stops (`w:tab` inside `w:tabs`) and deleted or
    /// field-code text (`w:delText`, `w:instrText`) are not content and are skipped.
    static func text(ofDocumentXML xml: [UInt8]) -> String {
        var paragraphs: [String] = []
        var current: [UInt8] = []
        var inTabStops = false
        var index = 0
        func endParagraph() {
            let text = String(decoding: current, as: UTF8.self)
            if text.contains(where: { !$0.isWhitespace }) { paragraphs.append(text) }
            current.removeAll(keepingCapacity: true)
        }
        while index < xml.count {
            guard xml[index] == UInt8(ascii: "<") else { index += 1; continue }
            guard let tagEnd = firstIndex(of: UInt8(ascii: ">"), in: xml, from: index) else { break }
            let tag = Tag(xml[(index + 1)..<tagEnd])
            index = tagEnd + 1
            switch (tag.name, tag.closing) {
            case ("w:p", false):
                // A paragraph inside a text box nests in another paragraph's run.
                if !current.isEmpty { endParagraph() }
            case ("w:p", true):
                endParagraph()
            case ("w:tabs", _):
                inTabStops = !tag.closing && !tag.selfClosing
            case ("w:tab", false) where !inTabStops:
                current.append(UInt8(ascii: "\t"))
            case ("w:br", false), ("w:cr", false):
                current.append(UInt8(ascii: "\n"))
            case ("w:t", false) where !tag.selfClosing:
                let close = find(Array("</w:t>".utf8), in: xml, from: index) ?? xml.count
                current.append(contentsOf: HTMLEntities.decodeAll(Array(xml[index..<close])))
                index = min(xml.count, close + 6)
            default:
                break
            }
        }
        endParagraph()
        return paragraphs.joined(separator: "\n\n")
    }

    /// The parts of a tag that matter here: its name and whether it closes or self-closes.
    private struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool

        init(_ inner: ArraySlice<UInt8>) {
            closing = inner.first == UInt8(ascii: "/")
            selfClosing = inner.last == UInt8(ascii: "/")
            let body = closing ? inner.dropFirst() : inner
            let nameBytes = body.prefix { byte in
                byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != UInt8(ascii: "/")
            }
            name = String(decoding: nameBytes, as: UTF8.self)
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        var position = start
        while position < bytes.count {
            if bytes[position] == byte { return position }
            position += 1
        }
        return nil
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var position = start
        while position <= bytes.count - pattern.count {
            if bytes[position] == first, bytes[position..<(position + pattern.count)].elementsEqual(pattern) {
                return position
            }
            position += 1
        }
        return nil
    }
}
