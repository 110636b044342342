import Foundation
import MetricsClient

/// The interactive loop: reads keys, copies the poller's state into the screen state, renders, repeats.
///
/// Runs on one task (curses is not thread-safe); everything slow (uploads, resets) runs in background
/// tasks that report back through the ``StatusInbox``. Keys are polled without blocking so the loop
/// never holds a thread of the cooperative pool.
struct DashboardScreen {
    let terminal: CursesTerminal
    let poller: MetricsPoller
    let backend: any DashboardBackend
    let inbox: StatusInbox
    var state: DashboardState
    var adapter = PollerStateAdapter()
    /// Refresh intervals `+` and `-` step through, in seconds.
    static let refreshSteps: [Double] = [0.25, 0.5, 1, 2, 5, 10]

    init(
        terminal: CursesTerminal,
        poller: MetricsPoller,
        backend: any DashboardBackend,
        inbox: StatusInbox,
        state: DashboardState
    ) {
        self.terminal = terminal
        self.poller = poller
        self.backend = backend
        self.inbox = inbox
        self.state = state
    }

    /// Runs until the user quits (q, Ctrl-C) or the process is asked to terminate.
    mutating func run() async {
        var lastFrame = Date.distantPast
        var lastPolls = -1
        var messageSince = Date()
        var lastKey = Date()
        while !Task.isCancelled {
            var dirty = false
            while let key = terminal.readKey(timeoutMilliseconds: 0) {
                dirty = true
                lastKey = Date()
                if let command = handle(key, state: &state.ui) {
                    if command == .quit {
                        sayGoodbye()
                        return
                    }
                    perform(command)
                }
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
            let polled = poller.state
            if !state.ui.isPaused, polled.polls != lastPolls || polled.status != .connected {
                lastPolls = polled.polls
                adapter.apply(polled, to: &state, now: now)
                dirty = true
            }
            if dirty || now.timeIntervalSince(lastFrame) >= 1 {
                state.now = now
                let size = terminal.size
                state.ui.scrollLimits = scrollLimits(for: state, size: size)
                terminal.draw(render(state, size: size))
                lastFrame = now
            }
            // Quick after a change, every 40 ms while keys come in, every 100 ms once nobody has typed
            // for two seconds: a new snapshot (at most one a second) is drawn within 0.1 s either way, and
            // an attached dashboard wakes 10 times a second instead of 25.
            let typing = now.timeIntervalSince(lastKey) < 2
            try? await Task.sleep(for: .milliseconds(dirty ? 10 : typing ? 40 : 100))
        }
    }

    /// Says on the status line what quitting cancels, when it cancels anything: the embedded engine's
    /// uploads end with it.
    private mutating func sayGoodbye() {
        guard state.mode == .embedded, let uploads = state.snapshot?.uploadMetrics else { return }
        let pending = uploads.inFlight + uploads.queued
        guard pending > 0 else { return }
        state.ui.statusMessage = StatusMessage(
            "quitting: cancelling \(pending) upload\(pending == 1 ? "" : "s") in flight…"
        )
        state.now = Date()
        terminal.draw(render(state, size: terminal.size))
    }

    private mutating func perform(_ command: UICommand) {
        let backend = self.backend
        let inbox = self.inbox
        switch command {
        case .quit, .redraw:
            break
        case .startTestUpload:
            if let snapshot = state.snapshot, snapshot.uploadMetrics == nil {
                let what = snapshot.engine?.mode == .proxy ? "a proxy" : "this engine"
                state.ui.statusMessage = StatusMessage("no test upload: \(what) has no uploader", kind: .error)
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
        case .resetCounters:
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
            poller.setInterval(.milliseconds(Int64(next * 1000)))
            state.refreshInterval = next
            state.ui.statusMessage = StatusMessage("refresh every \(Format.seconds(next))")
        }
    }
}
