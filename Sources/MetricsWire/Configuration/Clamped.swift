/// A setting kept inside the range its component can use: a value outside it is stored as the nearest
/// bound, at creation and on every later assignment, so a configuration cannot be put into a state that
/// crashes or stalls its component (a window of 0 samples, no upload slot, an error rate of 2).
@propertyWrapper
public struct Clamped<Value: Comparable & Sendable>: Sendable, Equatable {
    private var value: Value
    private let lower: Value
    private let upper: Value?

    /// Keeps the value at `range.lowerBound` or above.
    public init(wrappedValue: Value, _ range: PartialRangeFrom<Value>) {
        lower = range.lowerBound
        upper = nil
        value = Self.clamp(wrappedValue, lower, nil)
    }

    /// Keeps the value within `range`.
    public init(wrappedValue: Value, _ range: ClosedRange<Value>) {
        lower = range.lowerBound
        upper = range.upperBound
        value = Self.clamp(wrappedValue, lower, upper)
    }

    /// The value, always within the range.
    public var wrappedValue: Value {
        get { value }
        set { value = Self.clamp(newValue, lower, upper) }
    }

    private static func clamp(_ value: Value, _ lower: Value, _ upper: Value?) -> Value {
        let raised = max(lower, value)
        return upper.map { min($0, raised) } ?? raised
    }
}
