import Testing

@testable import DashboardUI

@Suite("colours")
struct ColorTests {
    @Test("pairs are numbered from 1 in order of first use, and reused")
    func pairs() {
        var table = ColorPairTable(terminalColors: 256, pairs: 3)
        #expect(table.pair(foreground: .default, background: .default).number == 0)
        let first = table.pair(foreground: .red, background: .default)
        #expect(first.number == 1 && first.new == ColorPairTable.Pair(number: 1, foreground: 1, background: nil))
        #expect(table.pair(foreground: .red, background: .default) == (1, nil))
        let second = table.pair(foreground: .orange, background: .slate)
        #expect(second.new == ColorPairTable.Pair(number: 2, foreground: 208, background: 24))
        #expect(table.pair(foreground: .green, background: .default).number == 0)
    }

    @Test("256-colour shades fall back to ANSI colours, bright ones to bold on 8 colours")
    func fallback() {
        #expect(CellColor.slate.index(forTerminalColors: 256) == 24)
        #expect(CellColor.slate.index(forTerminalColors: 16) == 4)
        #expect(CellColor.brightRed.index(forTerminalColors: 16) == 9)
        #expect(CellColor.brightRed.index(forTerminalColors: 8) == 1)
        #expect(CellColor.brightRed.needsBoldOnEightColors)
        #expect(!CellColor.red.needsBoldOnEightColors)
        #expect(CellColor.default.index(forTerminalColors: 256) == nil)
        for color in CellColor.allCases where color != .default {
            #expect((0..<8).contains(color.index(forTerminalColors: 8)!))
            #expect((0..<16).contains(color.index(forTerminalColors: 16)!))
        }
    }

    @Test("NO_COLOR and --no-color turn colours off")
    func noColor() {
        #expect(TerminalOptions.colorWanted(environment: [:], noColorFlag: false))
        #expect(!TerminalOptions.colorWanted(environment: [:], noColorFlag: true))
        #expect(!TerminalOptions.colorWanted(environment: ["NO_COLOR": "1"], noColorFlag: false))
        #expect(TerminalOptions.colorWanted(environment: ["NO_COLOR": ""], noColorFlag: false))
    }
}
