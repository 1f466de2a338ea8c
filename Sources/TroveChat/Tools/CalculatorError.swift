/// Why an arithmetic expression could not be evaluated. Positions are 0-based indexes of
/// the character (a Swift `Character`) where the problem was found, so a model or a user
/// can be told exactly what to fix.
public enum CalculatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character that starts no number, name or operator.
    case unexpectedCharacter(Character, position: Int)
    /// A number, name or operator where something else was needed (`2 3`, `)`).
    case unexpectedToken(String, expected: String, position: Int)
    /// The expression stopped while something was still needed; `position` is its length.
    case unexpectedEnd(expected: String, position: Int)
    /// A name followed by `(` that is no known function.
    case unknownFunction(String, position: Int)
    /// A name not followed by `(` that is no known constant.
    case unknownConstant(String, position: Int)
    /// A function called with too few or too many arguments; `expected` reads like
    /// "1 argument" or "at least 1 argument".
    case wrongArgumentCount(function: String, expected: String, got: Int, position: Int)
    /// `/` or `%` with a zero right-hand side; `position` is the operator's.
    case divisionByZero(position: Int)
    /// A literal, operator or function whose value is infinite or not a number (overflow,
    /// `sqrt(-1)`, `ln(0)`); `position` is where that value was computed.
    case notFinite(position: Int)
    /// The expression has more than `limit` characters.
    case tooLong(limit: Int)
    /// Parentheses, function calls, signs or powers nest more than `limit` levels deep.
    case nestedTooDeep(limit: Int, position: Int)

    /// Where the problem was found; for `tooLong`, the first character past the limit.
    public var position: Int {
        switch self {
        case let .unexpectedCharacter(_, p), let .unexpectedToken(_, _, p), let .unexpectedEnd(_, p),
             let .unknownFunction(_, p), let .unknownConstant(_, p), let .wrongArgumentCount(_, _, _, p),
             let .divisionByZero(p), let .notFinite(p), let .nestedTooDeep(_, p):
            return p
        case let .tooLong(limit):
            return limit
        }
    }

    public var description: String {
        switch self {
        case let .unexpectedCharacter(c, p):
            return "unexpected character \(String(c).debugDescription) at position \(p)"
        case let .unexpectedToken(text, expected, p):
            return "unexpected \(text.debugDescription) at position \(p): expected \(expected)"
        case let .unexpectedEnd(expected, p):
            return "the expression ends at position \(p) where \(expected) was expected"
        case let .unknownFunction(name, p):
            return "unknown function \(name.debugDescription) at position \(p); known functions: "
                + CalculatorFunctions.names.joined(separator: ", ")
        case let .unknownConstant(name, p):
            return "unknown constant \(name.debugDescription) at position \(p); known constants: pi, e"
        case let .wrongArgumentCount(function, expected, got, p):
            return "\(function) at position \(p) takes \(expected), got \(got)"
        case let .divisionByZero(p):
            return "division by zero at position \(p)"
        case let .notFinite(p):
            return "the value computed at position \(p) is not a finite number "
                + "(too large, or outside the function's domain as in sqrt(-1) or ln(0))"
        case let .tooLong(limit):
            return "the expression is longer than \(limit) characters"
        case let .nestedTooDeep(limit, p):
            return "the expression nests deeper than \(limit) levels at position \(p)"
        }
    }
}
