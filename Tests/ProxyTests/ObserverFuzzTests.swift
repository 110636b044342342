import Foundation
import MetricsClient
import MetricsWire
import TestSupport
import Testing

@testable import Engine
@testable import MCPProxy

/// Bad input through the observer cannot crash or stall the relay: recorded real traffic (Corpus/: the
/// swift-sdk peers and PyPI's mcp-server-time, both directions) mutated at random from a fixed seed, for a
/// fixed budget, split into random chunks and fed through the framer and observer the relay uses.
@Suite("Proxy observer: seeded mutation of real traffic", .ownThreads)
struct ObserverFuzzTests {
    static let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static func corpus() throws -> [(side: RPCSide, lines: [[UInt8]])] {
        try ["swift-sdk", "mcp-server-time", "python-sdk-2026"].flatMap { session in
            try [(RPCSide.client, "client"), (.server, "server")].map { side, name in
                let data = try Data(contentsOf: corpusDirectory.appendingPathComponent("\(session).\(name).jsonl"))
                return (side, data.split(separator: 0x0A).map { Array($0) })
            }
        }
    }

    /// SplitMix64: the same sequence on every machine.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting: [[UInt8]] = [
        [0x0A], [0x0D], [0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], Array("\"".utf8), Array("\\".utf8),
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array(",".utf8), Array(":".utf8),
        Array(#""id":"#.utf8), Array(#""id":null"#.utf8), Array(#""id":{}"#.utf8), Array(#""error":{}"#.utf8),
        Array(#""method":"notifications/cancelled""#.utf8), Array(#""progressToken":1"#.utf8),
        Array("1e999999".utf8), Array("-".utf8), Array("\\u".utf8), Array("\\ud800".utf8),
        Array(repeating: UInt8(ascii: "["), count: 5000), Array(repeating: UInt8(ascii: "{"), count: 300),
    ]

    /// This thread's CPU time so far.
    static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    static func mutate(_ line: [UInt8], with other: [UInt8], random: inout SeededRandom) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1:
                bytes.insert(contentsOf: interesting.randomElement(using: &random)!, at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                bytes.removeSubrange(min(position, end)..<end)
            case 3 where !other.isEmpty:
                let start = Int.random(in: 0..<other.count, using: &random)
                let end = min(other.count, start + Int.random(in: 1...200, using: &random))
                bytes.insert(contentsOf: other[start..<end], at: position)
            case 4:
                bytes = Array(bytes.prefix(position))
            case 5 where position < bytes.count:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            }
        }
        return bytes
    }

    @Test("100 000 mutated lines: nothing traps, framing hands back every byte, no line takes long")
    func mutations() throws {
        let corpus = try Self.corpus()
        let everything = corpus.flatMap(\.lines)
        var random = SeededRandom(state: 0x5EED_2026_1201)
        let collector = MetricsCollector()
        let cache = ProxyResultCache(
            cache: ResponseCache(configuration: ResponseCacheConfiguration(), collector: collector),
            serverName: "fuzz",
            tools: ["get_current_time": nil, "echo": .seconds(5)]
        )
        let observer = ProxyObserver(
            collector: collector,
            server: MCPServerStatus(name: "fuzz", executable: "fuzz", running: true),
            cache: cache
        )
        var slowest: Duration = .zero
        var linesSeen = 0
        for round in 0..<2000 {
            let (side, lines) = corpus[round % corpus.count]
            var stream: [UInt8] = []
            for _ in 0..<50 {
                let line = lines.randomElement(using: &random)!
                let mutated =
                    Int.random(in: 0..<10, using: &random) < 8
                    ? Self.mutate(line, with: everything.randomElement(using: &random)!, random: &random) : line
                stream += mutated + [0x0A]
            }
            // A small limit makes the oversized path run too.
            var framer = LineFramer(limit: Int.random(in: 0..<4, using: &random) == 0 ? 300 : 1 << 20)
            var handedBack: [UInt8] = []
            var offset = 0
            while offset < stream.count {
                let size = min(stream.count - offset, Int.random(in: 1...700, using: &random))
                stream[offset..<(offset + size)].withUnsafeBufferPointer { chunk in
                    framer.feed(
                        chunk,
                        line: { line in
                            handedBack += Array(line) + [0x0A]
                            linesSeen += 1
                            let start = Self.threadCPUTime()
                            if side == .client {
                                _ = observer.clientLine(line, at: .now)
                            } else {
                                observer.serverLine(line, at: .now)
                            }
                            slowest = max(slowest, Self.threadCPUTime() - start)
                        },
                        oversized: { head, tail in
                            let start = Self.threadCPUTime()
                            observer.oversizedLine(from: side, head: head, tail: tail, at: .now)
                            slowest = max(slowest, Self.threadCPUTime() - start)
                        },
                        overflow: { handedBack += Array($0) }
                    )
                }
                offset += size
            }
            handedBack += framer.drain()
            #expect(handedBack == stream, "round \(round): the framer lost or changed bytes")
        }
        #expect(linesSeen > 80_000)
        // CPU time of this thread: what a line costs the relay, without the waits of a machine busy with the
        // rest of the suite.
        #expect(slowest < timeBound(.milliseconds(250)), "the slowest line took \(slowest) of CPU")
        observer.serverExited(status: 0)
        let snapshot = collector.snapshot(maxAge: .zero)
        let decoded = try JSONDecoder().decode(MetricsSnapshot.self, from: Data(snapshot.encodedJSON()))
        #expect(decoded.mcp?.inFlightCount == 0)
        #expect((snapshot.mcp?.protocolIssues["not_json"] ?? 0) > 1000, "the mutations did break lines")
        #expect(snapshot.toolMetrics.values.allSatisfy { $0.totalCalls == $0.successfulCalls + $0.failedCalls })
    }
}
