import Foundation
import MetricsWire

/// One bound `dashboard check` holds a target to: a tool's p95 latency at most a duration, or every tool's
/// error rate at most a share of its calls.
public enum GateBound: Sendable, Equatable {
    /// `--max-p95 TOOL=DUR`: the tool's p95 at most `milliseconds` (`*`: every tool that made calls).
    case maxP95(tool: String, milliseconds: Double, text: String)
    /// `--max-error-rate PCT`: no tool's failed calls above `percent` % of its calls.
    case maxErrorRate(percent: Double)

    /// Reads `TOOL=DUR` (`search=250ms`, `*=2s`).
    public static func p95(_ text: String) throws(GateBoundError) -> GateBound {
        guard let equals = text.lastIndex(of: "="), equals != text.startIndex else {
            throw GateBoundError("--max-p95 takes TOOL=DURATION, like search=250ms or '*=2s'; got \"\(text)\"")
        }
        let tool = String(text[..<equals])
        let duration = String(text[text.index(after: equals)...])
        guard let bound = DurationText.parse(duration), bound > .zero else {
            throw GateBoundError("--max-p95 \(tool): \"\(duration)\" is not a duration like 250ms or 2s")
        }
        return .maxP95(tool: tool, milliseconds: bound.inMilliseconds, text: duration)
    }

    /// Reads a percentage from 0 to 100 (`5`, `0.5`, `5%`).
    public static func errorRate(_ text: String) throws(GateBoundError) -> GateBound {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let percent = Double(number), percent.isFinite, (0...100).contains(percent) else {
            throw GateBoundError("--max-error-rate takes a percentage from 0 to 100, like 1 or 0.5; got \"\(text)\"")
        }
        return .maxErrorRate(percent: percent)
    }

    /// The bound as a test's name: `p95 of search ≤ 250ms`.
    public var name: String {
        switch self {
        case .maxP95(let tool, _, let text): tool == "*" ? "p95 of every tool ≤ \(text)" : "p95 of \(tool) ≤ \(text)"
        case .maxErrorRate(let percent): "error rate of every tool ≤ \(GateBound.format(percent))%"
        }
    }

    /// What breaks the bound in `snapshot`, one line each; empty when it holds.
    public func violations(in snapshot: MetricsSnapshot) -> [String] {
        let tools = snapshot.toolMetrics.sorted { $0.key < $1.key }
        switch self {
        case .maxP95(let tool, let milliseconds, let text):
            if tool != "*" {
                guard let metrics = snapshot.toolMetrics[tool], metrics.totalCalls > 0 else {
                    return ["\(tool): no calls to measure (p95 bound \(text)); is the name right?"]
                }
                return Self.p95(tool, metrics, above: milliseconds, text: text)
            }
            return tools.filter { $0.value.totalCalls > 0 }.flatMap {
                Self.p95($0.key, $0.value, above: milliseconds, text: text)
            }
        case .maxErrorRate(let percent):
            return tools.compactMap { tool, metrics in
                guard metrics.totalCalls > 0 else { return nil }
                let rate = 100 * Double(metrics.failedCalls) / Double(metrics.totalCalls)
                guard rate > percent else { return nil }
                return "\(tool): error rate \(Self.format(rate))% (\(metrics.failedCalls) of \(metrics.totalCalls) "
                    + "calls) above \(Self.format(percent))%"
            }
        }
    }

    private static func p95(
        _ tool: String,
        _ metrics: ToolMetrics,
        above milliseconds: Double,
        text: String
    )
        -> [String]
    {
        guard metrics.p95LatencyMs > milliseconds else { return [] }
        return ["\(tool): p95 \(format(metrics.p95LatencyMs)) ms above \(text) (\(metrics.totalCalls) calls)"]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}

/// A `dashboard check` bound that cannot be read, with what to write instead.
public struct GateBoundError: Error, CustomStringConvertible {
    /// What is wrong and how to write it.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
