extension CallRounds {
    /// Short, for a table cell beside the tool: `6 rounds` or `6 rounds, 1 abandoned`.
    public var short: String {
        let abandoned = abandonedCalls > 0 ? ", \(Format.count(abandonedCalls)) abandoned" : ""
        return "\(Format.count(rounds)) rounds\(abandoned)"
    }

    /// Whole, for a tool's detail: rounds over calls, the wait for the user's input, abandoned calls.
    public func summary(totalCalls: Int) -> String {
        var parts = ["\(Format.count(rounds)) rounds over \(Format.count(totalCalls)) calls"]
        if multiRoundCalls > 0 {
            parts.append(
                "\(Format.count(multiRoundCalls)) asked for input, waited "
                    + Format.latency(inputWaitMs / Double(multiRoundCalls)) + " a call (not in the latencies)"
            )
        }
        if abandonedCalls > 0 {
            parts.append("\(Format.count(abandonedCalls)) abandoned (no retry came; not a failure)")
        }
        return parts.joined(separator: " · ")
    }
}

extension MCPStreams {
    /// One line: `2 streams open (longest 184s) · 41 events · 5 closed, 1 abruptly`.
    public var summary: String {
        var parts: [String] = []
        if openCount > 0 {
            let longest = open.map(\.elapsedMs).max().map { " (longest \(Format.latency($0)))" } ?? ""
            parts.append("\(Format.count(openCount)) stream\(openCount == 1 ? "" : "s") open\(longest)")
        }
        let events = self.events.values.reduce(0, +)
        parts.append("\(Format.count(events)) event\(events == 1 ? "" : "s")")
        if closed > 0 {
            let abrupt = closedAbruptly > 0 ? ", \(Format.count(closedAbruptly)) abruptly" : ""
            parts.append("\(Format.count(closed)) closed\(abrupt)")
        }
        return parts.joined(separator: " · ")
    }
}
