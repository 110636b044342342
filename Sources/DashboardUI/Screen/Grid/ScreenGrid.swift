/// A frame of the dashboard: `width × height` cells, drawn by the panes and diffed onto the terminal.
///
/// Writes outside the grid are clipped. The grid keeps wide characters whole: a wide character never
/// starts in the last column, and overwriting either half of one blanks the other half.
struct ScreenGrid: Sendable, Equatable {
    /// The grid's columns and rows.
    let size: ScreenSize
    /// Row-major cells, `size.width * size.height` of them.
    private(set) var cells: [Cell]

    /// Creates a grid filled with `fill`.
    init(size: ScreenSize, fill: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.width * size.height)
    }

    /// Columns.
    var width: Int { size.width }
    /// Rows.
    var height: Int { size.height }
    /// The whole grid as a rectangle.
    var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`; a blank cell outside the grid.
    subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Puts one character at column `x`, row `y`, and returns the columns it took (0 when clipped).
    ///
    /// `columns` is the character's display width when the caller already knows it.
    @discardableResult
    mutating func put(_ character: Character, x: Int, y: Int, style: Style = .plain, columns: Int? = nil) -> Int {
        put(Glyph(character), x: x, y: y, style: style, columns: columns ?? DisplayWidth.of(character))
    }

    /// Puts one glyph of display width `columns` at column `x`, row `y`, and returns the columns it took.
    @discardableResult
    mutating func put(_ glyph: Glyph, x: Int, y: Int, style: Style, columns: Int) -> Int {
        guard y >= 0, y < height, x >= 0, x < width, columns > 0 else { return 0 }
        if columns == 2, x + 1 >= width {
            store(Cell(glyph: .space, style: style), at: x, y: y)
            return 1
        }
        store(Cell(glyph: glyph, style: style, width: UInt8(min(columns, 2))), at: x, y: y)
        if columns == 2 { store(Cell(glyph: .space, style: style, width: 0), at: x + 1, y: y) }
        return columns
    }

    /// Fills `rect` with `character` in `style`.
    mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let x0 = max(0, rect.x)
        let x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y)
        let y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(character, style: style)
        let blank = Cell(glyph: .space, style: style)
        for y in y0..<y1 {
            if x0 > 0, cells[y * width + x0].isContinuation { cells[y * width + x0 - 1] = blank }
            if x1 < width, cells[y * width + x1].isContinuation { cells[y * width + x1] = blank }
            for x in x0..<x1 { cells[y * width + x] = cell }
        }
    }

    private mutating func store(_ cell: Cell, at x: Int, y: Int) {
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, x > 0 {
            cells[index - 1] = Cell(glyph: .space, style: cells[index - 1].style)
        }
        if old.width == 2, cell.width != 2, x + 1 < width {
            cells[index + 1] = Cell(glyph: .space, style: cells[index + 1].style)
        }
        if cell.width == 2, x + 2 < width, cells[index + 1].width == 2 {
            cells[index + 2] = Cell(glyph: .space, style: cells[index + 2].style)
        }
        cells[index] = cell
    }
}
