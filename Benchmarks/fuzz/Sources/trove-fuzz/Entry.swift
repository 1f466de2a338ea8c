import Foundation
import TroveFuzzTargets

/// The target named by TROVE_FUZZ_TARGET, found once.
nonisolated(unsafe) private var chosen: FuzzTargets.Body?
/// Where file-reading targets write their input: tmpfs when there is one.
private let scratch = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/trove-fuzz-\(getpid())"

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = ProcessInfo.processInfo.environment["TROVE_FUZZ_TARGET"] ?? ""
    guard let body = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set TROVE_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    chosen = body
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    chosen?(input, scratch)
    return 0
}

/// libFuzzer's driver, which the fuzzer runtime exports.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; with
/// `-parse-as-library` there is none, so this one hands the process to libFuzzer.
@_cdecl("trove_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return runDriver(&count, &vector) { data, size in testOneInput(data, size) }
}
