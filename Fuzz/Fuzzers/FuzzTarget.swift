import ConfigFile
import Foundation
import MetricsClient
import MetricsWire

@testable import Engine
@testable import MCPProxy

/// A parser of outside input, run on one input: each returns normally on any bytes (a crash, a hang or a
/// broken invariant is the finding) and checks what must hold of what it accepted.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// The proxy's JSON-RPC observer, given lines as the client and the server wrote them.
    case jsonrpc
    /// The SSE reader of the HTTP proxy, the input cut into chunks where its bytes say.
    case sse
    /// The lenient snapshot decoder the dashboard reads every engine's `/metrics` with.
    case snapshot
    /// The body of `POST /v1/tool-calls`.
    case toolCalls = "tool-calls"
    /// A discovery file's contents.
    case discovery
    /// `--attach` and `--upstream` strings.
    case targets
    /// The dashboard's configuration file (`config.toml`).
    case config
    /// The HTTP proxy's reading of a connection's bytes (heads and body framing).
    case http

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .jsonrpc: Self.observe(bytes)
        case .sse: Self.readEvents(bytes)
        case .snapshot: _ = try? SnapshotDecoder().decode(Data(bytes), receivedAt: 0)
        case .toolCalls:
            if let calls = try? MetricsEndpoint.ingestedCalls(Data(bytes)) {
                Self.check(
                    calls.allSatisfy { $0.latencyMs.isFinite && $0.latencyMs >= 0 },
                    "a bad latency was accepted"
                )
            }
        case .discovery:
            if case .success(let instance) = LocalInstances.parse(Data(bytes), path: "fuzz") {
                Self.check((try? MetricsTarget(parsing: instance.target)) != nil, "an instance with a bad target")
            }
        case .targets: Self.parseTargets(String(decoding: bytes, as: UTF8.self))
        case .config: Self.parseConfig(String(decoding: bytes, as: UTF8.self))
        case .http: Self.relayHTTP(bytes)
        }
    }

    /// What the parser accepted is in the documented ranges; what it refused is one line naming the file
    /// and, when it gives one, a line of the text.
    private static func parseConfig(_ text: String) {
        let path = "/fuzz/config.toml"
        do {
            let config = try ConfigFileParser(path: path, text: text).parse()
            check(config.refresh.map { (0.25...10).contains($0) } ?? true, "a refresh out of range was accepted")
            check(config.rateWindow.map { (2...300).contains($0) } ?? true, "a rate window out of range was accepted")
            let thresholds = config.thresholds
            check(thresholds.relativeCritical >= thresholds.relativeWarning, "critical below warning was accepted")
            check(config.targets.allSatisfy { !$0.isEmpty }, "an empty target was accepted")
        } catch {
            let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            check(error.path == path && !error.message.isEmpty, "an error without its file or message")
            check(
                error.line.map { (1...lines).contains($0) } ?? true,
                "an error on line \(error.line ?? 0) of \(lines)"
            )
        }
    }

    /// Lines alternate between the client and the server, the client first.
    private static func observe(_ bytes: UnsafeBufferPointer<UInt8>) {
        let observer = ProxyObserver(
            collector: MetricsCollector(),
            server: MCPServerStatus(name: "fuzz", executable: "fuzz", running: true)
        )
        var fromClient = true
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            let line = UnsafeBufferPointer(rebasing: bytes[start..<index])
            if fromClient {
                observer.clientLine(line, at: .now)
            } else {
                observer.serverLine(line, at: .now)
            }
            fromClient.toggle()
            start = index + 1
        }
        let half = bytes.count / 2
        observer.oversizedLine(
            from: .server,
            head: UnsafeBufferPointer(rebasing: bytes[..<half]),
            tail: UnsafeBufferPointer(rebasing: bytes[half...]),
            at: .now
        )
        let metrics = observer.metrics()
        check(metrics.inFlightCount >= 0, "a negative number of calls in flight")
    }

    private static func readEvents(_ bytes: UnsafeBufferPointer<UInt8>) {
        var reader = SSEReader(dataLimit: 0)
        let step = max(1, Int(bytes.first ?? 1))
        var start = 0
        var events = 0
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            reader.read(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<end]))) { event in
                events += 1
                if case .oversized(let head, let tail) = event {
                    check(head.count <= SSEReader.keptEnds && tail.count <= SSEReader.keptEnds, "kept too much")
                }
            }
            start = end
        }
        reader.finish()
        check(events <= bytes.count, "more events than bytes")
    }

    private static func parseTargets(_ text: String) {
        if let target = try? MetricsTarget(parsing: text) {
            check(!target.description.contains(where: \.isNewline), "a target with a line break")
            check((1...65_535).contains(target.port), "a target port out of range")
        }
        if let upstream = try? UpstreamURL(text) {
            for part in [upstream.origin, upstream.hostHeader, upstream.description] {
                check(!part.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F }, "a control character")
            }
        }
    }

    static func check(_ condition: Bool, _ what: String) {
        if !condition { fatalError("fuzz invariant broken: \(what)") }
    }
}
