/// The pane that the scroll keys move, cycled with Tab.
enum FocusPane: String, Sendable, CaseIterable {
    case latency
    case live
    case failures
    case errors
    case uploads

    /// The pane after this one, wrapping around.
    var next: FocusPane {
        let all = FocusPane.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The pane before this one, wrapping around.
    var previous: FocusPane {
        let all = FocusPane.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}
