import Testing
@testable import TroveChat

@Suite struct CalculatorTests {
    @Test func operatorsFollowPrecedenceAndAssociativity() throws {
        let cases: [(String, Double)] = [
            ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("100 / 10 / 5", 2),
            ("1 + 2 * 3 ^ 2", 19), ("2 ^ 3 * 2", 16), ("2 ^ 3 ^ 2", 512), ("2 ** 3 ** 2", 512),
            ("7 % 3", 1), ("-7 % 3", -1), ("7.5 % 2", 1.5), ("2 * 7 % 4", 2), ("6 × 7", 42), ("84 ÷ 2", 42),
            ("8 − 3", 5), ("((2))", 2),
        ]
        for (expression, expected) in cases {
            #expect(try Calculator.evaluate(expression) == expected, "\(expression)")
        }
    }

    @Test func unaryMinusBindsLooserThanPowerOnItsLeft() throws {
        let cases: [(String, Double)] = [
            ("-2^2", -4), ("(-2)^2", 4), ("2^-1", 0.5), ("-2^-2", -0.25), ("2 * -3", -6), ("--3", 3),
            ("+-+3", -3), ("-(1 + 2)", -3), ("1 - -1", 2), ("-2 ** 2", -4),
        ]
        for (expression, expected) in cases {
            #expect(try Calculator.evaluate(expression) == expected, "\(expression)")
        }
    }

    @Test func numbersInEveryAcceptedShape() throws {
        let cases: [(String, Double)] = [
            ("42", 42), ("1.5", 1.5), (".5", 0.5), ("5.", 5), ("1.5e3", 1500), ("2E-2", 0.02), ("1e+2", 100),
            ("007", 7), ("0.000", 0),
        ]
        for (expression, expected) in cases {
            #expect(try Calculator.evaluate(expression) == expected, "\(expression)")
        }
    }

    @Test func functionsAndConstants() throws {
        let cases: [(String, Double)] = [
            ("sqrt(16)", 4), ("abs(-3)", 3), ("ln(e)", 1), ("log(1000)", 3), ("log2(8)", 3), ("exp(0)", 1),
            ("sin(0)", 0), ("cos(pi)", -1), ("tan(0)", 0), ("asin(1)", Double.pi / 2), ("acos(1)", 0),
            ("atan(1)", Double.pi / 4), ("floor(-2.5)", -3), ("ceil(2.1)", 3), ("round(2.5)", 3),
            ("round(-2.5)", -3), ("min(3, 1, 2)", 1), ("max(3)", 3), ("hypot(3, 4)", 5), ("pow(2, 10)", 1024),
            ("max(1, min(5, 3), sqrt(4) * 2)", 4), ("pi", Double.pi), ("e", 2.718281828459045),
            ("2 * pi", 2 * Double.pi), ("π", Double.pi),
        ]
        for (expression, expected) in cases {
            let got = try Calculator.evaluate(expression)
            #expect(abs(got - expected) <= 1e-12 * max(1, abs(expected)), "\(expression) gave \(got)")
        }
    }

    @Test func namesIgnoreCaseAndWhitespaceIsIgnored() throws {
        #expect(try Calculator.evaluate("SQRT(4)") == 2)
        #expect(try Calculator.evaluate("Max(1, 2)") == 2)
        #expect(try Calculator.evaluate("PI") == Double.pi)
        #expect(try Calculator.evaluate("  1\t+\n2 ") == 3)
        #expect(try Calculator.evaluate("sqrt ( 9 )") == 3)
        #expect(try Calculator.evaluate("2*3") == 6)
    }

    @Test func syntaxErrorsSayWhatAndWhere() {
        let operand = "a number, a name or '('"
        let cases: [(String, CalculatorError)] = [
            ("2 & 3", .unexpectedCharacter("&", position: 2)),
            (".", .unexpectedCharacter(".", position: 0)),
            ("π + ☃", .unexpectedCharacter("☃", position: 4)),
            ("1,000", .unexpectedToken(",", expected: "an operator or the end", position: 1)),
            ("", .unexpectedEnd(expected: operand, position: 0)),
            ("   ", .unexpectedEnd(expected: operand, position: 3)),
            ("1 +", .unexpectedEnd(expected: operand, position: 3)),
            ("(1 + 2", .unexpectedEnd(expected: "')' to match the '(' at position 0", position: 6)),
            ("max(1, 2", .unexpectedEnd(expected: "',' or ')' to match the '(' at position 3", position: 8)),
            ("2 3", .unexpectedToken("3", expected: "an operator or the end", position: 2)),
            ("1 + )", .unexpectedToken(")", expected: operand, position: 4)),
            ("2 * * 3", .unexpectedToken("*", expected: operand, position: 4)),
            ("(1))", .unexpectedToken(")", expected: "an operator or the end", position: 3)),
            ("2e", .unexpectedToken("e", expected: "an operator or the end", position: 1)),
            ("max(1 2)", .unexpectedToken("2", expected: "',' or ')'", position: 6)),
            ("sqrt", .unexpectedEnd(expected: "'(' after sqrt", position: 4)),
            ("sqrt 4", .unexpectedToken("4", expected: "'(' after sqrt", position: 5)),
            ("foo(1)", .unknownFunction("foo", position: 0)),
            ("1 + Pi(2)", .unknownFunction("Pi", position: 4)),
            ("2 * bar", .unknownConstant("bar", position: 4)),
            ("sqrt(1, 2)", .wrongArgumentCount(function: "sqrt", expected: "1 argument", got: 2, position: 0)),
            ("1 + POW(2)", .wrongArgumentCount(function: "POW", expected: "2 arguments", got: 1, position: 4)),
            ("max()", .wrongArgumentCount(function: "max", expected: "at least 1 argument", got: 0, position: 0)),
        ]
        for (expression, error) in cases {
            #expect(throws: error, "\(expression)") { try Calculator.evaluate(expression) }
        }
    }

    @Test func arithmeticErrorsSayWhere() {
        let cases: [(String, CalculatorError)] = [
            ("1 / 0", .divisionByZero(position: 2)),
            ("5 % (2 - 2)", .divisionByZero(position: 2)),
            ("sqrt(-1)", .notFinite(position: 0)),
            ("1 + ln(0)", .notFinite(position: 4)),
            ("asin(2)", .notFinite(position: 0)),
            ("10^400", .notFinite(position: 2)),
            ("1e999", .notFinite(position: 0)),
            ("1e308 * 10", .notFinite(position: 6)),
            ("1 + 1e308 * 10 / 10", .notFinite(position: 10)),
            ("0 ^ -1", .notFinite(position: 2)),
        ]
        for (expression, error) in cases {
            #expect(throws: error, "\(expression)") { try Calculator.evaluate(expression) }
        }
    }

    @Test func longInputIsRefusedAndTheLimitItselfIsAccepted() throws {
        let atLimit = String(repeating: "1+", count: 499) + "1 "
        #expect(atLimit.count == Calculator.maxLength)
        #expect(try Calculator.evaluate(atLimit) == 500)
        let over = String(repeating: "1+", count: 500) + "1"
        #expect(throws: CalculatorError.tooLong(limit: 1000)) { try Calculator.evaluate(over) }
        let huge = String(repeating: "9", count: 1_000_000)
        #expect(throws: CalculatorError.tooLong(limit: 1000)) { try Calculator.evaluate(huge) }
    }

    @Test func deepNestingIsRefusedAndTheLimitItselfIsAccepted() throws {
        func parens(_ n: Int) -> String {
            String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        }
        #expect(try Calculator.evaluate(parens(100)) == 1)
        #expect(throws: CalculatorError.nestedTooDeep(limit: 100, position: 100)) {
            try Calculator.evaluate(parens(101))
        }
        #expect(try Calculator.evaluate(String(repeating: "-", count: 100) + "1") == 1)
        #expect(throws: CalculatorError.nestedTooDeep(limit: 100, position: 100)) {
            try Calculator.evaluate(String(repeating: "-", count: 101) + "1")
        }
        let calls = String(repeating: "abs(", count: 101) + "1" + String(repeating: ")", count: 101)
        #expect(throws: CalculatorError.nestedTooDeep(limit: 100, position: 403)) { try Calculator.evaluate(calls) }
        // A long flat sum nests nothing.
        #expect(try Calculator.evaluate(String(repeating: "1+", count: 400) + "1") == 401)
    }

    @Test func errorsDescribeThemselves() {
        #expect(CalculatorError.unexpectedCharacter("&", position: 2).description.contains("position 2"))
        #expect(CalculatorError.divisionByZero(position: 7).description == "division by zero at position 7")
        #expect(CalculatorError.unknownFunction("foo", position: 0).description.contains("sqrt"))
        #expect(CalculatorError.tooLong(limit: 1000).position == 1000)
        #expect(CalculatorError.wrongArgumentCount(function: "pow", expected: "2 arguments", got: 1, position: 3)
            .description == "pow at position 3 takes 2 arguments, got 1")
    }

    @Test func formatPrintsIntegersPlainlyAndOthersWithTwelveDigits() {
        let cases: [(Double, String)] = [
            (42, "42"), (-7, "-7"), (-0.0, "0"), (0, "0"), (1e15, "1000000000000000"), (1.0 / 3, "0.333333333333"),
            (2.0 / 3, "0.666666666667"), (0.1 + 0.2, "0.3"), (1.5e20, "1.5e+20"), (1e16, "1e+16"), (2.5, "2.5"),
            (-0.125, "-0.125"), (1e-7, "1e-7"), (0.0001, "0.0001"), (123456.789, "123456.789"),
            (-2.5e-10, "-2.5e-10"), (Double.pi, "3.14159265359"), (.nan, "nan"), (.infinity, "inf"),
            (-Double.infinity, "-inf"), (1.7976931348623157e308, "1.79769313486e+308"), (5e-324, "4.94065645841e-324"),
        ]
        for (value, expected) in cases {
            #expect(Calculator.format(value) == expected, "\(value)")
        }
    }
}
