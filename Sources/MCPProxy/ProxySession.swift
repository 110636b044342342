import Dispatch
import Engine
import Foundation
import Logging
import MetricsWire
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
        logger: Logger,
        spans: (any SpanSink)? = nil,
        messages: MessageLog? = nil,
        recorder: MessageRecorder? = nil
    ) async throws(ServerStartError) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let process = try ServerProcess.start(executable: settings.executable, arguments: settings.arguments)
        let signalSources = SignalForwarder.forward(to: process, grace: settings.grace, logger: logger)
        defer { for source in signalSources { source.cancel() } }

        let observer = ProxyObserver(
            runtime: runtime,
            name: settings.name,
            executable: settings.executableName,
            cachedTools: settings.cachedTools,
            spans: spans,
            messages: messages,
            toolPolicy: settings.toolPolicy
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
                lineLimit: settings.lineLimit,
                recorder: recorder
            )
        }
        startThread("relay-server") {
            RelayPump.serverToClient(
                from: process.stdout,
                output: output,
                observer: observer,
                lineLimit: settings.lineLimit,
                recorder: recorder
            )
            drained.store(true, ordering: .releasing)
        }

        let engine = RunningEngine.start(runtime, logger: logger)
        let announce = Task {
            await announceEndpoint(
                engine,
                name: settings.name,
                executable: settings.executableName,
                environment: environment,
                logger: logger
            )
        }
        let status = await process.exitStatus()
        // Relay what is left of its output (a grandchild holding the pipe open is not waited for long).
        let deadline = ContinuousClock.now + .seconds(2)
        while !drained.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let waiting = observer.serverExited(status: status)
        if waiting > 0 {
            let what = waiting == 1 ? "1 request was" : "\(waiting) requests were"
            logger.warning("\(what) waiting when the server exited (status \(status)); counted as server_exited")
        }
        announce.cancel()
        await announce.value?.remove()
        await engine.stop(grace: .milliseconds(400))
        logger.info("server exited", metadata: ["server": "\(settings.name)", "status": "\(status)"])
        return status
    }

    /// Writes the discovery file once the endpoint listens; a failed endpoint is logged and the relay
    /// goes on without it. Returns the file to remove at the end.
    static func announceEndpoint(
        _ engine: RunningEngine,
        name: String,
        executable: String,
        environment: [String: String],
        logger: Logger
    ) async -> DiscoveryFile? {
        guard let server = engine.runtime.server else { return nil }
        let port: Int
        do {
            port = try await server.port()
        } catch {
            logger.warning("no metrics endpoint: \(error); the relay goes on without it")
            return nil
        }
        switch DiscoveryFile.write(
            host: server.host,
            port: port,
            server: name,
            executable: executable,
            environment: environment
        ) {
        case .success(let file):
            logger.info("metrics endpoint", metadata: ["url": "http://\(server.host):\(port)/metrics"])
            return file
        case .failure(let error):
            logger.warning("\(error)")
            return nil
        }
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
