/// Hands out curses colour-pair numbers for (foreground, background) combinations as they are first used.
///
/// Pair 0 is the terminal's default colours and is never handed out; when the table is full, further
/// combinations get pair 0, so a frame with too many colour combinations degrades to default colours
/// instead of failing.
struct ColorPairTable {
    /// Colour numbers for one pair; nil stands for the terminal's default colour.
    struct Pair: Equatable {
        var number: Int
        var foreground: Int?
        var background: Int?
    }

    /// Colours the terminal has: 8, 16, 256 …
    let terminalColors: Int
    /// The largest pair number the terminal allows.
    let capacity: Int
    private var numbers: [UInt16: Int] = [:]

    /// A table for a terminal with `terminalColors` colours and `pairs` colour pairs (including pair 0).
    init(terminalColors: Int, pairs: Int) {
        self.terminalColors = terminalColors
        self.capacity = min(max(0, pairs - 1), Int(Int16.max))
    }

    /// The pair number for `foreground` on `background`, and the pair to define first when it is new.
    mutating func pair(foreground: CellColor, background: CellColor) -> (number: Int, new: Pair?) {
        if foreground == .default, background == .default { return (0, nil) }
        let key = UInt16(foreground.rawValue) << 8 | UInt16(background.rawValue)
        if let number = numbers[key] { return (number, nil) }
        guard numbers.count < capacity else { return (0, nil) }
        let number = numbers.count + 1
        numbers[key] = number
        let pair = Pair(
            number: number,
            foreground: foreground.index(forTerminalColors: terminalColors),
            background: background.index(forTerminalColors: terminalColors)
        )
        return (number, pair)
    }
}
