/// How two vectors are compared. Every score Trove returns is "higher is better":
/// inner product, cosine similarity, or the negated squared Euclidean distance.
public enum VectorMetric: String, Sendable, CaseIterable, Codable {
    case innerProduct = "ip"
    case cosine
    case l2

    /// On-disk code (docs/FORMAT.md, vector sections).
    var code: UInt32 {
        switch self {
        case .innerProduct: 0
        case .cosine: 1
        case .l2: 2
        }
    }

    init?(code: UInt32) {
        switch code {
        case 0: self = .innerProduct
        case 1: self = .cosine
        case 2: self = .l2
        default: return nil
        }
    }
}

/// Why a vector operation was refused. Nothing is written when one is thrown.
public enum VectorError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongDimension(expected: Int, found: Int, row: Int)
    case notFinite(row: Int, component: Int)
    case zeroVector(row: Int)
    case invalidParameter(String)
    case badFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .wrongDimension(expected, found, row):
            return "vector \(row) has dimension \(found); this index takes \(expected)"
        case let .notFinite(row, component):
            return "vector \(row) has a NaN or infinite component at index \(component)"
        case let .zeroVector(row):
            return "vector \(row) is all zeros and has no direction (cosine metric)"
        case let .invalidParameter(message):
            return message
        case let .badFile(path, reason):
            return "\(path): \(reason)"
        }
    }
}
