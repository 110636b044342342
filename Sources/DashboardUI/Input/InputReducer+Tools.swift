/// The keys of the Tools view: scroll, acknowledge the risky changes, back.
func toolsKey(_ key: Key, state: inout UIState) -> UICommand? {
    guard var view = state.tools else { return nil }
    defer { if state.tools != nil { state.tools = view } }
    switch key {
    case .char("q"), .char("Q"):
        return .quit
    case .char("?"):
        state.isHelpVisible = true
    case .char("t"), .char("T"), .escape, .backspace, .char("h"):
        state.tools = nil
    case .char("a"), .char("A"):
        return .acknowledgeTools
    case .char("p"), .char("P"):
        state.isPaused.toggle()
        state.statusMessage = StatusMessage(state.isPaused ? "paused: display frozen" : "resumed")
    case .up, .char("k"):
        view.scroll.move(by: -1)
    case .down, .char("j"):
        view.scroll.move(by: 1)
    case .pageUp:
        view.scroll.move(by: -view.scroll.pageSize)
    case .pageDown:
        view.scroll.move(by: view.scroll.pageSize)
    case .home, .char("g"):
        view.scroll.move(by: Int.min / 2)
    case .end, .char("G"):
        view.scroll.move(by: Int.max / 2)
    default:
        break
    }
    return nil
}
