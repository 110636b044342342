import Testing

@testable import DashboardUI

@Suite("DisplayWidth")
struct DisplayWidthTests {
    @Test(
        "columns of single characters",
        arguments: [
            ("a", 1), (" ", 1), ("é", 1), ("e\u{301}", 1), ("漢", 2), ("ア", 2), ("한", 2), ("Ａ", 2), ("🚀", 2),
            ("👍🏽", 2), ("👨‍👩‍👧", 2), ("…", 1), ("█", 1), ("▁", 1), ("─", 1), ("\u{7}", 0), ("\u{301}", 0),
            ("\u{200B}", 0), ("❤", 1), ("ｶ", 1),
        ] as [(Character, Int)]
    )
    func characters(character: Character, width: Int) {
        #expect(DisplayWidth.of(character) == width, "\(character.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test("columns of strings add up")
    func strings() {
        #expect(DisplayWidth.of("") == 0)
        #expect(DisplayWidth.of("chat") == 4)
        #expect(DisplayWidth.of("翻訳ツール") == 10)
        #expect(DisplayWidth.of("🚀launch") == 8)
        #expect(DisplayWidth.of("cafe\u{301}") == 4)
    }

    @Test("truncation keeps what fits and ends in an ellipsis")
    func truncation() {
        #expect(DisplayWidth.truncate("codereview", to: 20) == "codereview")
        #expect(DisplayWidth.truncate("codereview", to: 10) == "codereview")
        #expect(DisplayWidth.truncate("codereview", to: 9) == "coderevi…")
        #expect(DisplayWidth.truncate("codereview", to: 1) == "…")
        #expect(DisplayWidth.truncate("codereview", to: 0) == "")
        #expect(DisplayWidth.truncate("cafe\u{301}_nai\u{308}ve", to: 6) == "cafe\u{301}_…")
    }

    @Test("truncation never splits a wide character", arguments: 1...12)
    func wideTruncation(width: Int) {
        let result = DisplayWidth.truncate("翻訳ツール🚀x", to: width)
        #expect(DisplayWidth.of(result) <= width)
        #expect(DisplayWidth.of(result) >= width - 1)
        if width < 13 { #expect(result.last == "…") }
    }
}
