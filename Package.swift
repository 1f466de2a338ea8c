// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Trove",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trove", targets: ["trove"]),
        .library(name: "TroveStorage", targets: ["TroveStorage"]),
        .library(name: "TroveVector", targets: ["TroveVector"]),
        .library(name: "TroveText", targets: ["TroveText"]),
        .library(name: "TroveEngine", targets: ["TroveEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .target(name: "CTroveSupport"),
        .target(name: "TroveStorage", dependencies: ["CZstd", "CTroveSupport"]),
        .target(name: "TroveText", dependencies: ["TroveStorage"]),
        .target(name: "TroveVector", dependencies: ["TroveStorage", "CBLAS", "CTroveSupport"]),
        .target(name: "TroveEngine", dependencies: ["TroveStorage", "TroveText", "TroveVector"]),
        .executableTarget(
            name: "trove",
            dependencies: [
                "TroveStorage",
                "TroveEngine",
                "TroveVector",
                "TroveText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CBLASTests", dependencies: ["CBLAS"]),
        .target(name: "TroveTestSupport", path: "Sources/TroveTestSupport"),
        .testTarget(name: "TroveStorageTests", dependencies: ["TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "TroveVectorTests", dependencies: ["TroveVector", "TroveStorage", "TroveTestSupport", "CTroveSupport", "trove"]),
        .testTarget(name: "TroveTextTests", dependencies: ["TroveText", "TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "TroveEngineTests", dependencies: ["TroveEngine", "TroveText", "TroveVector", "TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "troveTests", dependencies: ["trove", "TroveStorage", "TroveVector", "TroveText", "TroveTestSupport"]),
    ]
)
