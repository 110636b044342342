/// How `CursesTerminal` sets the terminal up.
public struct TerminalOptions: Sendable, Equatable {
    /// Use colours if the terminal has them; false draws with attributes only.
    public var useColor: Bool
    /// Watch SIGINT, SIGTERM and SIGHUP and report them as keys (`.ctrlC`, `.terminate`).
    var handleSignals: Bool
    /// How long curses waits after Esc for the rest of an escape sequence, in milliseconds.
    var escapeDelayMilliseconds: Int
    /// The terminfo entry to use; nil for `TERM`.
    var terminalType: String?
    /// The descriptor keys are read from; a terminal.
    var inputDescriptor: Int32
    /// The descriptor the screen is written to; a terminal.
    var outputDescriptor: Int32

    /// Creates options: colours and signal handling on, `TERM` on standard input and output.
    public init(
        useColor: Bool = true,
        handleSignals: Bool = true,
        escapeDelayMilliseconds: Int = 25,
        terminalType: String? = nil,
        inputDescriptor: Int32 = 0,
        outputDescriptor: Int32 = 1
    ) {
        self.useColor = useColor
        self.handleSignals = handleSignals
        self.escapeDelayMilliseconds = escapeDelayMilliseconds
        self.terminalType = terminalType
        self.inputDescriptor = inputDescriptor
        self.outputDescriptor = outputDescriptor
    }

    /// Whether colours are wanted: not with `--no-color`, and not when `NO_COLOR` is set to anything
    /// non-empty (https://no-color.org).
    public static func colorWanted(environment: [String: String], noColorFlag: Bool) -> Bool {
        if noColorFlag { return false }
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        return true
    }
}
