/// The look of a run of text: foreground, background and attributes.
struct Style: Sendable, Hashable {
    var foreground: CellColor
    var background: CellColor
    var attributes: CellAttributes

    /// Creates a style; every part defaults to the terminal's normal text.
    init(foreground: CellColor = .default, background: CellColor = .default, attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's normal text.
    static let plain = Style()
}
