/// Why the dashboard could not take over the terminal.
struct TerminalError: Error, CustomStringConvertible {
    private enum Code {
        case notATerminal
        case cannotInitialize(String)
        case alreadyActive
    }

    private let code: Code

    /// Standard input or output is not a terminal.
    static let notATerminal = TerminalError(code: .notATerminal)
    /// Another `CursesTerminal` is still active in this process.
    static let alreadyActive = TerminalError(code: .alreadyActive)

    /// curses could not set up terminal type `term`.
    static func cannotInitialize(term: String) -> TerminalError {
        TerminalError(code: .cannotInitialize(term))
    }

    var description: String {
        switch code {
        case .notATerminal:
            return "the dashboard needs a terminal on standard input and output; "
                + "use `dashboard snapshot` for a plain-text frame"
        case .cannotInitialize(let term):
            return "cannot start curses for terminal type \"\(term)\"; set TERM to a known type such as xterm-256color"
        case .alreadyActive:
            return "a curses terminal is already active in this process"
        }
    }
}
