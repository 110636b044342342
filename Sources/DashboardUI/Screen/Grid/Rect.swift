/// A rectangle of cells: the area a pane draws into.
struct Rect: Sendable, Hashable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    /// Creates a rectangle; negative sizes count as 0.
    init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The column just right of the rectangle.
    var maxX: Int { x + width }
    /// The row just below the rectangle.
    var maxY: Int { y + height }

    /// The top `rows` rows, and the rest below them.
    func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let taken = min(max(0, rows), height)
        return (
            Rect(x: x, y: y, width: width, height: taken),
            Rect(x: x, y: y + taken, width: width, height: height - taken)
        )
    }

    /// The left `columns` columns, and the rest right of them after `gap` blank columns.
    func splitLeft(_ columns: Int, gap: Int = 0) -> (left: Rect, rest: Rect) {
        let taken = min(max(0, columns), width)
        let restX = min(x + taken + gap, maxX)
        return (
            Rect(x: x, y: y, width: taken, height: height),
            Rect(x: restX, y: y, width: maxX - restX, height: height)
        )
    }

    /// A rectangle of `width` × `height` centred in this one (clipped to it).
    func centered(width: Int, height: Int) -> Rect {
        let w = min(width, self.width)
        let h = min(height, self.height)
        return Rect(x: x + (self.width - w) / 2, y: y + (self.height - h) / 2, width: w, height: h)
    }
}
