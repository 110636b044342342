import Foundation
import MetricsWire
import Testing

/// The page reader the dashboard polls with against the `Codable` conformance the proxy writes with.
@Suite("a page of messages read back")
struct MessagesPageReadTests {
    @Test("every field written by Codable is read back the same; a bad page is refused")
    func roundTrip() throws {
        let full = MessageEntry(
            seq: 7,
            time: 1_796_588_061.636142,
            direction: .serverToClient,
            kind: "result",
            method: "tools/call",
            id: #""a-7""#,
            tool: "café",
            session: "s-1",
            bytes: 812,
            latencyMs: 12.25,
            outcome: "tool_error",
            payload: #"{"jsonrpc":"2.0","id":"a-7","result":{"isError":true,"text":"line\nbreak \u00e9"}}"#,
            truncated: true
        )
        let bare = MessageEntry(seq: 8, time: 1, direction: .clientToServer, kind: "invalid", bytes: nil)
        let page = MessagesPage(server: "time", capture: true, capacity: 2000, last: 9, messages: [full, bare])
        let written = try JSONEncoder().encode(page)
        #expect(MessagesPage.read(Array(written)) == page)
        #expect(try JSONDecoder().decode(MessagesPage.self, from: written) == page)

        #expect(MessagesPage.read(Array("not json".utf8)) == nil)
        #expect(MessagesPage.read(Array(#"{"server":"x","capture":true,"capacity":1,"last":1}"#.utf8)) == nil)
        let noDirection =
            #"{"server":"x","capture":false,"capacity":1,"last":1,"messages":[{"seq":1,"time":1,"kind":"request"}]}"#
        #expect(MessagesPage.read(Array(noDirection.utf8)) == nil)
    }
}
