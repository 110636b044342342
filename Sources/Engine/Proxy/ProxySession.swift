import Dispatch
import Foundation
import Logging
import MetricsClient
import Synchronization

/// One run of `dashboard proxy`: starts the server, relays both pipes while the observer records, serves
/// the engine's endpoint and discovery file, forwards signals, and ends with the server's exit status.
///
/// Nothing here may make a call fail: an endpoint that cannot bind or a discovery folder that cannot be
/// written is logged and the relay goes on.
public enum ProxySession {
    /// Runs the proxy until the server exits; returns the status to exit with.
    public static func run(
        _ settings: ProxySettings,
        runtime: EngineRuntime,
        environment: [String: String],
        logger: Logger
    ) async throws(ServerStartError) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let process = try ServerProcess.start(executable: settings.executable, arguments: settings.arguments)
        let signalSources = SignalForwarder.forward(to: process, grace: settings.grace, logger: logger)
        defer { for source in signalSources { source.cancel() } }

        let cache =
            settings.cachedTools.isEmpty
            ? nil
            : ProxyResultCache(cache: runtime.responseCache, serverName: settings.name, tools: settings.cachedTools)
        let observer = ProxyObserver(
            collector: runtime.collector,
            server: MCPServerStatus(name: settings.name, executable: settings.executableName, running: true),
            cache: cache
        )
        observer.serverStarted(pid: process.pid)
        let output = ClientOutput(fd: 1)
        let drained = Atomic<Bool>(false)
        startThread("relay-client") {
            RelayPump.clientToServer(
                from: 0,
                to: process.stdin,
                observer: observer,
                output: output,
                lineLimit: settings.lineLimit
            )
        }
        startThread("relay-server") {
            RelayPump.serverToClient(
                from: process.stdout,
                output: output,
                observer: observer,
                lineLimit: settings.lineLimit
            )
            drained.store(true, ordering: .releasing)
        }

        let engine = Task { await serveEngine(runtime, settings: settings, environment: environment, logger: logger) }
        let status = await process.exitStatus()
        // Relay what is left of its output (a grandchild holding the pipe open is not waited for long).
        let deadline = ContinuousClock.now + .seconds(2)
        while !drained.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        observer.serverExited(status: status)
        engine.cancel()
        let discovery = await engine.value
        discovery?.remove()
        logger.info("server exited", metadata: ["server": "\(settings.name)", "status": "\(status)"])
        return status
    }

    /// Serves the endpoint and keeps the discovery file while it runs; returns the file to remove.
    private static func serveEngine(
        _ runtime: EngineRuntime,
        settings: ProxySettings,
        environment: [String: String],
        logger: Logger
    ) async -> DiscoveryFile? {
        let discovery = Mutex<DiscoveryFile?>(nil)
        let announce = Task {
            guard let server = runtime.server, let port = try? await server.port() else { return }
            switch DiscoveryFile.write(
                host: server.host,
                port: port,
                server: settings.name,
                executable: settings.executableName,
                environment: environment
            ) {
            case .success(let file):
                discovery.withLock { $0 = file }
                logger.info("metrics endpoint", metadata: ["url": "http://\(server.host):\(port)/metrics"])
            case .failure(let error):
                logger.warning("\(error)")
            }
        }
        do {
            try await runtime.run(gracefulShutdownSignals: [])
        } catch is CancellationError {
        } catch {
            logger.warning("metrics endpoint stopped: \(error); the relay goes on")
            // Keep relaying without an endpoint until cancelled.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        announce.cancel()
        return discovery.withLock { $0 }
    }

    private static func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}

/// SIGTERM, SIGINT and SIGHUP to the proxy go to the server's process group; if it has not exited after
/// the grace period, SIGKILL follows.
enum SignalForwarder {
    static let forwarded: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Starts forwarding; cancel the returned sources to stop.
    static func forward(to process: ServerProcess, grace: Duration, logger: Logger) -> [any DispatchSourceSignal] {
        forwarded.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("forwarding signal to the server", metadata: ["signal": "\(number)"])
                process.signal(number)
                DispatchQueue.global().asyncAfter(deadline: .now() + grace.inSeconds) {
                    guard process.exited == nil else { return }
                    logger.warning("the server did not exit within the grace period; killing it")
                    process.signal(SIGKILL)
                }
            }
            source.resume()
            return source
        }
    }
}
