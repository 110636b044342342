import Dispatch
import MetricsClient
import MetricsWire
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the terminal's input loop checks, so no curses call ever
/// runs inside a signal handler.
///
/// While it runs, the signals' default actions are ignored (so Ctrl-C does not kill the process with the
/// terminal still in curses mode) and delivered through dispatch sources instead; `stop()` restores the
/// previous dispositions.
final class SignalMonitor: Sendable {
    /// The signals watched.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private let received = Atomic<Int32>(0)
    private let state = Guarded<(sources: [any DispatchSourceSignal], previous: [Int32: sighandler_t?])>(([], [:]))

    /// Starts watching.
    init() {
        let sources = Self.signals.map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received.store(number, ordering: .releasing) }
            return source
        }
        var previous: [Int32: sighandler_t?] = [:]
        for number in Self.signals { previous[number] = signal(number, SIG_IGN) }
        for source in sources { source.resume() }
        state.withLock { $0 = (sources, previous) }
    }

    /// The last signal received and not yet taken, clearing it; nil when none arrived.
    func take() -> Int32? {
        let number = received.exchange(0, ordering: .acquiring)
        return number == 0 ? nil : number
    }

    /// Stops watching and restores the signals' previous dispositions. Safe to call more than once.
    func stop() {
        state.withLock { current in
            for source in current.sources { source.cancel() }
            for (number, handler) in current.previous { signal(number, handler) }
            current = ([], [:])
        }
    }

    deinit {
        stop()
    }
}
