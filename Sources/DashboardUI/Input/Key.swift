/// A key press, or a terminal event that arrives like one, independent of curses.
enum Key: Sendable, Equatable {
    /// A printable character.
    case char(Character)
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    case tab
    /// Shift-Tab.
    case backTab
    case enter
    case escape
    case backspace
    case delete
    /// The terminal changed size.
    case resize
    /// Ctrl-C, or SIGINT while the terminal is in cbreak mode.
    case ctrlC
    /// SIGTERM or SIGHUP: the process is asked to stop.
    case terminate
    /// Any other key, by its curses code.
    case other(Int32)
}
