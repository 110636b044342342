import Testing

@testable import DashboardUI

@Suite("ScreenGrid")
struct ScreenGridTests {
    @Test("text is clipped and truncated with an ellipsis")
    func clipping() {
        var grid = ScreenGrid(size: ScreenSize(width: 10, height: 2))
        let end = grid.write("hello world", x: 2, y: 0)
        #expect(end == 10)
        #expect(grid.lines == ["  hello w…", ""])
        grid.write("abc", x: -1, y: 1)
        grid.write("zzz", x: 0, y: 5)
        #expect(grid.lines == ["  hello w…", "bc"])
    }

    @Test("a wide character takes two cells, the second a continuation")
    func wideCells() {
        var grid = ScreenGrid(size: ScreenSize(width: 6, height: 1))
        grid.write("a漢b", x: 0, y: 0)
        #expect(grid[1, 0].character == "漢" && grid[1, 0].width == 2)
        #expect(grid[2, 0].isContinuation)
        #expect(grid[3, 0].character == "b")
        #expect(grid.lines == ["a漢b"])
    }

    @Test("a wide character never starts in the last column")
    func wideAtEdge() {
        var grid = ScreenGrid(size: ScreenSize(width: 4, height: 1))
        grid.put("漢", x: 3, y: 0)
        #expect(grid[3, 0].character == " " && grid[3, 0].width == 1)
        let end = grid.write("ab漢", x: 1, y: 0)
        #expect(end == 4)
        #expect(grid.lines == [" ab…"])
        #expect(grid[3, 0].width == 1)
    }

    @Test("overwriting half of a wide character blanks the other half")
    func overwriteHalves() {
        var grid = ScreenGrid(size: ScreenSize(width: 6, height: 1))
        grid.write("漢字", x: 0, y: 0)
        grid.put("x", x: 1, y: 0)
        #expect(grid[0, 0].character == " " && grid[0, 0].width == 1)
        #expect(grid[1, 0].character == "x")
        grid.put("y", x: 2, y: 0)
        #expect(grid[3, 0].character == " " && !grid[3, 0].isContinuation)
        grid.write("字", x: 3, y: 0)
        grid.put("漢", x: 2, y: 0)
        #expect(grid[4, 0].character == " " && grid[4, 0].width == 1)
        #expect(grid.lines == [" x漢"])
    }

    @Test("fields pad and align, and combining marks stay on their base")
    func fields() {
        var grid = ScreenGrid(size: ScreenSize(width: 12, height: 3))
        grid.write("42", x: 0, y: 0, width: 6, alignment: .right)
        grid.write("ok", x: 6, y: 0, width: 6, alignment: .center)
        grid.write("cafe\u{301}", x: 0, y: 1, width: 12, alignment: .left)
        grid.write("漢字漢字漢字漢", x: 0, y: 2, width: 7, alignment: .left)
        #expect(grid.lines == ["    42  ok", "cafe\u{301}", "漢字漢…"])
        #expect(grid[3, 1].character == "e\u{301}")
    }

    @Test("the style map names each style once")
    func styleMap() {
        var grid = ScreenGrid(size: ScreenSize(width: 4, height: 2))
        grid.write("ab", x: 0, y: 0, style: Style(foreground: .red, attributes: .bold))
        grid.write("c", x: 1, y: 1, style: Style(attributes: .reverse))
        #expect(grid.styleMap == "aa\n.b\n\nlegend:\na fg=red bold\nb reverse\n")
    }

    @Test("glyphs keep clusters of up to five scalars, longer ones their first scalar")
    func glyphs() {
        #expect(Glyph("a").character == "a")
        #expect(Glyph("e\u{301}").character == "e\u{301}")
        #expect(Glyph("👍🏽").count == 2)
        let family: Character = "👨\u{200D}👩\u{200D}👧\u{200D}👦"
        #expect(Glyph(family).character == "👨")
        #expect(Glyph(family) != Glyph("👨\u{200D}👩"))
        #expect(Cell("x") != Cell("y") && Cell("x") == Cell("x"))
    }
}
