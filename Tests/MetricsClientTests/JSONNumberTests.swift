import Foundation
import MetricsClient
import MetricsWire
import Testing

@Suite("JSON number text to Double")
struct JSONNumberTests {
    @Test(
        "short decimals and everything else convert exactly as the standard library does",
        arguments: [
            "0", "-0", "1", "200", "138.35", "0.1", "0.25", "-12.5", "99.99", "123456789012345",
            "1234567890.12345", "0.000000000000001", "0.0000000000000000000001", "1234567890123456",
            "12345678901234567890", "1e3", "1E-7", "2.5e+10", "-1.5e-300", "1e400", "0.30000000000000004",
            "9007199254740993", "nan", "inf", "-inf",
        ]
    )
    func matchesStandardLibrary(_ text: String) throws {
        let expected = try #require(Double(text))
        let converted = try #require(JSONNumber.double(text))
        if expected.isNaN {
            #expect(converted.isNaN)
        } else {
            #expect(converted.bitPattern == expected.bitPattern, "\(text): \(converted) vs \(expected)")
        }
    }

    @Test("random decimals of up to 15 digits convert to the correctly rounded value")
    func randomDecimals() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            let whole = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let point = Int.random(in: 0...digits, using: &generator)
            var text = whole
            if point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: max(1, point))) }
            if Bool.random(using: &generator) { text = "-" + text }
            #expect(JSONNumber.double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("what is not a number is nil", arguments: ["", "-", ".", "1.2.3", "abc", "1-2"])
    func notNumbers(_ text: String) {
        #expect(JSONNumber.double(text) == nil)
    }

    @Test(
        "whole numbers read as Int(_:) reads them; longer or other text is left to it",
        arguments: ["0", "7", "-0", "-42", "123456789012345678", "-123456789012345678"]
    )
    func shortIntegers(text: String) {
        #expect(JSONNumber.shortInteger(text) == Int(text))
    }

    @Test("what is not a short whole number is nil", arguments: ["", "-", "1.5", "1e3", "12a", "1234567890123456789"])
    func notShortIntegers(text: String) {
        #expect(JSONNumber.shortInteger(text) == nil)
    }
}
