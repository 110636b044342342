import Foundation

/// Durations as people type them on a command line: `250ms`, `30s`, `5m`, `2h`, or a bare number of seconds.
public enum DurationText {
    /// The duration `text` names, or `nil` if it is not one (negative, not finite, unknown unit).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(trimmed)
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 31_536_000 else { return nil }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }
}
