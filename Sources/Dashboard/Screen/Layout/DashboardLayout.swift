/// Where each pane goes on a screen of a given size.
///
/// Below 150 columns (or 30 rows) the panes stack: latency table, caches, errors, uploads; rows no pane
/// needs go to the uploads pane at the bottom. From there on, the latency table takes the left side at
/// full height and the other panes stack on the right.
struct DashboardLayout: Sendable, Equatable {
    /// The top line: mode, target, connection, clock.
    var header: Rect
    /// The paused banner under the header; nil when not paused.
    var banner: Rect?
    var latency: Rect
    var caches: Rect
    var errors: Rect
    var uploads: Rect
    /// The message or filter prompt line.
    var status: Rect
    /// The key hints line.
    var footer: Rect
    /// Whether the side-by-side layout is used.
    var isWide: Bool

    /// Rows above a pane's list: the title line, plus column headers for the tables.
    static let latencyChrome = 2
    static let errorsChrome = 2
    static let uploadsChrome = 1

    /// The layout of `content` on a `size` screen (at least `ScreenSize.minimum`).
    init(size: ScreenSize, content: PaneContent, ui: UIState) {
        header = Rect(x: 0, y: 0, width: size.width, height: 1)
        banner = ui.isPaused ? Rect(x: 0, y: 1, width: size.width, height: 1) : nil
        status = Rect(x: 0, y: size.height - 2, width: size.width, height: 1)
        footer = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        let top = ui.isPaused ? 2 : 1
        let body = Rect(x: 0, y: top, width: size.width, height: size.height - top - 2)

        let cachesHeight = 1 + 2 * max(1, content.caches.count)
        let errorsWanted = content.errors.isEmpty ? 2 : Self.errorsChrome + content.errors.count
        let uploadsWanted = Self.uploadsChrome + max(1, content.uploads.lineCount)
        let latencyWanted = Self.latencyChrome + max(3, content.tools.count)

        isWide = size.width >= 150 && size.height >= 30
        if isWide {
            let rightWidth = min(max(size.width * 9 / 20, 60), 100)
            let (left, right) = body.splitLeft(size.width - rightWidth - 1, gap: 1)
            latency = left
            let (cachesRect, rest) = right.splitTop(cachesHeight)
            caches = cachesRect
            let errorsHeight = Self.share(rest.height, first: errorsWanted, second: uploadsWanted)
            (errors, uploads) = rest.splitTop(errorsHeight)
        } else {
            let remaining = body.height - cachesHeight
            let cap = max(2, remaining / 4)
            var errorsHeight = min(errorsWanted, cap)
            var uploadsHeight = min(uploadsWanted, cap)
            var latencyHeight = remaining - errorsHeight - uploadsHeight
            if latencyHeight > latencyWanted {
                var surplus = latencyHeight - latencyWanted
                let errorsExtra = min(surplus, errorsWanted - errorsHeight)
                errorsHeight += errorsExtra
                surplus -= errorsExtra
                // What nobody wants goes to the bottom pane, so blank rows gather at the foot of the screen.
                uploadsHeight += surplus
                latencyHeight = latencyWanted
            }
            var rest = body
            (latency, rest) = rest.splitTop(latencyHeight)
            (caches, rest) = rest.splitTop(cachesHeight)
            (errors, rest) = rest.splitTop(errorsHeight)
            uploads = rest
        }
    }

    /// How many rows of `total` the first of two panes gets when they share `available` rows: what it
    /// wants if both fit or it wants no more than half, else what the second leaves, else half.
    static func share(_ available: Int, first: Int, second: Int) -> Int {
        let half = available / 2
        if first + second <= available || first <= half { return min(first, available) }
        if second <= available - half { return available - second }
        return half
    }

    /// List rows each scrollable pane shows at once.
    var visibleRows: PaneOffsets {
        PaneOffsets(
            latency: max(0, latency.height - Self.latencyChrome),
            errors: max(0, errors.height - Self.errorsChrome),
            uploads: max(0, uploads.height - Self.uploadsChrome)
        )
    }

    /// How far each pane of `content` can scroll in this layout.
    func scrollLimits(for content: PaneContent) -> ScrollLimits {
        let visible = visibleRows
        return ScrollLimits(
            maxOffset: PaneOffsets(
                latency: max(0, content.tools.count - visible.latency),
                errors: max(0, content.errors.count - visible.errors),
                uploads: max(0, content.uploads.lineCount - visible.uploads)
            ),
            pageSize: PaneOffsets(
                latency: max(1, visible.latency - 1),
                errors: max(1, visible.errors - 1),
                uploads: max(1, visible.uploads - 1)
            )
        )
    }
}
