/// Text attributes of a cell, independent of colour so they also work on monochrome terminals.
struct CellAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let bold = CellAttributes(rawValue: 1 << 0)
    static let dim = CellAttributes(rawValue: 1 << 1)
    static let reverse = CellAttributes(rawValue: 1 << 2)
    static let underline = CellAttributes(rawValue: 1 << 3)
}
