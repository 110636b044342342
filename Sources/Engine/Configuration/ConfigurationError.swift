/// A setting whose value cannot be used; start-up stops with ``description`` as its one line.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable or flag that was read, e.g. `METRICS_WINDOW_SIZE`.
    public let variable: String
    /// The value as given.
    public let value: String
    /// What would have been accepted, e.g. "a whole number of at least 1".
    public let expected: String

    /// Creates the error for one setting.
    public init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    /// One line naming the variable, the value and what is expected.
    public var description: String {
        "invalid \(variable)=\"\(Self.printable(value))\": expected \(expected)"
    }

    /// The value with control characters escaped and its length bounded, so the message stays one line.
    private static func printable(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars.prefix(80) {
            if scalar.properties.generalCategory == .control {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 80 ? out + "…" : out
    }
}
