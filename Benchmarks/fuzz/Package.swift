// swift-tools-version: 6.1
// The libFuzzer harness: one binary, the target chosen by TROVE_FUZZ_TARGET. Built by
// run.sh with -sanitize=fuzzer; kept out of the main package so the test suite never
// builds with sanitizers.
import PackageDescription

let package = Package(
    name: "TroveFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Trove", path: "../..")],
    targets: [
        .executableTarget(name: "trove-fuzz", dependencies: [.product(name: "TroveFuzzTargets", package: "Trove")]),
    ]
)
