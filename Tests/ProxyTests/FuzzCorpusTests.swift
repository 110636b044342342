import Foundation
import Testing

@testable import Fuzzers

/// Every committed fuzzing input — the seed corpora from real traffic and each input a fuzzer once
/// crashed on (`Fuzz/Crashes/<target>/`) — through its target, as `scripts/fuzz.sh` runs them: each must
/// pass without a crash or a broken invariant.
@Suite("Fuzzing corpora and past crashes")
struct FuzzCorpusTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.path < $1.path }
    }

    @Test("every target has a seed corpus, and every seed and past crash passes", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("Corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/Corpus/\(target.rawValue) has no seeds")
        for input in seeds + Self.inputs("Crashes", target) {
            let data = try Data(contentsOf: input)
            data.withUnsafeBytes { target.run($0.bindMemory(to: UInt8.self)) }
        }
    }
}
