import Foundation
import MetricsClient
import MetricsWire

/// The interactive loop: reads keys, copies every target's poller state into the screen state, renders,
/// repeats.
///
/// Runs on one task (curses is not thread-safe); everything slow (uploads, resets, discovery scans) runs
/// in background tasks that report back through the ``StatusInbox`` or the ``TargetWatcher``. Keys are
/// polled without blocking so the loop never holds a thread of the cooperative pool.
public struct DashboardScreen {
    let terminal: CursesTerminal
    let watcher: TargetWatcher
    let discovery: DiscoveryLoop?
    let inbox: StatusInbox
    var state: DashboardState
    private var refresher = TargetRefresher()
    /// Reads the proxies' message logs while the Messages view is open.
    private let messageFeed = MessageFeed()
    /// Refresh intervals `+` and `-` step through, in seconds.
    static let refreshSteps: [Double] = [0.25, 0.5, 1, 2, 5, 10]

    /// A screen on `terminal` of what `watcher` (and `discovery`) watch, starting from `state`; background
    /// work leaves status lines in `inbox`.
    public init(
        terminal: CursesTerminal,
        watcher: TargetWatcher,
        discovery: DiscoveryLoop?,
        inbox: StatusInbox,
        state: DashboardState
    ) {
        self.terminal = terminal
        self.watcher = watcher
        self.discovery = discovery
        self.inbox = inbox
        self.state = state
    }

    /// Runs until the user quits (q, Ctrl-C) or the process is asked to terminate.
    public mutating func run() async {
        var lastFrame = Date.distantPast
        var messageSince = Date()
        var lastKey = Date()
        var pendingData = false
        while !Task.isCancelled {
            var dirty = false
            while let key = terminal.readKey(timeoutMilliseconds: 0) {
                dirty = true
                lastKey = Date()
                let said = state.ui.statusMessage
                if let command = handle(key, state: &state.ui) {
                    if command == .quit {
                        sayGoodbye()
                        return
                    }
                    perform(command)
                }
                // A message a key put up stays its 8 seconds too.
                if state.ui.statusMessage != said { messageSince = lastKey }
            }
            if let message = inbox.take() {
                state.ui.statusMessage = message
                messageSince = Date()
                dirty = true
            }
            let now = Date()
            if state.ui.statusMessage != nil, now.timeIntervalSince(messageSince) > 8 {
                state.ui.statusMessage = nil
                dirty = true
            }
            // New snapshots arrive from every target at its own time: they are drawn together, about once a
            // refresh interval (at most a second apart), instead of one frame per snapshot.
            let shownBefore = state.targets.count(where: { $0.snapshot != nil && !$0.hasEnded })
            if !state.ui.isPaused, refresher.refresh(&state, from: watcher) {
                pendingData = true
                // A target that appeared, showed its first snapshot or ended is drawn at once.
                if state.targets.count(where: { $0.snapshot != nil && !$0.hasEnded }) != shownBefore { dirty = true }
            }
            let dataGap = state.isMultiTarget ? 0.9 * min(1, state.refreshInterval) : 0
            if pendingData, now.timeIntervalSince(lastFrame) >= dataGap {
                pendingData = false
                dirty = true
            }
            if state.ui.messages != nil, !state.ui.isPaused, let delta = messageFeed.take() {
                state.messages.apply(delta)
                dirty = true
            }
            if let discovery, state.localOffer != discovery.unwatched {
                state.localOffer = discovery.unwatched
                dirty = true
            }
            let live = !state.ui.isPaused && state.targets.contains { $0.snapshot?.mcp?.inFlight.isEmpty == false }
            // Elapsed times of live calls tick between polls: a frame every 0.5 s while any are shown.
            if dirty || now.timeIntervalSince(lastFrame) >= (live ? 0.5 : 1) {
                state.now = now
                terminal.draw(drawFrame(&state, size: terminal.size))
                lastFrame = now
            }
            // Quick after a change, every 40 ms while keys come in, every 100 ms once nobody has typed
            // for two seconds: a new snapshot is drawn within 0.1 s either way.
            let typing = now.timeIntervalSince(lastKey) < 2
            try? await Task.sleep(for: .milliseconds(dirty ? 10 : typing ? 40 : 100))
        }
    }

    /// Says on the status line what quitting cancels, when it cancels anything: the embedded engine's
    /// uploads end with it.
    private mutating func sayGoodbye() {
        guard state.mode == .embedded, let uploads = state.primary?.snapshot?.uploadMetrics else { return }
        let pending = uploads.inFlight + uploads.queued
        guard pending > 0 else { return }
        state.ui.statusMessage = StatusMessage(
            "quitting: cancelling \(pending) upload\(pending == 1 ? "" : "s") in flight…"
        )
        state.now = Date()
        terminal.draw(render(state, size: terminal.size))
    }

    /// The target `u` and `r` act on: the highlighted row's, else the only one, else (for `u`) the one
    /// that uploads.
    private func controlTarget(forUpload: Bool) -> TargetView? {
        if forUpload, let uploader = state.uploadTarget, uploader.snapshot?.uploadMetrics != nil { return uploader }
        if let key = state.ui.detail ?? selectedTool(in: state) { return state.target(key.target) }
        return state.primary
    }

    private mutating func perform(_ command: UICommand) {
        let inbox = self.inbox
        switch command {
        case .quit, .redraw:
            break
        case .acknowledgeTools:
            let newest = state.newestChanges
            let risky = state.unacknowledgedRisky
            state.ui.acknowledged.merge(newest) { _, new in new }
            state.ui.statusMessage = StatusMessage(
                risky == 0
                    ? "no risky tool change to acknowledge"
                    : "acknowledged \(risky) risky tool change\(risky == 1 ? "" : "s")"
            )
        case .watchMessages(let open):
            if open { messageFeed.start(watcher: watcher) } else { messageFeed.stop() }
        case .openDetail:
            if let key = selectedTool(in: state) {
                state.ui.detail = key
                state.ui.statusMessage = nil
            } else {
                state.ui.statusMessage = StatusMessage("no tool to open yet", kind: .error)
            }
        case .toggleLocal:
            guard let discovery else {
                state.ui.statusMessage = StatusMessage(
                    state.mode == .fleet
                        ? "the fleet view shows what Prometheus scrapes; local proxies are not added"
                        : "local proxies are watched already (--local)"
                )
                return
            }
            let adopting = discovery.toggleAdopting()
            state.ui.statusMessage = StatusMessage(
                adopting ? "watching local proxies too (L stops)" : "local proxies no longer watched"
            )
        case .startTestUpload:
            guard let target = controlTarget(forUpload: true), let backend = backend(for: target) else { return }
            if let snapshot = target.snapshot, snapshot.uploadMetrics == nil {
                let what = snapshot.engine?.mode == .proxy ? "a proxy" : "this engine"
                state.ui.statusMessage = StatusMessage(
                    target.hasControlAPI
                        ? "no test upload: \(what) has no uploader" : FleetBackend.refusal(target),
                    kind: .error
                )
                return
            }
            state.ui.statusMessage = StatusMessage("starting a test upload…")
            Task {
                do {
                    inbox.post(StatusMessage(try await backend.startTestUpload()))
                } catch {
                    inbox.post(StatusMessage("cannot start a test upload: \(error)", kind: .error))
                }
            }
        case .askReset:
            guard let target = controlTarget(forUpload: false) else { return }
            if target.hasControlAPI {
                state.ui.isConfirmingReset = true
            } else {
                state.ui.statusMessage = StatusMessage(FleetBackend.refusal(target), kind: .error)
            }
        case .resetCounters:
            guard let target = controlTarget(forUpload: false), let backend = backend(for: target) else { return }
            Task {
                do {
                    inbox.post(StatusMessage(try await backend.resetCounters()))
                } catch {
                    inbox.post(StatusMessage("cannot reset: \(error)", kind: .error))
                }
            }
        case .changeRefresh(let step):
            let steps = Self.refreshSteps
            let current = steps.firstIndex { $0 >= state.refreshInterval - 0.001 } ?? 2
            let next = steps[min(max(0, current + step), steps.count - 1)]
            watcher.setInterval(.milliseconds(Int64(next * 1000)))
            state.refreshInterval = next
            state.ui.statusMessage = StatusMessage("refresh every \(Format.seconds(next))")
        }
    }

    /// The control backend of `target`; says so on the status line when there is none.
    private mutating func backend(for target: TargetView) -> (any DashboardBackend)? {
        guard let entry = watcher.targets.first(where: { $0.id == target.id }) else {
            state.ui.statusMessage = StatusMessage("\(target.name) is no longer watched", kind: .error)
            return nil
        }
        return entry.backend
    }
}
