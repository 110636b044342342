/// A colour a cell can be drawn in: the terminal's default, one of the 16 ANSI colours, or an extra shade
/// that needs a 256-colour terminal and falls back to the nearest ANSI colour elsewhere.
enum CellColor: UInt8, Sendable, CaseIterable {
    case `default`
    case black
    case red
    case green
    case yellow
    case blue
    case magenta
    case cyan
    case white
    case gray
    case brightRed
    case brightGreen
    case brightYellow
    case brightBlue
    case brightMagenta
    case brightCyan
    case brightWhite
    /// A dark blue-grey for title bars.
    case slate
    /// A near-black grey for empty bar segments and rules.
    case charcoal
    /// Between yellow and red.
    case orange

    /// The ANSI colour number 0–15, or nil for the terminal's default.
    var ansiIndex: Int? {
        switch self {
        case .default: return nil
        case .slate: return 4
        case .charcoal: return 8
        case .orange: return 3
        default: return Int(rawValue) - 1
        }
    }

    /// The xterm-256 palette index, or nil for the terminal's default.
    var xterm256Index: Int? {
        switch self {
        case .slate: return 24
        case .charcoal: return 238
        case .orange: return 208
        default: return ansiIndex
        }
    }

    /// The colour number on a terminal with `colors` colours (8, 16, 256 …), or nil for the default.
    ///
    /// On an 8-colour terminal the bright colours map to their base colour; the caller adds bold, which most
    /// such terminals draw bright (see `needsBoldOnEightColors`).
    func index(forTerminalColors colors: Int) -> Int? {
        if colors >= 256 { return xterm256Index }
        guard let ansi = ansiIndex else { return nil }
        return colors >= 16 ? ansi : ansi % 8
    }

    /// Whether an 8-colour terminal needs bold to show this colour as intended.
    var needsBoldOnEightColors: Bool {
        guard let ansi = ansiIndex else { return false }
        return ansi >= 8 && self != .charcoal && self != .gray
    }
}
