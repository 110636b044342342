import Foundation

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
/// libFuzzer's entry point: one input for the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
/// Without libFuzzer: runs the selected target on every file named (a corpus replayed, a crash re-run).
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(66)
            }
            data.withUnsafeBytes { selectedTarget.run($0.bindMemory(to: UInt8.self)) }
        }
    }
}
#endif
