/// The keys of the Messages view: move, open one message, filter, pause, back.
///
/// Esc steps back one level: from a message to the list, from a filtered list to the whole one, from the
/// list to the dashboard.
func messagesKey(_ key: Key, state: inout UIState) -> UICommand? {
    guard var view = state.messages else { return nil }
    defer { if state.messages != nil { state.messages = view } }
    switch key {
    case .char("q"), .char("Q"):
        return .quit
    case .char("?"):
        state.isHelpVisible = true
    case .char("m"), .char("M"):
        state.messages = nil
        return .watchMessages(false)
    case .escape, .backspace, .char("h"):
        if view.isShowingOne {
            view.opened = nil
            view.isOpening = false
            view.detail = LineScroll()
        } else if key == .escape, !view.filter.isEmpty {
            view.filter = ""
        } else {
            state.messages = nil
            return .watchMessages(false)
        }
    case .enter:
        // The frame opens the highlighted message once the moves typed before Enter are made.
        if !view.isShowingOne { view.isOpening = true }
    case .char("p"), .char("P"):
        state.isPaused.toggle()
        state.statusMessage = StatusMessage(state.isPaused ? "paused: no new messages shown" : "resumed")
    case .char("/"):
        if !view.isShowingOne {
            state.isEditingFilter = true
            state.filterDraft = view.filter
        }
    case .char("+"), .char("="):
        return .changeRefresh(step: 1)
    case .char("-"), .char("_"):
        return .changeRefresh(step: -1)
    case .up, .char("k"):
        view.move(by: -1)
    case .down, .char("j"):
        view.move(by: 1)
    case .pageUp:
        view.move(by: -(view.isShowingOne ? view.detail.pageSize : view.pageSize))
    case .pageDown:
        view.move(by: view.isShowingOne ? view.detail.pageSize : view.pageSize)
    case .home, .char("g"):
        view.move(by: Int.min / 2)
    case .end, .char("G"):
        if view.isShowingOne {
            view.move(by: Int.max / 2)
        } else {
            view.selected = nil
            view.pendingMove = 0
        }
    default:
        break
    }
    return nil
}
