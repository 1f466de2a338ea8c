#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The named functions and constants a calculator expression may use. Names are matched
/// lower-cased; trigonometry is in radians.
enum CalculatorFunctions {
    /// How many arguments a function takes.
    enum Arity: Equatable, Sendable, CustomStringConvertible {
        case exactly(Int)
        case atLeast(Int)

        func accepts(_ count: Int) -> Bool {
            switch self {
            case let .exactly(n): return count == n
            case let .atLeast(n): return count >= n
            }
        }

        var description: String {
            switch self {
            case let .exactly(n): return n == 1 ? "1 argument" : "\(n) arguments"
            case let .atLeast(n): return n == 1 ? "at least 1 argument" : "at least \(n) arguments"
            }
        }
    }

    /// Every function name, for messages that list what is known.
    static let names = [
        "abs", "acos", "asin", "atan", "ceil", "cos", "exp", "floor", "hypot", "ln", "log", "log2",
        "max", "min", "pow", "round", "sin", "sqrt", "tan",
    ]

    static func constant(_ name: String) -> Double? {
        switch name {
        case "pi": return Double.pi
        case "e": return 2.718281828459045
        default: return nil
        }
    }

    static func arity(of name: String) -> Arity? {
        switch name {
        case "sqrt", "abs", "ln", "log", "log2", "exp", "sin", "cos", "tan", "asin", "acos", "atan",
             "floor", "ceil", "round":
            return .exactly(1)
        case "hypot", "pow":
            return .exactly(2)
        case "min", "max":
            return .atLeast(1)
        default:
            return nil
        }
    }

    /// The function's value; the caller has checked the name and the argument count, and
    /// checks the result is finite (domain errors come back as NaN or infinity).
    static func apply(_ name: String, _ a: [Double]) -> Double {
        guard let x = a.first else { return .nan }
        let y = a.count > 1 ? a[1] : Double.nan
        switch name {
        case "sqrt": return x.squareRoot()
        case "abs": return x.magnitude
        case "ln": return log(x)
        case "log": return log10(x)
        case "log2": return log2(x)
        case "exp": return exp(x)
        case "sin": return sin(x)
        case "cos": return cos(x)
        case "tan": return tan(x)
        case "asin": return asin(x)
        case "acos": return acos(x)
        case "atan": return atan(x)
        case "floor": return x.rounded(.down)
        case "ceil": return x.rounded(.up)
        // Halves away from zero, as people round by hand: round(2.5) = 3, round(-2.5) = -3.
        case "round": return x.rounded(.toNearestOrAwayFromZero)
        case "hypot": return hypot(x, y)
        case "pow": return power(x, y)
        case "min": return a.dropFirst().reduce(x) { Swift.min($0, $1) }
        case "max": return a.dropFirst().reduce(x) { Swift.max($0, $1) }
        default: return .nan
        }
    }

    static func power(_ base: Double, _ exponent: Double) -> Double {
        pow(base, exponent)
    }
}
