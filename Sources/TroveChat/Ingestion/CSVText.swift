import Foundation

/// Reads CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF) with
/// a comma, semicolon or tab delimiter, and writes each row as one line of
/// `header: value; header: value`, so a chunk of rows still says what each value is.
enum CSVText {
    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    /// In order of preference when several fit equally.
    private static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]

    static func extract(_ bytes: [UInt8], budget: inout TextBudget) throws(IngestionError) -> String {
        let delimiter = sniffDelimiter(bytes) ?? mostFrequentInFirstLine(bytes)
        let rows = parse(bytes, delimiter: delimiter)
        guard let header = rows.first else { return "" }
        let names = header.enumerated().map { index, name in
            let clean = oneLine(name)
            return clean.isEmpty ? "column \(index + 1)" : clean
        }
        if rows.count == 1 { return names.joined(separator: "; ") }
        var lines: [String] = []
        lines.reserveCapacity(rows.count - 1)
        for row in rows.dropFirst() {
            var pairs: [String] = []
            for (index, field) in row.enumerated() {
                let value = oneLine(field)
                if value.isEmpty { continue }  // an empty cell says nothing worth a token
                let name = index < names.count ? names[index] : "column \(index + 1)"
                try budget.spend(name.utf8.count + value.utf8.count + 4)
                pairs.append("\(name): \(value)")
            }
            if !pairs.isEmpty { lines.append(pairs.joined(separator: "; ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// The delimiter when the first records of `bytes` look like a table: at least two
    /// records with the same number (≥ 1) of delimiters outside quotes; nil when they do not.
    static func sniffDelimiter(_ bytes: [UInt8]) -> UInt8? {
        let window = bytes.prefix(16 * 1024)
        var best: (delimiter: UInt8, count: Int)?
        for delimiter in candidates {
            var records = shape(of: window, delimiter: delimiter, maxRecords: 10)
            if bytes.count > window.count, records.count > 1 { records.removeLast() }  // may be cut short
            guard records.count >= 2, let first = records.first?.delimiters, first >= 1,
                  records.allSatisfy({ $0.delimiters == first }) else { continue }
            // Two columns is weak evidence: a few lines of prose with one comma each match it.
            if first == 1 && records.count < 3 { continue }
            // Prose has ", " and full stops; CSV rows rarely have both on most lines.
            let prose = records.filter { $0.endsLikeSentence && $0.spacedDelimiters == $0.delimiters }.count
            if delimiter == UInt8(ascii: ","), first <= 2, prose * 2 > records.count { continue }
            if best.map({ first > $0.count }) ?? true { best = (delimiter, first) }
        }
        return best?.delimiter
    }

    private struct RecordShape {
        var delimiters: Int
        /// Delimiters followed by a space, as commas in prose are.
        var spacedDelimiters: Int
        var endsLikeSentence: Bool
    }

    /// Delimiter counts of the first non-blank records, quotes respected.
    private static func shape(of bytes: ArraySlice<UInt8>, delimiter: UInt8, maxRecords: Int) -> [RecordShape] {
        var records: [RecordShape] = []
        var count = 0, spaced = 0, inQuotes = false, atFieldStart = true, justClosed = false, hasContent = false
        var last: UInt8 = 0
        for byte in bytes {
            if last == delimiter && byte == 0x20 && !inQuotes { spaced += 1 }
            if inQuotes {
                if byte == quote { inQuotes = false; justClosed = true }
                continue
            }
            let reopened = justClosed && byte == quote
            justClosed = false
            switch byte {
            case quote where atFieldStart || reopened:
                inQuotes = true; atFieldStart = false; hasContent = true
            case delimiter:
                count += 1; atFieldStart = true; hasContent = true
            case newline:
                if hasContent {
                    let sentence = last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?")
                    records.append(RecordShape(delimiters: count, spacedDelimiters: spaced, endsLikeSentence: sentence))
                    if records.count >= maxRecords { return records }
                }
                count = 0; spaced = 0; atFieldStart = true; hasContent = false; last = 0
                continue
            case carriageReturn:
                continue
            default:
                atFieldStart = false; hasContent = true
            }
            if byte != 0x20 { last = byte }
        }
        if hasContent {
            let sentence = last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?")
            records.append(RecordShape(delimiters: count, spacedDelimiters: spaced, endsLikeSentence: sentence))
        }
        return records
    }

    private static func mostFrequentInFirstLine(_ bytes: [UInt8]) -> UInt8 {
        let firstLine = bytes.prefix { $0 != newline }
        let counts = candidates.map { candidate in firstLine.filter { $0 == candidate }.count }
        guard let top = counts.max(), top > 0, let index = counts.firstIndex(of: top) else { return candidates[0] }
        return candidates[index]
    }

    /// The records of the whole input. Lenient where RFC 4180 is strict: a quote inside an
    /// unquoted field is kept, text after a closing quote is kept, an unterminated quote runs
    /// to the end; blank lines are skipped.
    static func parse(_ bytes: [UInt8], delimiter: UInt8) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false, fieldStarted = false, afterQuote = false
        var index = 0
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false; afterQuote = false
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == quote {
                    if index < bytes.count && bytes[index] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        inQuotes = false; afterQuote = true
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                endField()
            case newline:
                endRow()
            case carriageReturn:
                // CRLF ends the row at the LF; a lone CR (old Mac files) ends it here.
                if index < bytes.count && bytes[index] == newline { continue }
                endRow()
            case quote where !fieldStarted && !afterQuote:
                inQuotes = true; fieldStarted = true
            default:
                field.append(byte); fieldStarted = true
            }
        }
        if fieldStarted || afterQuote || !row.isEmpty || !field.isEmpty { endRow() }
        return rows
    }

    private static func oneLine(_ field: String) -> String {
        field.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
