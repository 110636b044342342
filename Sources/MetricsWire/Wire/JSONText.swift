/// JSON text for values written outside a snapshot, escaped as snapshots are.
public enum JSONText {
    /// `value` as a JSON string, quotes included.
    public static func quoted(_ value: String) -> String {
        var output = JSONOutput(capacity: value.utf8.count + 2)
        output.string(value)
        return String(decoding: output.bytes, as: UTF8.self)
    }
}
