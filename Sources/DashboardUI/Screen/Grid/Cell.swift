/// One column of one row of the screen: a grapheme with its colours and attributes.
///
/// A character two columns wide occupies its own cell (`width == 2`) and the cell to its right, which is a
/// continuation (`width == 0`) that the terminal must not draw over.
struct Cell: Sendable, Hashable {
    /// The grapheme shown; a space for blank cells and continuations.
    var glyph: Glyph
    /// The foreground colour.
    var foreground: CellColor
    /// The background colour.
    var background: CellColor
    /// Bold, dim, reverse, underline.
    var attributes: CellAttributes
    /// Columns the character covers: 1, 2 for a wide character, 0 for the right half of a wide character.
    var width: UInt8

    /// Creates a cell of `glyph`.
    init(glyph: Glyph, style: Style = .plain, width: UInt8 = 1) {
        self.glyph = glyph
        self.foreground = style.foreground
        self.background = style.background
        self.attributes = style.attributes
        self.width = width
    }

    /// Creates a cell of `character`.
    init(_ character: Character = " ", style: Style = .plain, width: UInt8 = 1) {
        self.init(glyph: character == " " ? .space : Glyph(character), style: style, width: width)
    }

    /// A blank cell in the terminal's normal colours.
    static let blank = Cell()

    /// The grapheme as a `Character`.
    var character: Character { glyph.character }

    /// The cell's colours and attributes.
    var style: Style {
        get { Style(foreground: foreground, background: background, attributes: attributes) }
        set {
            foreground = newValue.foreground
            background = newValue.background
            attributes = newValue.attributes
        }
    }

    /// Whether this is the right half of a wide character.
    var isContinuation: Bool { width == 0 }
}
