import Foundation

#if FUZZING
import CFuzzer
#endif

/// The target `FUZZ_TARGET` names (`jsonrpc` when unset).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "jsonrpc"
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("FUZZ_TARGET must be one of \(names); got \(name)\n".utf8))
        exit(64)
    }
    return target
}()

#if FUZZING
/// libFuzzer's entry point, which parts of its runtime refer to by name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#endif

/// Built with `-DFUZZING -sanitize=fuzzer` (scripts/fuzz.sh): libFuzzer's driver runs the selected target
/// on the inputs it makes. Otherwise: the selected target runs on every file named (a corpus replayed, a
/// crash re-run).
@main
enum Fuzzers {
    static func main() {
        let target = selectedTarget
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                guard let data else { return 0 }
                return fuzzOne(data, size)
            }
        )
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(66)
            }
            data.withUnsafeBytes { target.run($0.bindMemory(to: UInt8.self)) }
        }
        #endif
    }
}
