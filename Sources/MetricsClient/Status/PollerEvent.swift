import MetricsWire

/// Something a UI should redraw for; read ``MetricsPoller/state`` for everything else.
public enum PollerEvent: Sendable {
    /// The connection status changed (a new failure, a recovery, data going stale).
    case status(ConnectionStatus)
    /// A new good snapshot arrived, with the rates since the previous one (when known).
    case snapshot(PolledSnapshot, derived: DerivedMetrics?)
}
