import Foundation

/// A fresh folder under the system temp directory, removed when the value is released.
/// Shared by every test target (tests use real files, never mocks).
public final class TempDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "trove") {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    public func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
