import Engine
import Foundation
import Logging
import MetricsClient
import MetricsWire
import TestSupport
import Testing

@testable import DashboardUI

@Suite("many targets: pollers, discovery, a screen that keeps working", .serialized)
struct ManyTargetsTests {
    @Test("50 targets of which 45 refuse connections: the 5 show their rows, the 45 are counted as reconnecting")
    func fiftyTargets() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let folder = NSTemporaryDirectory() + "many-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var engines: [(running: RunningEngine, port: Int)] = []
        for index in 0..<5 {
            let runtime = EngineRuntime(
                configuration: EngineConfiguration(
                    fileCache: FileCacheConfiguration(path: "\(folder)/ids-\(index).sqlite"),
                    endpoint: EndpointConfiguration(port: 0, controlToken: "t")
                ),
                options: EngineOptions(mode: .serve, demo: nil, tokenPath: "\(folder)/token-\(index)", uploads: false),
                logger: logger
            )
            let running = RunningEngine.start(runtime, logger: logger)
            let port = try await #require(runtime.server).port()
            runtime.collector.record(tool: "tool_\(index)", latencyMs: 12, success: true)
            engines.append((running, port))
        }
        defer {
            for engine in engines { Task { await engine.running.stop(grace: .milliseconds(400)) } }
        }
        let watcher = TargetWatcher(configuration: PollerConfiguration(interval: .milliseconds(250)))
        defer { watcher.stopAll() }
        var targets = engines.map { MetricsTarget(host: "127.0.0.1", port: $0.port) }
        var refusing: [RefusingPort] = []
        defer { for port in refusing { port.release() } }
        for _ in 0..<45 {
            let port = try RefusingPort()
            refusing.append(port)
            targets.append(MetricsTarget(host: "127.0.0.1", port: port.port))
        }
        targets.shuffle()
        for target in targets {
            watcher.add(
                target,
                origin: .attached,
                backend: AttachedBackend(target: target, credential: nil, testFileBytes: 1)
            )
        }
        var state = DashboardState(targets: [], mode: .attached, now: Date(), clockZone: .utc)
        var refresher = TargetRefresher()
        let deadline = ContinuousClock.now + .seconds(20)
        var groups: [String: Int] = [:]
        while ContinuousClock.now < deadline {
            _ = refresher.refresh(&state, from: watcher)
            groups = Dictionary(uniqueKeysWithValues: TargetGroups(state.targets).groups.map { ($0.label, $0.count) })
            if groups["connected"] == 5, groups["reconnecting"] == 45 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(groups == ["connected": 5, "reconnecting": 45], "\(groups)")
        state.now = Date()
        let lines = render(state, size: ScreenSize(width: 120, height: 40)).lines
        #expect(
            lines[0].contains("50 targets:") && lines[0].contains("5 ●") && lines[0].contains("45 reconnecting"),
            "\(lines[0])"
        )
        for index in 0..<5 {
            #expect(lines.contains { $0.contains("tool_\(index)") }, "tool_\(index) has a row")
        }
        // A reconnecting target's status line names why.
        let refused = try #require(state.targets.first { !$0.connection.isConnected })
        #expect(refused.connection.error?.reason.contains("refused") == true, "\(refused.connection)")
    }

    @Test("discovery: a new proxy's file adds it, a file gone or naming a dead process ends it, then it is dropped")
    func discovery() throws {
        let folder = NSTemporaryDirectory() + "instances-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func publish(_ name: String, port: Int, pid: Int32 = getpid()) throws {
            let document =
                #"[{"targets":["127.0.0.1:\#(port)"],"labels":{"server":"\#(name)","pid":"\#(pid)","executable":"node"}}]"#
            try document.write(toFile: "\(folder)/\(name)-\(pid).json", atomically: true, encoding: .utf8)
        }
        let watcher = TargetWatcher(configuration: PollerConfiguration(interval: .seconds(5)))
        defer { watcher.stopAll() }
        let discovery = LocalDiscovery(watcher: watcher, folders: [folder]) { target in
            AttachedBackend(target: target, credential: nil, testFileBytes: 1)
        }
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port
        try publish("github", port: port)
        try publish("time", port: port + 1)
        // Bad files are skipped with a reason and never become targets.
        try "[{\"targets\":[\"127.0.0.1:1".write(
            toFile: "\(folder)/truncated-1.json",
            atomically: true,
            encoding: .utf8
        )
        try "not json".write(toFile: "\(folder)/garbage-2.json", atomically: true, encoding: .utf8)
        try publish("dead", port: port + 2, pid: 999_999)
        let now = Date()
        #expect(discovery.scan(adopting: false, now: now).unwatched == 2)
        #expect(watcher.targets.isEmpty, "offering does not watch")
        let (_, problems) = discovery.scan(adopting: true, now: now)
        #expect(watcher.targets.map(\.name) == ["github", "time"])
        #expect(problems.count == 3, "\(problems)")
        #expect(
            problems.contains { $0.contains("truncated-1.json") }
                && problems.contains { $0.contains("process 999999 is gone") }
        )
        try FileManager.default.removeItem(atPath: "\(folder)/time-\(getpid()).json")
        discovery.scan(adopting: true, now: now.addingTimeInterval(1))
        #expect(watcher.targets.first { $0.name == "time" }?.endedAt == now.addingTimeInterval(1))
        discovery.scan(adopting: true, now: now.addingTimeInterval(1 + LocalDiscovery.dropAfter))
        #expect(watcher.targets.map(\.name) == ["github"])
    }
}
