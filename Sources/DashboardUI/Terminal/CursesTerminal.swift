import CNcurses
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal in curses mode: the only code that talks to curses.
///
/// It draws `ScreenGrid`s by writing only the cells that changed since the last frame, reads keys as `Key`s
/// (with resizes and termination signals among them), and restores the terminal on `shutdown()`, which is
/// idempotent and also runs on deinit. Use it from one thread or task only: curses is not thread-safe.
///
/// A main loop drives it like this:
///
///     let terminal = try CursesTerminal(options: TerminalOptions(useColor: colorWanted))
///     defer { terminal.shutdown() }
///     state.ui.colorEnabled = terminal.hasColor
///     while true {
///         state.ui.scrollLimits = scrollLimits(for: state, size: terminal.size)
///         terminal.draw(render(state, size: terminal.size))
///         if let key = terminal.readKey(timeoutMilliseconds: 100), let command = handle(key, state: &state) { … }
///         // apply new snapshots to `state` here
///     }
public final class CursesTerminal {
    private static let isActive = Atomic<Bool>(false)

    /// The terminal's size, updated on every resize.
    private(set) var size: ScreenSize
    /// Whether cells are drawn in colour (the terminal has colours and they were wanted).
    public let hasColor: Bool
    /// Colours the terminal has (8, 16, 256 …); 0 when drawing in monochrome.
    public let colorCount: Int
    /// Whether the locale's encoding is UTF-8, so that non-ASCII glyphs show as drawn.
    public let isUTF8: Bool

    private var screen: OpaquePointer?
    private var input: UnsafeMutablePointer<FILE>?
    private var output: UnsafeMutablePointer<FILE>?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var previous: ScreenGrid?
    private var needsClear = false
    private var pairs: ColorPairTable
    private var timeout: Int32 = -2
    private var characters: [wchar_t] = []
    private let signals: SignalMonitor?

    /// Puts the terminal into curses mode: UTF-8 locale, no echo, keys unbuffered, cursor hidden.
    ///
    /// - Throws: `TerminalError` when the descriptors are not a terminal, the terminal type is unknown, or
    ///   another instance is active.
    public init(options: TerminalOptions = TerminalOptions()) throws {
        guard isatty(options.inputDescriptor) == 1, isatty(options.outputDescriptor) == 1 else {
            throw TerminalError.notATerminal
        }
        guard !Self.isActive.exchange(true, ordering: .acquiringAndReleasing) else { throw TerminalError.alreadyActive }
        setlocale(LC_ALL, "")
        isUTF8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().filter { $0 != "-" } == "UTF8"
        // Watch the signals before curses starts: curses only installs its own handlers (which would do
        // curses work inside a signal handler) for signals still at their default action.
        signals = options.handleSignals ? SignalMonitor() : nil
        output = fdopen(dup(options.outputDescriptor), "w")
        input = fdopen(dup(options.inputDescriptor), "r")
        let type = options.terminalType ?? getenv("TERM").map { String(cString: $0) }
        guard let output, let input, let screen = newterm(type, output, input) else {
            signals?.stop()
            if let output { fclose(output) }
            if let input { fclose(input) }
            Self.isActive.store(false, ordering: .releasing)
            throw TerminalError.cannotInitialize(term: type ?? "")
        }
        self.screen = screen
        set_term(screen)
        window = CNcurses_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        leaveok(window, true)
        curs_set(0)
        set_escdelay(Int32(options.escapeDelayMilliseconds))

        var colors = 0
        if options.useColor, has_colors() {
            start_color()
            colors = Int(CNcurses_COLORS())
            if use_default_colors() != CNcurses_OK() { assume_default_colors(7, 0) }
        }
        hasColor = colors >= 8
        colorCount = hasColor ? colors : 0
        pairs = ColorPairTable(terminalColors: colorCount, pairs: hasColor ? Int(CNcurses_COLOR_PAIRS()) : 0)
        size = Self.windowSize(window)
    }

    deinit {
        shutdown()
    }

    /// Restores the terminal: cursor shown, echo and line buffering back, curses mode left. Safe to call more
    /// than once; after it, `draw` and `readKey` do nothing.
    public func shutdown() {
        guard let screen else { return }
        self.screen = nil
        window = nil
        curs_set(1)
        echo()
        nocbreak()
        endwin()
        delscreen(screen)
        if let output { fclose(output) }
        if let input { fclose(input) }
        output = nil
        input = nil
        signals?.stop()
        Self.isActive.store(false, ordering: .releasing)
    }

    /// Draws `grid`, writing only the cells that differ from the previous frame.
    ///
    /// The first frame, a frame of another size and the first frame after a resize are drawn in full
    /// (after `erase`, or `clear` following a resize so that the terminal repaints everything).
    func draw(_ grid: ScreenGrid) {
        guard let window else { return }
        var old = previous
        if old?.size != grid.size || needsClear {
            if needsClear { wclear(window) } else { werase(window) }
            needsClear = false
            old = nil
        }
        let rows = min(grid.height, size.height)
        let columns = min(grid.width, size.width)
        for y in 0..<rows {
            for x in 0..<columns {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                if let old {
                    if old[x, y] == cell, cell.width == 1 || old[x + 1, y] == grid[x + 1, y] { continue }
                } else if cell == .blank {
                    continue
                }
                if cell.width == 2, x + 1 >= columns { continue }
                put(cell, x: Int32(x), y: Int32(y), window: window)
            }
        }
        wnoutrefresh(window)
        doupdate()
        previous = grid
    }

    /// Waits up to `timeoutMilliseconds` (forever when negative) for a key and returns it, or nil when none
    /// came. A pending SIGINT comes back as `.ctrlC`, SIGTERM or SIGHUP as `.terminate`, a resize as
    /// `.resize` (after which `size` is current).
    func readKey(timeoutMilliseconds: Int) -> Key? {
        if let signal = takeSignal() { return signal }
        guard let window else { return nil }
        let wanted = Int32(clamping: max(-1, timeoutMilliseconds))
        if wanted != timeout {
            wtimeout(window, wanted)
            timeout = wanted
        }
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if let signal = takeSignal() { return signal }
        if result == CNcurses_KEY_CODE_YES() {
            let code = Int32(bitPattern: character)
            if code == CNcurses_KEY_RESIZE() {
                size = Self.windowSize(window)
                needsClear = true
                return .resize
            }
            return Self.functionKey(code)
        }
        guard result == CNcurses_OK() else { return nil }
        return Self.characterKey(character)
    }

    private func takeSignal() -> Key? {
        guard let number = signals?.take() else { return nil }
        return number == SIGINT ? .ctrlC : .terminate
    }

    private func put(_ cell: Cell, x: Int32, y: Int32, window: UnsafeMutablePointer<WINDOW>) {
        var attributes = CNcurses_A_NORMAL()
        if cell.attributes.contains(.bold) { attributes |= CNcurses_A_BOLD() }
        if cell.attributes.contains(.dim) { attributes |= CNcurses_A_DIM() }
        if cell.attributes.contains(.reverse) { attributes |= CNcurses_A_REVERSE() }
        if cell.attributes.contains(.underline) { attributes |= CNcurses_A_UNDERLINE() }
        var pairNumber: Int16 = 0
        if hasColor {
            let (number, new) = pairs.pair(foreground: cell.foreground, background: cell.background)
            if let new { init_pair(Int16(new.number), Int16(new.foreground ?? -1), Int16(new.background ?? -1)) }
            pairNumber = Int16(number)
            if colorCount < 16, cell.foreground.needsBoldOnEightColors { attributes |= CNcurses_A_BOLD() }
        }
        characters.removeAll(keepingCapacity: true)
        for index in 0..<min(Int(cell.glyph.count), Int(CNcurses_CCHARW_MAX())) {
            characters.append(wchar_t(bitPattern: cell.glyph[index].value))
        }
        characters.append(0)
        var complex = cchar_t()
        setcchar(&complex, characters, attributes, pairNumber, nil)
        mvwadd_wch(window, y, x, &complex)
    }

    private static func windowSize(_ window: UnsafeMutablePointer<WINDOW>?) -> ScreenSize {
        var rows: Int32 = 0
        var columns: Int32 = 0
        CNcurses_getmaxyx(window, &rows, &columns)
        return ScreenSize(width: Int(columns), height: Int(rows))
    }

    private static func characterKey(_ value: wint_t) -> Key {
        switch value {
        case 3: return .ctrlC
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard value >= 0x20, let scalar = Unicode.Scalar(UInt32(value)) else {
                return .other(Int32(bitPattern: value))
            }
            return .char(Character(scalar))
        }
    }

    private static func functionKey(_ code: Int32) -> Key {
        switch code {
        case CNcurses_KEY_UP(): return .up
        case CNcurses_KEY_DOWN(): return .down
        case CNcurses_KEY_LEFT(): return .left
        case CNcurses_KEY_RIGHT(): return .right
        case CNcurses_KEY_PPAGE(): return .pageUp
        case CNcurses_KEY_NPAGE(): return .pageDown
        case CNcurses_KEY_HOME(): return .home
        case CNcurses_KEY_END(): return .end
        case CNcurses_KEY_BACKSPACE(): return .backspace
        case CNcurses_KEY_DC(): return .delete
        case CNcurses_KEY_ENTER(): return .enter
        case CNcurses_KEY_BTAB(): return .backTab
        default: return .other(code)
        }
    }
}
