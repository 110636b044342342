/// Applies `key` to the view state and returns what the app must do beyond redrawing, if anything.
///
/// Pure: no I/O, no clock. The filter prompt, the help overlay and the reset prompt each take keys
/// before the normal bindings; Ctrl-C and termination always quit.
func handle(_ key: Key, state: inout UIState) -> UICommand? {
    switch key {
    case .ctrlC, .terminate:
        return .quit
    case .resize:
        state.clampScroll()
        return .redraw
    default:
        break
    }
    if state.isConfirmingReset { return confirmReset(key, state: &state) }
    if state.isEditingFilter { return editFilter(key, state: &state) }
    if state.isHelpVisible {
        if key == .char("q") { return .quit }
        state.isHelpVisible = false
        return nil
    }
    if state.messages != nil { return messagesKey(key, state: &state) }
    if state.tools != nil { return toolsKey(key, state: &state) }
    if state.detail != nil, key == .escape || key == .backspace || key == .char("h") {
        state.detail = nil
        return nil
    }
    return normalKey(key, state: &state)
}

private func confirmReset(_ key: Key, state: inout UIState) -> UICommand? {
    state.isConfirmingReset = false
    if key == .char("y") || key == .char("Y") {
        state.statusMessage = StatusMessage("resetting all counters…")
        return .resetCounters
    }
    state.statusMessage = StatusMessage("reset cancelled")
    return nil
}

private func editFilter(_ key: Key, state: inout UIState) -> UICommand? {
    switch key {
    case .char(let character):
        state.filterDraft.append(character)
    case .backspace, .delete:
        if !state.filterDraft.isEmpty { state.filterDraft.removeLast() }
    case .enter:
        state.isEditingFilter = false
        if state.messages != nil {
            state.messages?.filter = state.filterDraft
        } else {
            state.filterText = state.filterDraft
            state.scroll.latency = 0
        }
    case .escape:
        state.filterDraft = ""
        state.isEditingFilter = false
        if state.messages != nil {
            state.messages?.filter = ""
        } else {
            state.filterText = ""
            state.scroll.latency = 0
        }
    default:
        break
    }
    return nil
}

private func normalKey(_ key: Key, state: inout UIState) -> UICommand? {
    switch key {
    case .char("q"), .char("Q"):
        return .quit
    case .char("?"):
        state.isHelpVisible = true
    case .char("u"), .char("U"):
        state.statusMessage = StatusMessage("starting a test upload…")
        return .startTestUpload
    case .char("p"), .char("P"):
        state.isPaused.toggle()
        state.statusMessage = StatusMessage(state.isPaused ? "paused: display frozen" : "resumed")
    case .char("s"):
        state.sortKey = state.sortKey.next
        state.scroll.latency = 0
        state.selectedRow = 0
    case .char("S"):
        state.sortKey = SortKey.allCases.first { $0.next == state.sortKey } ?? .name
        state.scroll.latency = 0
        state.selectedRow = 0
    case .enter:
        if state.detail == nil {
            state.focus = .latency
            return .openDetail
        }
    case .char("L"):
        return .toggleLocal
    case .char("m"), .char("M"):
        state.messages = MessagesViewState()
        state.statusMessage = nil
        return .watchMessages(true)
    case .char("t"), .char("T"):
        state.tools = ToolsViewState()
        state.statusMessage = nil
    case .char("/"):
        state.isEditingFilter = true
        state.filterDraft = state.filterText
    case .char("+"), .char("="):
        return .changeRefresh(step: 1)
    case .char("-"), .char("_"):
        return .changeRefresh(step: -1)
    case .char("r"), .char("R"):
        // The app puts up the y/n prompt, unless the target cannot reset (it says why instead).
        return .askReset
    case .tab:
        state.focus = state.focus.next
    case .backTab:
        state.focus = state.focus.previous
    case .escape:
        if !state.filterText.isEmpty {
            state.filterText = ""
            state.filterDraft = ""
            state.scroll.latency = 0
        }
        state.statusMessage = nil
    case .up, .char("k"):
        scroll(by: -1, state: &state)
    case .down, .char("j"):
        scroll(by: 1, state: &state)
    case .pageUp:
        scroll(by: -state.scrollLimits.pageSize[state.focus], state: &state)
    case .pageDown:
        scroll(by: state.scrollLimits.pageSize[state.focus], state: &state)
    case .home, .char("g"):
        state.scroll[state.focus] = 0
        if state.focus == .latency { state.selectedRow = 0 }
    case .end, .char("G"):
        if state.focus == .latency {
            select(state.scrollLimits.latencyRows == .max ? 0 : state.scrollLimits.latencyRows - 1, state: &state)
        } else {
            state.scroll[state.focus] =
                state.scrollLimits.maxOffset[state.focus] == .max ? 0 : state.scrollLimits.maxOffset[state.focus]
        }
    default:
        break
    }
    return nil
}

private func scroll(by rows: Int, state: inout UIState) {
    let pane = state.focus
    if pane == .latency, state.detail == nil {
        let (sum, overflow) = state.selectedRow.addingReportingOverflow(rows)
        select(overflow ? (rows > 0 ? Int.max : 0) : sum, state: &state)
        return
    }
    let limit = state.scrollLimits.maxOffset[pane]
    let (sum, overflow) = state.scroll[pane].addingReportingOverflow(rows)
    state.scroll[pane] = min(max(0, overflow ? limit : sum), limit)
}

/// Highlights latency row `row` (kept inside the table) and scrolls so that it is visible.
private func select(_ row: Int, state: inout UIState) {
    let limits = state.scrollLimits
    let last = limits.latencyRows == .max ? row : max(0, limits.latencyRows - 1)
    state.selectedRow = min(max(0, row), last)
    let visible = limits.pageSize.latency + 1
    if state.selectedRow < state.scroll.latency {
        state.scroll.latency = state.selectedRow
    } else if state.selectedRow >= state.scroll.latency + visible {
        state.scroll.latency = state.selectedRow - visible + 1
    }
    state.scroll.latency = min(max(0, state.scroll.latency), limits.maxOffset.latency)
}
