/// The rounding rules of the wire schema, shared by the engine and clients.
public enum MetricsRounding {
    /// Rounds to two decimals, as the schema's latencies and percentages are.
    @inlinable
    public static func twoDecimals(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 100).rounded() / 100
    }

    /// `part / whole` as a percentage rounded to two decimals; 0 when `whole` is 0.
    @inlinable
    public static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        return twoDecimals(Double(part) * 100 / Double(whole))
    }
}
