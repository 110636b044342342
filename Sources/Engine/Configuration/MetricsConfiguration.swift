import MetricsWire

/// Settings of the ``MetricsCollector``.
public struct MetricsConfiguration: Sendable, Equatable {
    /// Whether calls are recorded at all (`PERFORMANCE_METRICS_ENABLED`, default `true`).
    public var enabled: Bool
    /// How many recent calls per tool the window percentiles cover (`METRICS_WINDOW_SIZE`, default 1000).
    @Clamped public var windowSize: Int
    /// Distinct tool names kept before further names are counted under ``overflowToolName``.
    @Clamped public var maxTools: Int
    /// Distinct error types kept per tool before further types are counted as `other`.
    @Clamped public var maxErrorTypesPerTool: Int
    /// The longest a snapshot is reused before it is computed again.
    @Clamped public var snapshotMaxAge: Duration

    /// The name under which tools beyond ``maxTools`` are counted.
    public static let overflowToolName = "(other tools)"

    /// Creates collector settings; every parameter has the documented default.
    public init(
        enabled: Bool = true,
        windowSize: Int = 1000,
        maxTools: Int = 1000,
        maxErrorTypesPerTool: Int = 64,
        snapshotMaxAge: Duration = .milliseconds(250)
    ) {
        self.enabled = enabled
        self._windowSize = Clamped(wrappedValue: windowSize, 1...)
        self._maxTools = Clamped(wrappedValue: maxTools, 1...)
        self._maxErrorTypesPerTool = Clamped(wrappedValue: maxErrorTypesPerTool, 1...)
        self._snapshotMaxAge = Clamped(wrappedValue: snapshotMaxAge, .zero...)
    }
}
