import Foundation
import TestSupport
import Testing

@testable import DashboardUI

#if canImport(Glibc)
import Glibc
#endif

@Suite("CursesTerminal on a pseudo-terminal", .serialized, .ownThreads)
struct CursesTerminalTests {
    static func options(_ pty: PseudoTerminal, color: Bool = true) -> TerminalOptions {
        TerminalOptions(
            useColor: color,
            handleSignals: false,
            terminalType: "xterm-256color",
            inputDescriptor: pty.slave,
            outputDescriptor: pty.slave
        )
    }

    @Test("draws a frame, then only what changed, and restores the terminal once")
    func drawing() async throws {
        let pty = try PseudoTerminal(columns: 100, rows: 30)
        defer { pty.close() }
        let terminal = try CursesTerminal(options: Self.options(pty))
        #expect(terminal.size == ScreenSize(width: 100, height: 30))
        #expect(terminal.hasColor && terminal.colorCount == 256)

        var grid = ScreenGrid(size: terminal.size)
        grid.write("dashboard ready", x: 2, y: 1, style: Style(foreground: .green, attributes: .bold))
        grid.write("漢字 ok", x: 2, y: 2)
        terminal.draw(grid)
        #expect(await pty.waitForOutput(containing: "dashboard ready"))
        if terminal.isUTF8 { #expect(await pty.waitForOutput(containing: "漢字 ok")) }

        let afterFirst = await pty.settle()
        terminal.draw(grid)
        let afterSame = await pty.settle()
        #expect(afterSame - afterFirst < 16, "an unchanged frame wrote \(afterSame - afterFirst) bytes")

        grid.put("X", x: 50, y: 20)
        terminal.draw(grid)
        #expect(await pty.waitForOutput(containing: "X"))
        let afterChange = await pty.settle()
        #expect(afterChange - afterSame < 64, "one changed cell wrote \(afterChange - afterSame) bytes")

        terminal.shutdown()
        #expect(await pty.waitForOutput(containing: "\u{1B}[?1049l"))
        #expect(pty.output.contains("\u{1B}[?25h"))
        let afterShutdown = await pty.settle()
        terminal.shutdown()
        terminal.draw(grid)
        #expect(terminal.readKey(timeoutMilliseconds: 10) == nil)
        #expect(await pty.settle() == afterShutdown)
    }

    @Test("reads characters and function keys as Keys")
    func keys() throws {
        let pty = try PseudoTerminal(columns: 80, rows: 24)
        defer { pty.close() }
        let terminal = try CursesTerminal(options: Self.options(pty, color: false))
        defer { terminal.shutdown() }
        #expect(!terminal.hasColor && terminal.colorCount == 0)
        let cases: [(String, Key)] = [
            ("q", .char("q")), ("/", .char("/")), ("\u{1B}OA", .up), ("\u{1B}OB", .down), ("\u{1B}[5~", .pageUp),
            ("\u{1B}[6~", .pageDown), ("\t", .tab), ("\u{1B}[Z", .backTab), ("\r", .enter), ("\u{7F}", .backspace),
        ]
        for (input, expected) in cases {
            pty.type(input)
            #expect(terminal.readKey(timeoutMilliseconds: 2_000) == expected, "\(input.debugDescription)")
        }
        pty.type("\u{1B}")
        #expect(terminal.readKey(timeoutMilliseconds: 2_000) == .escape)
        if terminal.isUTF8 {
            pty.type("é")
            #expect(terminal.readKey(timeoutMilliseconds: 2_000) == .char("é"))
        }
        #expect(terminal.readKey(timeoutMilliseconds: 20) == nil)
    }

    @Test("one terminal at a time, and only on a terminal")
    func exclusivity() throws {
        let pty = try PseudoTerminal(columns: 80, rows: 24)
        defer { pty.close() }
        let first = try CursesTerminal(options: Self.options(pty))
        #expect(throws: TerminalError.self) { try CursesTerminal(options: Self.options(pty)) }
        first.shutdown()
        let second = try CursesTerminal(options: Self.options(pty))
        second.shutdown()

        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        defer { for end in pipeEnds { Glibc.close(end) } }
        var options = Self.options(pty)
        options.inputDescriptor = pipeEnds[0]
        #expect(throws: TerminalError.self) { try CursesTerminal(options: options) }
        options = Self.options(pty)
        options.terminalType = "no-such-terminal-type"
        #expect(throws: TerminalError.self) { try CursesTerminal(options: options) }
    }
}
