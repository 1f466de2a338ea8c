#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Evaluates arithmetic for the chat model's calculator tool. The expression is read by a
/// tokenizer and a recursive-descent parser written for this purpose: nothing in it is ever
/// executed, so a model cannot reach anything but arithmetic through it.
///
/// The language: numbers (`42`, `1.5`, `.5`, `1.5e3`); `+ - * / %` (`%` is the remainder, with
/// the sign of the dividend); `^` or `**` for powers, right-associative and binding tighter
/// than a sign on their left (`-2^2` is -4); signs; parentheses; the functions `sqrt abs ln
/// log` (base 10) `log2 exp sin cos tan asin acos atan floor ceil round hypot(a, b) pow(a, b)
/// min(a, …) max(a, …)`; the constants `pi` and `e`. Names ignore case, whitespace is
/// ignored, `×` and `÷` are accepted, and a comma only separates function arguments.
public enum Calculator {
    /// Longer expressions are refused before they are read.
    public static let maxLength = 1000
    /// Deeper nesting of parentheses, calls, signs and powers is refused.
    public static let maxDepth = 100

    /// The value of `expression`, or a `CalculatorError` with the position of the problem.
    /// Every intermediate value must be finite: `1e308 * 10 / 10` fails at the `*`.
    public static func evaluate(_ expression: String) throws(CalculatorError) -> Double {
        var chars: [Character] = []
        for c in expression {
            // Stop counting early: a huge input costs no more than a short refusal.
            if chars.count == maxLength { throw .tooLong(limit: maxLength) }
            chars.append(c)
        }
        let tokens = try CalculatorTokenizer.tokenize(chars)
        var parser = CalculatorParser(tokens: tokens, maxDepth: maxDepth)
        return try parser.evaluate()
    }

    /// `value` for people and models to read: whole numbers up to 10^15 without a fraction
    /// (`42`, `-7`), others with at most 12 significant digits, which hides binary rounding
    /// noise (`0.1 + 0.2` shows as `0.3`), in exponent form outside 1e-4 ..< 1e12 (`1.5e+20`).
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), value.magnitude <= 1e15 {
            // Int64 of -0.0 is 0, so negative zero prints as "0".
            return String(Int64(value))
        }
        let sign = value < 0 ? "-" : ""
        let (digits, exponent) = significantDigits(value.magnitude, count: 12)
        if exponent >= -4 && exponent < 12 {
            return sign + fixed(digits, exponent: exponent)
        }
        var text = sign + String(digits.prefix(1))
        if digits.count > 1 { text += "." + String(digits.dropFirst()) }
        return text + "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
    }

    /// The decimal digits of positive finite `x` rounded to `count` significant digits,
    /// trailing zeros removed, and the power of ten of the first one.
    private static func significantDigits(_ x: Double, count: Int) -> (String, Int) {
        let upper = exactPowerOfTen(count)
        let lower = exactPowerOfTen(count - 1)
        // log10 can be one off next to a power of ten; the loop corrects it.
        var exponent = Int(log10(x).rounded(.down))
        var mantissa = scaled(x, byPowerOfTen: count - 1 - exponent).rounded()
        for _ in 0..<3 {
            if mantissa >= upper {
                exponent += 1
            } else if mantissa < lower {
                exponent -= 1
            } else {
                break
            }
            mantissa = scaled(x, byPowerOfTen: count - 1 - exponent).rounded()
        }
        // Rounding 9.999…95 up gives 10^count: one more digit, one higher exponent.
        if mantissa >= upper {
            mantissa = lower
            exponent += 1
        }
        var digits = String(Int64(mantissa))
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        return (digits, exponent)
    }

    /// `digits` (first digit at 10^exponent) written without an exponent.
    private static func fixed(_ digits: String, exponent: Int) -> String {
        if exponent < 0 {
            return "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        let wholeCount = exponent + 1
        if digits.count <= wholeCount {
            return digits + String(repeating: "0", count: wholeCount - digits.count)
        }
        return String(digits.prefix(wholeCount)) + "." + String(digits.dropFirst(wholeCount))
    }

    /// x · 10^power, exact scaling where the power of ten is exact (|power| ≤ 22) and in two
    /// steps otherwise so that neither factor overflows.
    private static func scaled(_ x: Double, byPowerOfTen power: Int) -> Double {
        if power.magnitude <= 22 {
            return power >= 0 ? x * exactPowerOfTen(power) : x / exactPowerOfTen(-power)
        }
        let half = power / 2
        return x * pow(10, Double(half)) * pow(10, Double(power - half))
    }

    /// 10^n for 0 ≤ n ≤ 22, where every step is exactly representable.
    private static func exactPowerOfTen(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, n) { result *= 10 }
        return result
    }
}
