/// The dashboard's styles by meaning, in colour or, for monochrome terminals, with attributes only.
struct Theme: Sendable {
    /// How a figure compares with its thresholds.
    enum Level: Sendable {
        case normal
        case good
        case warning
        case critical
    }

    /// Whether colours are used.
    let colorEnabled: Bool

    let text = Style.plain
    let headerBar: Style
    let headerTitle: Style
    let title: Style
    let focusedTitle: Style
    let rule: Style
    let columnHeader: Style
    let sortedColumnHeader: Style
    let dim: Style
    let badge: Style
    let sandboxBadge: Style
    let banner: Style
    let barEmpty: Style
    let key: Style
    let statusInfo: Style
    let statusError: Style
    let overlay: Style
    let overlayTitle: Style
    /// The highlighted row of the latency table.
    let selection: Style

    private let good: Style
    private let warning: Style
    private let critical: Style

    /// The colour theme, or the monochrome one when `colorEnabled` is false.
    init(colorEnabled: Bool) {
        self.colorEnabled = colorEnabled
        if colorEnabled {
            headerBar = Style(foreground: .brightWhite, background: .slate)
            headerTitle = Style(foreground: .brightWhite, background: .slate, attributes: .bold)
            title = Style(foreground: .cyan, attributes: .bold)
            focusedTitle = Style(foreground: .black, background: .cyan, attributes: .bold)
            rule = Style(foreground: .charcoal)
            columnHeader = Style(foreground: .gray, attributes: .bold)
            sortedColumnHeader = Style(foreground: .brightWhite, attributes: [.bold, .underline])
            dim = Style(foreground: .gray)
            badge = Style(foreground: .black, background: .magenta, attributes: .bold)
            sandboxBadge = Style(foreground: .black, background: .yellow, attributes: .bold)
            banner = Style(foreground: .black, background: .yellow, attributes: .bold)
            barEmpty = Style(foreground: .charcoal)
            key = Style(foreground: .black, background: .gray)
            statusInfo = Style(foreground: .cyan)
            statusError = Style(foreground: .brightRed, attributes: .bold)
            overlay = Style(foreground: .brightWhite)
            overlayTitle = Style(foreground: .cyan, attributes: .bold)
            selection = Style(foreground: .brightWhite, background: .slate)
            good = Style(foreground: .green)
            warning = Style(foreground: .yellow)
            critical = Style(foreground: .brightRed, attributes: .bold)
        } else {
            headerBar = Style(attributes: .reverse)
            headerTitle = Style(attributes: [.reverse, .bold])
            title = Style(attributes: .bold)
            focusedTitle = Style(attributes: [.reverse, .bold])
            rule = Style.plain
            columnHeader = Style(attributes: .bold)
            sortedColumnHeader = Style(attributes: [.bold, .underline])
            dim = Style(attributes: .dim)
            badge = Style(attributes: .bold)
            sandboxBadge = Style(attributes: .bold)
            banner = Style(attributes: [.reverse, .bold])
            barEmpty = Style(attributes: .dim)
            key = Style(attributes: .reverse)
            statusInfo = Style.plain
            statusError = Style(attributes: .bold)
            overlay = Style.plain
            overlayTitle = Style(attributes: .bold)
            selection = Style(attributes: .reverse)
            good = Style.plain
            warning = Style(attributes: .bold)
            critical = Style(attributes: [.bold, .underline])
        }
    }

    /// The style of a figure at `level`.
    func style(_ level: Level) -> Style {
        switch level {
        case .normal: return text
        case .good: return good
        case .warning: return warning
        case .critical: return critical
        }
    }

    /// The level of a cache hit rate (0–100): higher is better.
    static func level(hitRate: Double) -> Level {
        if hitRate < 20 { return .critical }
        if hitRate < 50 { return .warning }
        return .good
    }
}
