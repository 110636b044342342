import Engine
import Logging
import MetricsWire
import OTel
import ServiceLifecycle
import Tracing

/// Exports the spans of the requests a proxy sees (``RequestSpan``) and of an engine's tool calls and uploads
/// (``OperationSpan``) over OTLP with swift-otel, off the relay's and the engine's paths: they only queue each
/// span (a bounded queue; a full one drops and counts), and this
/// service makes and ends the spans on its own task. On shutdown it sends what is queued, within the grace
/// period. It bootstraps the process's tracer: one exporter per process.
public final class OTLPExporter: SpanSink, Service {
    /// What the spans say of where the requests went: `network.transport`, and an HTTP upstream's
    /// `server.address` and `server.port`.
    public struct Peer: Sendable {
        /// `network.transport`: `pipe` (stdio) or `tcp` (HTTP).
        public var transport: String
        /// `server.address` of an HTTP upstream.
        public var address: String?
        /// `server.port` of an HTTP upstream.
        public var port: Int?

        /// A stdio server (`pipe`), or an HTTP upstream at `address:port` (`tcp`).
        public init(transport: String, address: String? = nil, port: Int? = nil) {
            self.transport = transport
            self.address = address
            self.port = port
        }
    }

    /// Where and how the spans go.
    public let settings: TraceSettings
    let peer: Peer?
    let logger: Logger
    private let queue = Guarded(SpanQueue())
    private let tally = ExportTally()
    private let otel: ServiceGroup
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    /// How ``RequestSpan`` instants (``ContinuousClock``) become wall-clock times: one pair read at start.
    private let clockBase = (ContinuousClock.now, DefaultTracerClock.now.nanosecondsSinceEpoch)

    /// At most this many spans wait to be made; more are dropped and counted.
    public static let queueLimit = 8192
    /// At most this many spans with payloads go in one export.
    static let payloadBatchLimit = 512

    /// Bootstraps the tracer for `settings`; a proxy's request spans say they went to `peer` (an engine has
    /// none). Its warnings (a collector that is down) go to `logger`, at most one a minute.
    public init(settings: TraceSettings, peer: Peer?, logger: Logger) throws {
        self.settings = settings
        self.peer = peer
        self.logger = logger
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let counter = ExportLogCounter(tally: tally, forward: logger)
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.resourceAttributes = settings.resourceAttributes
        configuration.diagnosticLogger = .custom(Logger(label: "otlp") { _ in counter })
        configuration.diagnosticLogLevel = .debug
        configuration.propagators = [.traceContext]
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.sampler = Self.sampler(settings.sampler)
        configuration.traces.batchSpanProcessor.scheduleDelay = settings.scheduleDelay
        configuration.traces.batchSpanProcessor.maxQueueSize = Self.queueLimit
        // What is queued is sent at each tick, whole (one batch a tick): a smaller batch would fall behind at
        // thousands of calls a second. With payloads (up to 8 KiB a span) a batch stays under collectors'
        // usual 4 MiB message limit, and the export keeps up with fewer spans (~5 000 a second).
        configuration.traces.batchSpanProcessor.maxExportBatchSize =
            settings.payloads ? Self.payloadBatchLimit : Self.queueLimit
        // A collector that hangs holds neither the queue nor the proxy's exit for long.
        configuration.traces.batchSpanProcessor.exportTimeout = .seconds(3)
        configuration.traces.otlpExporter.timeout = .seconds(3)
        configuration.traces.otlpExporter.endpoint = settings.endpoint.absoluteString
        configuration.traces.otlpExporter.headers = settings.headers.map { ($0.name, $0.value) }
        configuration.traces.otlpExporter.protocol =
            switch settings.exportProtocol {
            case .httpProtobuf: .httpProtobuf
            case .httpJSON: .httpJSON
            case .grpc: .grpc
            }
        // The flags and variables were read above: none is read again behind them.
        let service = try OTel.bootstrap(configuration: configuration, environment: [:])
        otel = ServiceGroup(
            services: [service],
            gracefulShutdownSignals: [],
            logger: Logger(label: "otlp") { _ in counter }
        )
    }

    /// What `/metrics` says of the export.
    public var metrics: OTLPMetrics {
        let counts = spanCounts
        return OTLPMetrics(
            endpoint: settings.displayTarget,
            exported: counts.exported,
            dropped: counts.dropped,
            failed: counts.failed
        )
    }

    /// Spans exported, dropped and failed so far.
    public var spanCounts: SpanCounts {
        let dropped = queue.withLock { $0.dropped }
        var counts = tally.counts.withLock { $0 }
        counts.dropped += dropped
        return counts
    }

    /// Whether spans carry tool arguments and results (`--otlp-payloads`).
    public var wantsPayloads: Bool { settings.payloads }

    /// Queues `span` to be made and exported (dropped and counted when the queue is full).
    public func spanEnded(_ span: RequestSpan) {
        enqueue(.request(span))
    }

    /// Queues an engine's `span` (and its children) to be made and exported, as ``spanEnded(_:)`` does.
    public func operationEnded(_ span: OperationSpan) {
        enqueue(.operation(span))
    }

    private func enqueue(_ span: EndedSpan) {
        let wasEmpty = queue.withLock { $0.push(span) }
        if wasEmpty { wakeUp.yield() }
    }

    /// Makes the queued spans until the graceful shutdown, then the last ones, then lets swift-otel send them
    /// (its own shutdown flushes).
    public func run() async throws {
        let exporting = Task { try await otel.run() }
        var maker = SpanMaker(exporter: self, tracer: InstrumentationSystem.tracer)
        await withGracefulShutdownHandler {
            for await _ in wake {
                maker.make(queue.withLock { $0.take() })
            }
        } onGracefulShutdown: {
            self.wakeUp.finish()
        }
        maker.make(queue.withLock { $0.take() })
        await otel.triggerGracefulShutdown()
        try await exporting.value
    }

    /// The instant `instant` as the wall-clock time spans are stamped with.
    func wallClock(_ instant: ContinuousClock.Instant) -> DefaultTracerClock.Timestamp {
        let offset = instant - clockBase.0
        let nanoseconds =
            Int64(offset.components.seconds) * 1_000_000_000 + offset.components.attoseconds / 1_000_000_000
        return DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: UInt64(max(0, Int64(clockBase.1) + nanoseconds)))
    }

    static func sampler(_ sampler: TraceSettings.Sampler) -> OTel.Configuration.TracesConfiguration.SamplerConfiguration
    {
        switch sampler {
        case .alwaysOn: .alwaysOn
        case .alwaysOff: .alwaysOff
        case .parentBasedAlwaysOn: .parentBasedAlwaysOn
        case .parentBasedAlwaysOff: .parentBasedAlwaysOff
        case .traceIDRatio(let ratio): .traceIDRatio(ratio: ratio) ?? .alwaysOn
        case .parentBasedTraceIDRatio(let ratio): .parentBasedTraceIDRatio(ratio: ratio) ?? .parentBasedAlwaysOn
        }
    }
}

/// A span handed to the exporter: a proxy's request, or an engine's operation.
enum EndedSpan: Sendable {
    case request(RequestSpan)
    case operation(OperationSpan)

    /// How many spans it makes: an operation's children are spans too.
    var count: Int {
        switch self {
        case .request: 1
        case .operation(let operation): 1 + operation.children.count
        }
    }
}

/// The spans waiting to be made, bounded.
struct SpanQueue {
    var spans: [EndedSpan] = []
    var dropped = 0

    /// Queues `span` (or counts it dropped); returns whether the queue was empty before.
    mutating func push(_ span: EndedSpan) -> Bool {
        guard spans.count < OTLPExporter.queueLimit else {
            dropped += span.count
            return false
        }
        spans.append(span)
        return spans.count == 1
    }

    mutating func take() -> [EndedSpan] {
        defer { spans = [] }
        return spans
    }
}

/// An exporter running beside a proxy, stopped (and flushed) when the proxy ends.
public final class RunningExport: Sendable {
    /// The exporter, which the proxy's observer hands its spans to.
    public let exporter: OTLPExporter
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    /// Starts `exporter`.
    public init(_ exporter: OTLPExporter) {
        self.exporter = exporter
        let group = ServiceGroup(services: [exporter], gracefulShutdownSignals: [], logger: exporter.logger)
        self.group = group
        running = Task { try? await group.run() }
    }

    /// Makes `collector`'s `/metrics` say how the export fares (the `otlp` object).
    public func report(to collector: MetricsCollector) {
        collector.setOTLPSource { [exporter] in exporter.metrics }
    }

    /// Sends what is queued and stops, giving up after `grace` (a collector that hangs).
    public func stop(within grace: Duration) async {
        await group.triggerGracefulShutdown()
        let running = self.running
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await running.value }
            tasks.addTask { try? await Task.sleep(for: grace) }
            await tasks.next()
            tasks.cancelAll()
        }
        running.cancel()
    }
}
