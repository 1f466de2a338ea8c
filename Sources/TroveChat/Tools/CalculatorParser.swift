/// Recursive-descent evaluation of a token list, one function per precedence level:
///
///     sum     := product (('+' | '-') product)*
///     product := unary (('*' | '/' | '%') unary)*
///     unary   := ('+' | '-') unary | power
///     power   := primary ('^' unary)?
///     primary := number | '(' sum ')' | name | name '(' [sum (',' sum)*] ')'
///
/// `power` sits below `unary` so that `-2^2` is `-(2^2)`, and its right operand is a
/// `unary` so that powers associate to the right (`2^3^2` is `2^9`) and `2^-1` works.
/// Values are computed while parsing; there is no tree to build or walk.
struct CalculatorParser {
    private let tokens: [CalculatorToken]
    private var index = 0
    private var depth = 0
    private let maxDepth: Int

    /// `tokens` must end with `.end`, as `CalculatorTokenizer.tokenize` guarantees.
    init(tokens: [CalculatorToken], maxDepth: Int) {
        self.tokens = tokens
        self.maxDepth = maxDepth
    }

    /// The value of the whole token list; anything left over after it is an error.
    mutating func evaluate() throws(CalculatorError) -> Double {
        let value = try sum()
        let rest = current
        if rest.kind != .end {
            throw .unexpectedToken(rest.text, expected: "an operator or the end", position: rest.position)
        }
        return value
    }

    private var current: CalculatorToken {
        // The list always ends with `.end` and `advance` never moves past it.
        tokens[min(index, tokens.count - 1)]
    }

    @discardableResult
    private mutating func advance() -> CalculatorToken {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Counts one more level of nesting; callers undo it with `depth -= 1` when done.
    /// The limit keeps hostile input (`((((…`) from exhausting the stack.
    private mutating func enter(at position: Int) throws(CalculatorError) {
        depth += 1
        if depth > maxDepth { throw .nestedTooDeep(limit: maxDepth, position: position) }
    }

    private mutating func sum() throws(CalculatorError) -> Double {
        var value = try product()
        while true {
            let op = current
            switch op.kind {
            case .plus:
                advance()
                let rhs = try product()
                value = try finite(value + rhs, at: op.position)
            case .minus:
                advance()
                let rhs = try product()
                value = try finite(value - rhs, at: op.position)
            default:
                return value
            }
        }
    }

    private mutating func product() throws(CalculatorError) -> Double {
        var value = try unary()
        while true {
            let op = current
            switch op.kind {
            case .times:
                advance()
                let rhs = try unary()
                value = try finite(value * rhs, at: op.position)
            case .divide:
                advance()
                let rhs = try unary()
                if rhs == 0 { throw .divisionByZero(position: op.position) }
                value = try finite(value / rhs, at: op.position)
            case .remainder:
                advance()
                let rhs = try unary()
                if rhs == 0 { throw .divisionByZero(position: op.position) }
                // C's fmod: the result has the sign of the dividend.
                value = try finite(value.truncatingRemainder(dividingBy: rhs), at: op.position)
            default:
                return value
            }
        }
    }

    private mutating func unary() throws(CalculatorError) -> Double {
        let op = current
        switch op.kind {
        case .plus, .minus:
            advance()
            try enter(at: op.position)
            let operand = try unary()
            depth -= 1
            return op.kind == .minus ? -operand : operand
        default:
            return try power()
        }
    }

    private mutating func power() throws(CalculatorError) -> Double {
        let base = try primary()
        let op = current
        guard op.kind == .power else { return base }
        advance()
        try enter(at: op.position)
        let exponent = try unary()
        depth -= 1
        return try finite(CalculatorFunctions.power(base, exponent), at: op.position)
    }

    private mutating func primary() throws(CalculatorError) -> Double {
        let token = advance()
        let expected = "a number, a name or '('"
        switch token.kind {
        case let .number(value):
            return value
        case .open:
            try enter(at: token.position)
            let value = try sum()
            try close(expected: "')' to match the '(' at position \(token.position)")
            depth -= 1
            return value
        case let .name(name):
            return try named(name, token)
        case .end:
            throw .unexpectedEnd(expected: expected, position: token.position)
        default:
            throw .unexpectedToken(token.text, expected: expected, position: token.position)
        }
    }

    /// A constant, or a function call when the name is followed by `(`.
    private mutating func named(_ name: String, _ token: CalculatorToken) throws(CalculatorError) -> Double {
        if current.kind == .open {
            // Refused before its arguments are read, so the message is about the name.
            guard let arity = CalculatorFunctions.arity(of: name) else {
                throw .unknownFunction(token.text, position: token.position)
            }
            let open = advance()
            try enter(at: open.position)
            let arguments = try argumentList(opening: open)
            depth -= 1
            if !arity.accepts(arguments.count) {
                throw .wrongArgumentCount(function: token.text, expected: arity.description, got: arguments.count,
                                          position: token.position)
            }
            return try finite(CalculatorFunctions.apply(name, arguments), at: token.position)
        }
        if let value = CalculatorFunctions.constant(name) { return value }
        if CalculatorFunctions.arity(of: name) != nil {
            let next = current
            let expected = "'(' after \(name)"
            if next.kind == .end { throw .unexpectedEnd(expected: expected, position: next.position) }
            throw .unexpectedToken(next.text, expected: expected, position: next.position)
        }
        throw .unknownConstant(token.text, position: token.position)
    }

    /// The arguments after an opening `(` up to and including its `)`.
    private mutating func argumentList(opening: CalculatorToken) throws(CalculatorError) -> [Double] {
        if current.kind == .close {
            advance()
            return []
        }
        var arguments: [Double] = []
        while true {
            let argument = try sum()
            arguments.append(argument)
            let next = advance()
            switch next.kind {
            case .comma:
                continue
            case .close:
                return arguments
            case .end:
                throw .unexpectedEnd(expected: "',' or ')' to match the '(' at position \(opening.position)",
                                     position: next.position)
            default:
                throw .unexpectedToken(next.text, expected: "',' or ')'", position: next.position)
            }
        }
    }

    private mutating func close(expected: String) throws(CalculatorError) {
        let next = advance()
        switch next.kind {
        case .close: return
        case .end: throw .unexpectedEnd(expected: expected, position: next.position)
        default: throw .unexpectedToken(next.text, expected: expected, position: next.position)
        }
    }

    private func finite(_ value: Double, at position: Int) throws(CalculatorError) -> Double {
        guard value.isFinite else { throw .notFinite(position: position) }
        return value
    }
}
