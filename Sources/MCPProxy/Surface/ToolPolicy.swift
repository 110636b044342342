import Engine
import MetricsWire

/// What a proxy does with its server's tool surface beyond watching it: compare the first list with a
/// pinned baseline (`--tools-baseline`), refuse calls of tools that differ from it (`--tools-policy block`),
/// and hand the surface to its control API (`GET /v1/tools`, what `dashboard tools pin` writes).
public struct ToolPolicy: Sendable {
    /// The pinned surface, when given.
    public var baseline: ToolsBaseline?
    /// Whether a call of a tool that is not in the baseline, or differs from it, is answered with an error
    /// instead of being forwarded.
    public var blocks: Bool
    /// Where the control API reads the surface from; the observer attaches itself.
    public var reader: ToolSurfaceReader?

    /// A policy; by default it only watches.
    public init(baseline: ToolsBaseline? = nil, blocks: Bool = false, reader: ToolSurfaceReader? = nil) {
        self.baseline = baseline
        self.blocks = blocks && baseline != nil
        self.reader = reader
    }
}

/// The control API's way to the surface of an observer made after it.
public final class ToolSurfaceReader: Sendable {
    private let source = Guarded<(@Sendable () -> String?)?>(nil)

    /// A reader with nothing attached yet.
    public init() {}

    /// Reads from `document` from now on.
    func attach(_ document: @escaping @Sendable () -> String?) {
        source.withLock { $0 = document }
    }

    /// The surface as a baseline document; nil before the server listed its tools.
    public func document() -> String? {
        source.withLock { $0 }?()
    }
}
