// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Trove",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trove", targets: ["trove"]),
        .library(name: "TroveJSON", targets: ["TroveJSON"]),
        .library(name: "TroveStorage", targets: ["TroveStorage"]),
        .library(name: "TroveVector", targets: ["TroveVector"]),
        .library(name: "TroveText", targets: ["TroveText"]),
        .library(name: "TroveEngine", targets: ["TroveEngine"]),
        .library(name: "TroveEmbed", targets: ["TroveEmbed"]),
        .library(name: "TroveRemote", targets: ["TroveRemote"]),
        .library(name: "TroveChat", targets: ["TroveChat"]),
        .library(name: "TroveServer", targets: ["TroveServer"]),
        .library(name: "TroveFuzzTargets", targets: ["TroveFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .target(name: "CTroveSupport"),
        .target(name: "TroveJSON"),
        .target(name: "TroveStorage", dependencies: ["TroveJSON", "CZstd", "CTroveSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "TroveText", dependencies: ["TroveJSON", "TroveStorage"]),
        .target(name: "TroveVector", dependencies: ["TroveStorage", "CBLAS", "CTroveSupport"]),
        .target(name: "TroveEngine", dependencies: ["TroveJSON", "TroveStorage", "TroveText", "TroveVector"]),
        .target(name: "TroveEmbed", dependencies: ["CBLAS", "CTroveSupport"]),
        // Clients of remote model APIs over HTTP: embeddings here, chat models on top.
        .target(
            name: "TroveRemote",
            dependencies: ["TroveEmbed", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        // Agents, conversations, messages, files, ingestion, RAG and the chat model clients.
        .target(name: "TroveChat", dependencies: [
            "TroveJSON",
            "TroveEngine", "TroveEmbed", "TroveRemote", "TroveStorage", "TroveText",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // The HTTP API: REST, OpenAI-compatible /v1, auth, SSE, metrics. No business logic.
        .target(name: "TroveServer", dependencies: [
            "TroveJSON",
            "TroveChat", "TroveEngine", "TroveEmbed", "TroveRemote", "TroveStorage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        // The web app's files, compiled into the binary (WebAssets lists them).
        resources: [
            .embedInCode("Web/index.html"),
            .embedInCode("Web/app.css"),
            .embedInCode("Web/main.js"),
            .embedInCode("Web/api.js"),
            .embedInCode("Web/ui.js"),
            .embedInCode("Web/markdown.js"),
            .embedInCode("Web/chat.js"),
            .embedInCode("Web/files.js"),
            .embedInCode("Web/search.js"),
            .embedInCode("Web/agents.js"),
            .embedInCode("Web/account.js"),
            .embedInCode("Web/usage.js"),
            .embedInCode("Web/admin.js"),
        ]),
        // Servers that speak remote model APIs' wire formats on 127.0.0.1, for tests only.
        .target(name: "TroveStandIn", dependencies: [
            "TroveJSON", "TroveStorage", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(
            name: "trove",
            dependencies: [
                "TroveJSON",
                "TroveStorage",
                "TroveEngine",
                "TroveVector",
                "TroveText",
                "TroveEmbed",
                "TroveRemote",
                "TroveChat",
                "TroveServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The stand-in as a process, for benchmark runs that need a model server (Benchmarks/api-schema).
        .executableTarget(name: "trove-standin", dependencies: ["TroveStandIn"]),
        // What the fuzz harness (Benchmarks/fuzz) drives, by name; replayed by a smoke test.
        .target(name: "TroveFuzzTargets", dependencies: ["TroveStorage", "TroveText", "TroveEmbed", "TroveServer"]),
        .testTarget(name: "TroveFuzzTargetsTests", dependencies: ["TroveFuzzTargets", "TroveEngine", "TroveStorage", "TroveText", "TroveTestSupport"]),
        .testTarget(name: "CBLASTests", dependencies: ["CBLAS"]),
        .target(name: "TroveTestSupport", dependencies: ["TroveStorage"], path: "Sources/TroveTestSupport"),
        .testTarget(name: "TroveTestSupportTests", dependencies: ["TroveTestSupport"]),
        .testTarget(name: "TroveJSONTests", dependencies: ["TroveJSON"]),
        .testTarget(name: "TroveStorageTests", dependencies: ["TroveJSON", "TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "TroveVectorTests", dependencies: ["TroveJSON", "TroveVector", "TroveStorage", "TroveTestSupport", "CTroveSupport", "trove"]),
        .testTarget(name: "TroveTextTests", dependencies: ["TroveText", "TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "TroveEngineTests", dependencies: ["TroveEngine", "TroveText", "TroveVector", "TroveStorage", "TroveTestSupport"]),
        .testTarget(name: "TroveEmbedTests", dependencies: ["TroveEmbed", "TroveTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TroveRemoteTests", dependencies: ["TroveRemote", "TroveEmbed", "TroveStandIn"]),
        .testTarget(name: "TroveChatTests", dependencies: ["TroveJSON", "TroveChat", "TroveEngine", "TroveEmbed", "TroveRemote", "TroveStorage", "TroveStandIn", "TroveTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TroveServerTests", dependencies: [
            "TroveJSON", "TroveServer", "TroveChat", "TroveEngine", "TroveStorage", "TroveStandIn", "TroveTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "JWTKit", package: "jwt-kit"),
        ]),
        .testTarget(name: "troveTests", dependencies: ["TroveJSON", "trove", "TroveChat", "TroveStorage", "TroveVector", "TroveText", "TroveEmbed", "TroveRemote", "TroveStandIn", "TroveTestSupport"]),
    ]
)
