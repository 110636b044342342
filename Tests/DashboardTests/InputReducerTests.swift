import Testing

@testable import DashboardUI

@Suite("key reducer")
struct InputReducerTests {
    @Test("q, Ctrl-C and termination quit from any mode")
    func quit() {
        var state = UIState()
        #expect(handle(.char("q"), state: &state) == .quit)
        #expect(handle(.ctrlC, state: &state) == .quit)
        state.isEditingFilter = true
        #expect(handle(.char("q"), state: &state) == nil)
        #expect(state.filterDraft == "q")
        #expect(handle(.ctrlC, state: &state) == .quit)
        state = UIState(isConfirmingReset: true)
        #expect(handle(.terminate, state: &state) == .quit)
    }

    @Test("? shows help; any key hides it without acting, q still quits")
    func help() {
        var state = UIState()
        #expect(handle(.char("?"), state: &state) == nil)
        #expect(state.isHelpVisible)
        #expect(handle(.char("u"), state: &state) == nil)
        #expect(!state.isHelpVisible)
        state.isHelpVisible = true
        #expect(handle(.char("q"), state: &state) == .quit)
    }

    @Test("r asks the app for the prompt; y confirms the reset, anything else cancels")
    func reset() {
        var state = UIState()
        #expect(handle(.char("r"), state: &state) == .askReset)
        #expect(!state.isConfirmingReset, "the app puts the prompt up, for a target that can reset")
        state.isConfirmingReset = true
        #expect(handle(.char("y"), state: &state) == .resetCounters)
        #expect(!state.isConfirmingReset)
        state.isConfirmingReset = true
        #expect(handle(.char("n"), state: &state) == nil)
        #expect(!state.isConfirmingReset)
        #expect(state.statusMessage == StatusMessage("reset cancelled"))
        state.isConfirmingReset = true
        #expect(handle(.escape, state: &state) == nil)
        #expect(handle(.char("y"), state: &state) == nil)
    }

    @Test("u, + and - become commands; p pauses")
    func commands() {
        var state = UIState()
        #expect(handle(.char("u"), state: &state) == .startTestUpload)
        #expect(handle(.char("+"), state: &state) == .changeRefresh(step: 1))
        #expect(handle(.char("-"), state: &state) == .changeRefresh(step: -1))
        #expect(handle(.char("p"), state: &state) == nil)
        #expect(state.isPaused)
        _ = handle(.char("p"), state: &state)
        #expect(!state.isPaused)
        #expect(handle(.resize, state: &state) == .redraw)
    }

    @Test("s cycles through every sort key and back")
    func sort() {
        var state = UIState()
        var seen: [SortKey] = [state.sortKey]
        for _ in SortKey.allCases.indices {
            _ = handle(.char("s"), state: &state)
            seen.append(state.sortKey)
        }
        #expect(seen == [.name, .calls, .callsPerSecond, .p95, .p99, .errors, .name])
        _ = handle(.char("S"), state: &state)
        #expect(state.sortKey == .errors)
    }

    @Test("/ edits the filter: typing, Backspace, Enter applies, Esc clears")
    func filter() {
        var state = UIState()
        _ = handle(.char("/"), state: &state)
        #expect(state.isEditingFilter)
        for character in "chax" { _ = handle(.char(character), state: &state) }
        _ = handle(.backspace, state: &state)
        #expect(state.filterDraft == "cha" && state.filterText == "")
        _ = handle(.enter, state: &state)
        #expect(!state.isEditingFilter && state.filterText == "cha")
        _ = handle(.char("/"), state: &state)
        #expect(state.filterDraft == "cha")
        _ = handle(.escape, state: &state)
        #expect(!state.isEditingFilter && state.filterText == "" && state.filterDraft == "")
        state.filterText = "x"
        _ = handle(.escape, state: &state)
        #expect(state.filterText == "")
    }

    @Test("Tab moves focus; in the latency table the keys move the highlight and the view follows it")
    func scrolling() {
        var state = UIState()
        // 41 rows, 11 visible at once (page size 10).
        state.scrollLimits = ScrollLimits(
            maxOffset: PaneOffsets(latency: 30, live: 0, failures: 4, errors: 2, uploads: 0),
            pageSize: PaneOffsets(latency: 10, live: 3, failures: 3, errors: 3, uploads: 3),
            latencyRows: 41
        )
        _ = handle(.down, state: &state)
        _ = handle(.char("j"), state: &state)
        #expect(state.selectedRow == 2 && state.scroll.latency == 0)
        for _ in 0..<9 { _ = handle(.down, state: &state) }
        #expect(state.selectedRow == 11 && state.scroll.latency == 1)
        _ = handle(.pageDown, state: &state)
        _ = handle(.pageDown, state: &state)
        _ = handle(.pageDown, state: &state)
        _ = handle(.pageDown, state: &state)
        #expect(state.selectedRow == 40 && state.scroll.latency == 30)
        _ = handle(.char("k"), state: &state)
        #expect(state.selectedRow == 39 && state.scroll.latency == 30)
        _ = handle(.home, state: &state)
        #expect(state.selectedRow == 0 && state.scroll.latency == 0)
        _ = handle(.up, state: &state)
        #expect(state.selectedRow == 0)
        _ = handle(.end, state: &state)
        #expect(state.selectedRow == 40 && state.scroll.latency == 30)
        _ = handle(.tab, state: &state)
        #expect(state.focus == .live)
        _ = handle(.tab, state: &state)
        #expect(state.focus == .failures)
        _ = handle(.pageDown, state: &state)
        _ = handle(.pageDown, state: &state)
        #expect(state.scroll.failures == 4 && state.scroll.latency == 30)
        _ = handle(.tab, state: &state)
        _ = handle(.tab, state: &state)
        _ = handle(.tab, state: &state)
        #expect(state.focus == .latency)
        _ = handle(.backTab, state: &state)
        #expect(state.focus == .uploads)
    }

    @Test("Enter asks for the highlighted tool's detail; Esc closes it before anything else")
    func detail() {
        var state = UIState(filterText: "x")
        #expect(handle(.enter, state: &state) == .openDetail)
        state.detail = ToolKey(target: "127.0.0.1:1", tool: "echo")
        #expect(handle(.enter, state: &state) == nil)
        _ = handle(.escape, state: &state)
        #expect(state.detail == nil && state.filterText == "x")
        _ = handle(.escape, state: &state)
        #expect(state.filterText == "")
        #expect(handle(.char("L"), state: &state) == .toggleLocal)
    }

    @Test("a resize pulls scroll offsets back into the new limits")
    func resizeClamps() {
        var state = UIState(scroll: PaneOffsets(latency: 40, errors: 5, uploads: 1), selectedRow: 70)
        state.scrollLimits.maxOffset = PaneOffsets(latency: 10, errors: 0, uploads: 3)
        state.scrollLimits.latencyRows = 21
        _ = handle(.resize, state: &state)
        #expect(state.scroll == PaneOffsets(latency: 10, errors: 0, uploads: 1))
        #expect(state.selectedRow == 20)
    }
}
