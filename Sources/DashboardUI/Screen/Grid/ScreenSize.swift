/// The size of a terminal or grid in columns and rows.
struct ScreenSize: Sendable, Hashable, CustomStringConvertible {
    /// Columns.
    var width: Int
    /// Rows.
    var height: Int

    /// Creates a size; negative values count as 0.
    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The smallest terminal the dashboard lays out for.
    static let minimum = ScreenSize(width: 80, height: 24)

    /// Whether this size is at least `other` in both directions.
    func contains(_ other: ScreenSize) -> Bool {
        width >= other.width && height >= other.height
    }

    var description: String { "\(width)×\(height)" }
}
