import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("the Messages view")
struct MessagesViewTests {
    static let standard = GoldenScreenTests.standard
    static let large = GoldenScreenTests.large

    func check(_ state: DashboardState, _ size: ScreenSize, _ name: String, styles: Bool = false) {
        GoldenScreenTests().check(state, size, name, styles: styles)
    }

    @Test("live list across targets: newest at the foot, sources with their problems", arguments: [standard, large])
    func list(size: ScreenSize) {
        check(Fixtures.messagesState(size: size), size, "messages", styles: size == Self.standard)
    }

    @Test("filtered by words, scrolled up: the highlight stays on its message as new ones arrive")
    func filteredAndScrolled() {
        var view = MessagesViewState(filter: "github error")
        view.pendingMove = -2
        var state = Fixtures.messagesState(view, size: Self.standard)
        let highlighted = state.ui.messages?.highlighted
        #expect(highlighted != nil)
        #expect(state.ui.messages?.isFollowing == false)
        check(state, Self.standard, "messages-filtered")

        // More messages arrive (and the oldest are forgotten): the same message stays highlighted.
        var list = Fixtures.messageList(count: 120)
        list.rows.removeFirst(10)
        state.messages = list
        _ = drawFrame(&state, size: Self.standard)
        #expect(state.ui.messages?.highlighted == highlighted)
        #expect(state.ui.messages?.isFollowing == false)

        // Moving down onto the newest follows again.
        state.ui.messages?.pendingMove = 1000
        _ = drawFrame(&state, size: Self.standard)
        #expect(state.ui.messages?.isFollowing == true)
        let shown = state.messages.shown(filter: "github error")
        #expect(state.ui.messages?.highlighted == state.messages.rows[shown.last!].key)
    }

    @Test(
        "one captured message pretty-printed, secrets as redacted; one not captured says how",
        arguments: [standard, large]
    )
    func opened(size: ScreenSize) {
        let list = Fixtures.messageList()
        let captured = list.rows.last { $0.entry.payload != nil && $0.entry.kind == "request" }!.key
        check(
            Fixtures.messagesState(MessagesViewState(opened: captured), list: list, size: size),
            size,
            "message-captured"
        )
        let notCaptured = list.rows.first { $0.entry.payload == nil }!.key
        check(
            Fixtures.messagesState(MessagesViewState(opened: notCaptured), list: list, size: Self.standard),
            Self.standard,
            "message-not-captured"
        )
    }

    @Test("no targets that keep messages: each says why")
    func nothingToList() {
        var list = MessageList()
        list.sources = [
            MessageSource(
                target: "127.0.0.1:9109",
                server: "127.0.0.1:9109",
                problem: "no message log: the embedded engine relays nothing",
                brief: "not a proxy"
            )
        ]
        var state = Fixtures.state(nil, connection: .connecting)
        state.messages = list
        state.ui.messages = MessagesViewState()
        check(state, Self.standard, "messages-none")
    }

    @Test("keys: m opens and closes, Enter opens the highlighted one, Esc steps back a level, End follows")
    func keys() {
        var ui = UIState()
        #expect(handle(.char("m"), state: &ui) == .watchMessages(true))
        #expect(ui.messages != nil)
        // Keys typed before Enter are made before it opens the highlighted message; those after scroll it.
        var state = Fixtures.messagesState(size: Self.standard)
        state.ui.messages = ui.messages
        _ = drawFrame(&state, size: Self.standard)
        let rows = state.messages.rows
        #expect(state.ui.messages?.highlighted == rows.last?.key)
        for key in [Key.up, .char("k"), .enter, .pageDown] { #expect(handle(key, state: &state.ui) == nil) }
        #expect(state.ui.messages?.opened == nil)
        _ = drawFrame(&state, size: Self.standard)
        #expect(state.ui.messages?.opened == rows[rows.count - 3].key)
        #expect(state.ui.messages?.detail.offset == 0)  // one page down, in a message shorter than a page
        #expect(handle(.escape, state: &state.ui) == nil)
        #expect(state.ui.messages?.opened == nil)
        ui = state.ui

        // The filter prompt applies to the messages, not the tools.
        _ = handle(.char("/"), state: &ui)
        for character in "read" { _ = handle(.char(character), state: &ui) }
        _ = handle(.enter, state: &ui)
        #expect(ui.messages?.filter == "read")
        #expect(ui.filterText.isEmpty)

        ui.messages?.selected = MessageKey(target: "a", seq: 3)
        _ = handle(.char("G"), state: &ui)
        #expect(ui.messages?.isFollowing == true)
        _ = handle(.char("p"), state: &ui)
        #expect(ui.isPaused)

        #expect(handle(.escape, state: &ui) == nil)
        #expect(ui.messages?.filter == "")
        #expect(handle(.escape, state: &ui) == .watchMessages(false))
        #expect(ui.messages == nil)
        _ = handle(.char("m"), state: &ui)
        #expect(handle(.char("m"), state: &ui) == .watchMessages(false))
        #expect(handle(.char("q"), state: &ui) == .quit)
    }

    @Test("JSON pretty-printed: nesting, empty containers, numbers as written, slashes unescaped, long lines wrapped")
    func prettyJSON() throws {
        let lines = try #require(
            PrettyJSON.lines(#"{"a":[1,2.50,{}],"b":{"c":"x\/y","d":[]},"e":null,"f":"\u00e9\\/"}"#)
        )
        #expect(
            lines == [
                "{", #"  "a": ["#, "    1,", "    2.50,", "    {}", "  ],", #"  "b": {"#, #"    "c": "x/y","#,
                #"    "d": []"#, "  },", #"  "e": null,"#, #"  "f": "é\\/""#, "}",
            ]
        )
        #expect(PrettyJSON.lines("{\"a\":") == nil)
        let wrapped = PrettyJSON.wrap(["    \"text\": \"" + String(repeating: "x", count: 50) + "\""], width: 20)
        #expect(wrapped.count == 5)
        #expect(wrapped.allSatisfy { DisplayWidth.of($0) <= 20 })
        #expect(wrapped.dropFirst().allSatisfy { $0.hasPrefix("      ") })
        #expect(
            wrapped.map { $0.drop(while: { $0 == " " }) }.joined() == "\"text\": \"" + String(repeating: "x", count: 50)
                + "\""
        )
    }

    @Test("the list keeps its newest 5 000 and counts what it forgot; a message read again replaces its row")
    func listBounds() {
        var list = MessageList()
        let rows = (1...5003).map {
            MessageRow(
                target: "t",
                server: "s",
                entry: MessageEntry(seq: $0, time: Double($0), direction: .clientToServer, kind: "request", bytes: 10)
            )
        }
        list.append(rows)
        #expect(list.rows.count == MessageList.capacity)
        #expect(list.dropped == 3)
        #expect(list.rows.first?.entry.seq == 4)
        var again = rows[5000]
        again.entry.latencyMs = 4
        let replaced = list.replace(again)
        #expect(replaced)
        #expect(list.row(again.key)?.entry.latencyMs == 4)
        let forgotten = list.replace(rows[0])
        #expect(!forgotten)
    }
}
