/// One lexical unit of an arithmetic expression, with the text it was read from and the
/// 0-based character position it starts at (for error messages).
struct CalculatorToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        /// A function or constant name, lower-cased.
        case name(String)
        case plus, minus, times, divide, remainder, power
        case open, close, comma
        case end
    }

    var kind: Kind
    var text: String
    var position: Int
}

/// Splits an expression into tokens. Every token list ends with exactly one `.end`, so the
/// parser can always look at the current token without bounds checks.
enum CalculatorTokenizer {
    static func tokenize(_ chars: [Character]) throws(CalculatorError) -> [CalculatorToken] {
        var tokens: [CalculatorToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                let (value, end) = try number(chars, from: i)
                tokens.append(CalculatorToken(kind: .number(value), text: String(chars[start..<end]), position: start))
                i = end
                continue
            }
            if isLetter(c) {
                var end = i + 1
                while end < chars.count, isLetter(chars[end]) || isDigit(chars[end]) { end += 1 }
                let text = String(chars[start..<end])
                tokens.append(CalculatorToken(kind: .name(text.lowercased()), text: text, position: start))
                i = end
                continue
            }
            var length = 1
            let kind: CalculatorToken.Kind
            switch c {
            case "+": kind = .plus
            // U+2212 MINUS SIGN: what typeset text and some models write for minus.
            case "-", "\u{2212}": kind = .minus
            case "*":
                if i + 1 < chars.count, chars[i + 1] == "*" {
                    kind = .power
                    length = 2
                } else {
                    kind = .times
                }
            case "×", "·": kind = .times
            case "/", "÷": kind = .divide
            case "%": kind = .remainder
            case "^": kind = .power
            case "(": kind = .open
            case ")": kind = .close
            case ",": kind = .comma
            case "π": kind = .name("pi")
            default: throw .unexpectedCharacter(c, position: i)
            }
            tokens.append(CalculatorToken(kind: kind, text: String(chars[start..<start + length]), position: start))
            i += length
        }
        tokens.append(CalculatorToken(kind: .end, text: "", position: chars.count))
        return tokens
    }

    /// Reads `12`, `1.5`, `.5`, `5.`, `1.5e3`, `2E-4` from `start`; returns the value and the
    /// index just past it. An `e` not followed by digits is left for the next token, so
    /// `2e` reads as the number 2 then the name `e` (which the parser then refuses).
    private static func number(_ chars: [Character], from start: Int) throws(CalculatorError) -> (Double, Int) {
        var j = start
        var whole = ""
        while j < chars.count, isDigit(chars[j]) {
            whole.append(chars[j])
            j += 1
        }
        var fraction = ""
        if j < chars.count, chars[j] == "." {
            j += 1
            while j < chars.count, isDigit(chars[j]) {
                fraction.append(chars[j])
                j += 1
            }
        }
        var exponent = ""
        if j < chars.count, chars[j] == "e" || chars[j] == "E" {
            var k = j + 1
            var sign = ""
            if k < chars.count, chars[k] == "+" || chars[k] == "-" {
                sign = String(chars[k])
                k += 1
            }
            if k < chars.count, isDigit(chars[k]) {
                exponent = sign
                while k < chars.count, isDigit(chars[k]) {
                    exponent.append(chars[k])
                    k += 1
                }
                j = k
            }
        }
        // Spelled out in full so the conversion never depends on how lenient it is with
        // a leading or trailing dot.
        var literal = (whole.isEmpty ? "0" : whole) + "." + (fraction.isEmpty ? "0" : fraction)
        if !exponent.isEmpty { literal += "e" + exponent }
        // Out-of-range literals (1e999) come back infinite or nil depending on the
        // platform; both are a value too large to compute with.
        guard let value = Double(literal), value.isFinite else { throw .notFinite(position: start) }
        return (value, j)
    }

    static func isDigit(_ c: Character) -> Bool {
        guard c.isASCII, let a = c.asciiValue else { return false }
        return a >= 0x30 && a <= 0x39
    }

    static func isLetter(_ c: Character) -> Bool {
        guard c.isASCII, let a = c.asciiValue else { return false }
        return (a >= 0x41 && a <= 0x5A) || (a >= 0x61 && a <= 0x7A) || a == 0x5F
    }
}
