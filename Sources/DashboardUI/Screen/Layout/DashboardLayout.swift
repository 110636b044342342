/// Where each pane goes on a screen of a given size.
///
/// Below 150 columns (or 30 rows) the panes stack: latency table, live calls, recent failures, errors,
/// caches, uploads. From there on they sit in two columns: the latency table (and live calls, when the
/// table leaves room) on the left, the rest on the right; when the right column cannot show all its
/// rows and the left has rows to spare, its first panes move to the foot of the left column. Within a column each pane first gets its
/// minimum, then rows go one at a time (two to the latency table) to the panes that still have rows to
/// show, so no pane scrolls while another shows blank lines. Hidden panes (live calls and failures when
/// no target reports them, uploads when no target uploads) get a zero-height rect.
struct DashboardLayout: Sendable, Equatable {
    /// The top line: mode, targets, connection, clock.
    var header: Rect
    /// The paused banner under the header; nil when not paused.
    var banner: Rect?
    /// Everything between the header (and banner) and the status line: where the detail view goes.
    var body: Rect
    var latency: Rect
    var live: Rect
    var failures: Rect
    var errors: Rect
    var caches: Rect
    var uploads: Rect
    /// The fleet's instances; zero-height unless watching a fleet.
    var instances: Rect
    /// The message or filter prompt line.
    var status: Rect
    /// The key hints line.
    var footer: Rect
    /// Whether the two-column layout is used.
    var isWide: Bool

    /// Rows above a pane's list: the title line, plus column headers for the tables.
    static let latencyChrome = 2
    static let errorsChrome = 2
    static let uploadsChrome = 1

    /// One pane's claim on rows.
    private struct Claim {
        var pane: Pane
        var minimum: Int
        var wanted: Int
        var weight: Int
    }

    private enum Pane: CaseIterable {
        case latency, live, failures, errors, caches, uploads, instances
    }

    /// The layout of `content` on a `size` screen (at least `ScreenSize.minimum`).
    init(size: ScreenSize, content: PaneContent, ui: UIState) {
        header = Rect(x: 0, y: 0, width: size.width, height: 1)
        banner = ui.isPaused ? Rect(x: 0, y: 1, width: size.width, height: 1) : nil
        status = Rect(x: 0, y: size.height - 2, width: size.width, height: 1)
        footer = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        let top = ui.isPaused ? 2 : 1
        body = Rect(x: 0, y: top, width: size.width, height: size.height - top - 2)
        let empty = Rect(x: 0, y: body.y, width: 0, height: 0)
        (latency, live, failures, errors, caches, uploads) = (empty, empty, empty, empty, empty, empty)
        instances = empty

        let claims = Self.claims(content)
        isWide = size.width >= 150 && size.height >= 30
        if isWide {
            let rightWidth = min(max(size.width * 9 / 20, 60), 100)
            let (left, right) = body.splitLeft(size.width - rightWidth - 1, gap: 1)
            var leftClaims = claims.filter { $0.pane == .latency }
            var rightClaims = claims.filter { $0.pane != .latency && $0.pane != .live }
            if let live = claims.first(where: { $0.pane == .live }) {
                let latencyWants = leftClaims.reduce(0) { $0 + $1.wanted }
                if latencyWants + live.wanted <= left.height {
                    leftClaims.append(live)
                } else {
                    rightClaims.insert(live, at: 0)
                }
            }
            // Rows the left column does not need take panes the right column has no room for, so neither
            // column shows blank rows while the other scrolls.
            while rightClaims.count > 1, rightClaims.reduce(0, { $0 + $1.wanted }) > right.height,
                left.height - leftClaims.reduce(0, { $0 + $1.wanted }) >= 3
            {
                leftClaims.append(rightClaims.removeFirst())
            }
            place(leftClaims, in: left)
            place(rightClaims, in: right)
        } else {
            place(claims, in: body)
        }
    }

    /// What each shown pane needs and wants, in stacking order.
    private static func claims(_ content: PaneContent) -> [Claim] {
        var result = [
            Claim(
                pane: .latency,
                minimum: latencyChrome + min(3, max(1, content.tools.count)),
                wanted: latencyChrome + max(1, content.tools.count),
                weight: 2
            )
        ]
        if content.showsInstances {
            let wanted = InstancesPane.chrome + max(1, content.fleet?.instances.count ?? 0)
            result.append(Claim(pane: .instances, minimum: min(wanted, 4), wanted: wanted, weight: 1))
        }
        if content.showsLive {
            let wanted = content.live.isEmpty ? 2 : LiveCallsPane.chrome + content.live.count
            result.append(Claim(pane: .live, minimum: min(wanted, 3), wanted: wanted, weight: 1))
            let failures = FailuresPane.chrome + max(1, content.failures.count)
            result.append(Claim(pane: .failures, minimum: min(failures, 3), wanted: failures, weight: 1))
        }
        let errors = content.errors.isEmpty ? 2 : errorsChrome + content.errors.count
        result.append(Claim(pane: .errors, minimum: min(errors, 3), wanted: errors, weight: 1))
        let caches = content.caches.isEmpty ? 2 : 1 + 2 * content.caches.count
        result.append(Claim(pane: .caches, minimum: min(caches, 3), wanted: caches, weight: 1))
        if content.showsUploads {
            let uploads = uploadsChrome + max(1, content.uploads.lineCount)
            result.append(Claim(pane: .uploads, minimum: 2, wanted: uploads, weight: 1))
        }
        return result
    }

    /// Stacks `claims` in `rect`: minimums first (dropping panes from the bottom when even those do not
    /// fit), then the rest a row at a time to the panes that want more; rows nobody wants stay at the foot.
    private mutating func place(_ claims: [Claim], in rect: Rect) {
        var heights = claims.map(\.minimum)
        while heights.reduce(0, +) > rect.height, let last = heights.lastIndex(where: { $0 > 0 }) {
            heights[last] = max(0, heights[last] - (heights.reduce(0, +) - rect.height))
        }
        var spare = rect.height - heights.reduce(0, +)
        while spare > 0 {
            var gave = false
            for (index, claim) in claims.enumerated() where heights[index] > 0 || claim.minimum == 0 {
                let room = min(claim.weight, claim.wanted - heights[index], spare)
                guard room > 0 else { continue }
                heights[index] += room
                spare -= room
                gave = true
                if spare == 0 { break }
            }
            if !gave { break }
        }
        var rest = rect
        for (claim, height) in zip(claims, heights) {
            let (slot, remainder) = rest.splitTop(height)
            rest = remainder
            set(claim.pane, slot)
        }
    }

    private mutating func set(_ pane: Pane, _ rect: Rect) {
        switch pane {
        case .latency: latency = rect
        case .live: live = rect
        case .failures: failures = rect
        case .errors: errors = rect
        case .caches: caches = rect
        case .uploads: uploads = rect
        case .instances: instances = rect
        }
    }

    /// List rows each scrollable pane shows at once.
    var visibleRows: PaneOffsets {
        PaneOffsets(
            latency: max(0, latency.height - Self.latencyChrome),
            live: max(0, live.height - LiveCallsPane.chrome),
            failures: max(0, failures.height - FailuresPane.chrome),
            errors: max(0, errors.height - Self.errorsChrome),
            uploads: max(0, uploads.height - Self.uploadsChrome)
        )
    }

    /// How far each pane of `content` can scroll in this layout.
    func scrollLimits(for content: PaneContent) -> ScrollLimits {
        let visible = visibleRows
        let counts = PaneOffsets(
            latency: content.tools.count,
            live: content.live.count,
            failures: content.failures.count,
            errors: content.errors.count,
            uploads: content.uploads.lineCount
        )
        var maxOffset = PaneOffsets()
        var pageSize = PaneOffsets()
        for pane in FocusPane.allCases {
            maxOffset[pane] = max(0, counts[pane] - visible[pane])
            pageSize[pane] = max(1, visible[pane] - 1)
        }
        return ScrollLimits(maxOffset: maxOffset, pageSize: pageSize, latencyRows: content.tools.count)
    }
}
