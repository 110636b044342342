import Foundation
import MetricsClient
import MetricsWire
import Testing

@testable import DashboardUI

@Suite("number formatting")
struct FormatTests {
    @Test("fixed decimals round half away from zero")
    func fixed() {
        #expect(Format.fixed(1.005, decimals: 0) == "1")
        #expect(Format.fixed(2.5, decimals: 0) == "3")
        #expect(Format.fixed(12.345, decimals: 1) == "12.3")
        #expect(Format.fixed(0.05, decimals: 2) == "0.05")
        #expect(Format.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(Format.fixed(-0.001, decimals: 1) == "0.0")
        #expect(Format.fixed(.nan, decimals: 1) == "–")
    }

    @Test(
        "latencies keep three significant digits and switch to seconds",
        arguments: [
            (0.42, "0.42ms"), (9.994, "9.99ms"), (12.34, "12.3ms"), (512.4, "512ms"), (999.6, "1.00s"),
            (1_250, "1.25s"), (12_500, "12.5s"), (125_000, "125s"),
        ]
    )
    func latency(value: Double, text: String) {
        #expect(Format.latency(value) == text)
        #expect(text.count <= 6)
    }

    @Test("counts, rates, percentages and bytes")
    func others() {
        #expect(Format.count(999_999) == "999999")
        #expect(Format.count(1_234_567) == "1.23M")
        #expect(Format.count(123_456_789) == "123.5M")
        #expect(Format.rate(0.25) == "0.25")
        #expect(Format.rate(42.04) == "42.0")
        #expect(Format.rate(456) == "456")
        #expect(Format.rate(12_345) == "12.3k")
        #expect(Format.percent(99.5) == "99.5%")
        #expect(Format.percent(100) == "100%")
        #expect(Format.percent(0) == "0%")
        #expect(Format.bytes(512) == "512 B")
        #expect(Format.bytes(1_234_567) == "1.23 MB")
        #expect(Format.bytes(268_435_456) == "268 MB")
    }

    @Test("timestamps read as ISO8601DateFormatter writes them, across centuries, leap days and negative times")
    func timestamps() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        // 2000-02-29, 2100-02-28 23:59:59 (no leap day), 1600-01-01; the formatter switches to the Julian
        // calendar before October 1582 where ISO 8601 stays Gregorian, so the range starts after that.
        var samples: [Double] = [0, -1, 86_399.999, 951_782_400, 4_107_542_399, -11_676_096_000, 1_764_272_109.75]
        for _ in 0..<2_000 {
            samples.append(Double(Int64.random(in: -12_000_000_000...250_000_000_000, using: &generator)))
        }
        for seconds in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
            #expect(Format.timestamp(seconds) == expected, "\(seconds)")
        }
        #expect(Format.timestamp(.nan) == "–")
    }

    @Test("durations and the clock")
    func durations() {
        #expect(Format.seconds(2.5) == "2.5s")
        #expect(Format.seconds(4) == "4s")
        #expect(Format.seconds(185) == "3m05s")
        #expect(Format.seconds(3_725) == "1h02m")
        #expect(Format.seconds(97_200) == "1d03h")
        let date = Date(timeIntervalSince1970: 1_760_000_000)
        #expect(ClockZone.utc.clock(date) == "08:53:20")
        #expect(ClockZone.fixed(secondsFromGMT: 9 * 3600).clock(date) == "17:53:20")
        // The local zone follows the C library's TZ: a POSIX rule, so no zone files are needed. Nothing else
        // in the tests reads local time.
        let saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", "XYZ-5:30", 1)
        tzset()
        #expect(ClockZone.local.secondsFromGMT(at: date) == 19_800)
        #expect(ClockZone.local.clock(date) == "14:23:20")
        if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
        tzset()
    }
}
