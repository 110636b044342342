import Foundation

/// Short renderings of numbers, sizes and durations for screens, status lines and messages: fixed-width
/// friendly and cheap (no `String(format:)`). Sizes and speeds are in decimal units (1 MB = 10⁶ bytes).
public enum Format {
    /// `value` with exactly `decimals` digits after the point (0–4), rounded half away from zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let decimals = min(max(decimals, 0), 4)
        let scale = [1, 10, 100, 1000, 10_000][decimals]
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 1e15 else { return String(Int(value)) }
        let units = Int(scaled)
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / scale)
        if decimals > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// A latency in milliseconds: `0.42ms`, `12.3ms`, `512ms`, `1.25s`, `12.5s`, `125s`.
    public static func latency(_ milliseconds: Double) -> String {
        guard milliseconds.isFinite, milliseconds >= 0 else { return "–" }
        switch milliseconds {
        case ..<9.995: return fixed(milliseconds, decimals: 2) + "ms"
        case ..<99.95: return fixed(milliseconds, decimals: 1) + "ms"
        case ..<999.5: return fixed(milliseconds, decimals: 0) + "ms"
        case ..<9_995: return fixed(milliseconds / 1000, decimals: 2) + "s"
        case ..<99_950: return fixed(milliseconds / 1000, decimals: 1) + "s"
        default: return fixed(milliseconds / 1000, decimals: 0) + "s"
        }
    }

    /// A count that fits in 7 columns: `999999`, `1.23M`, `12.3M`, `1.23G`.
    public static func count(_ value: Int) -> String {
        let magnitude = abs(value)
        switch magnitude {
        case ..<1_000_000: return String(value)
        case ..<10_000_000: return fixed(Double(value) / 1e6, decimals: 2) + "M"
        case ..<1_000_000_000: return fixed(Double(value) / 1e6, decimals: 1) + "M"
        default: return fixed(Double(value) / 1e9, decimals: 2) + "G"
        }
    }

    /// A rate per second: `0.25`, `12.3`, `456`, `12.3k`.
    public static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch abs(value) {
        case ..<9.995: return fixed(value, decimals: 2)
        case ..<999.5: return fixed(value, decimals: value < 99.95 ? 1 : 0)
        default: return fixed(value / 1000, decimals: 1) + "k"
        }
    }

    /// A percentage 0–100: `99.5%`, `100%`, `0%`.
    public static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value >= 99.95 || value <= 0 { return fixed(value, decimals: 0) + "%" }
        return fixed(value, decimals: 1) + "%"
    }

    /// A byte count in decimal units: `512 B`, `1.5 kB`, `12.3 MB`, `1.02 GB`.
    public static func bytes(_ value: Int) -> String {
        let v = Double(value)
        switch abs(value) {
        case ..<1000: return "\(value) B"
        case ..<1_000_000: return scaled(v / 1e3) + " kB"
        case ..<1_000_000_000: return scaled(v / 1e6) + " MB"
        default: return scaled(v / 1e9) + " GB"
        }
    }

    /// A short duration: `2.5s`, `45s`, `3m05s`, `2h07m`, `3d04h`.
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "–" }
        if value < 9.95, value != value.rounded() { return fixed(value, decimals: 1) + "s" }
        let total = Int(value.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + twoDigits(total % 60) + "s" }
        if total < 86_400 { return "\(total / 3600)h" + twoDigits(total / 60 % 60) + "m" }
        return "\(total / 86_400)d" + twoDigits(total / 3600 % 24) + "h"
    }

    /// `seconds` since 1970 as an ISO 8601 UTC time, `2026-11-27T19:35:09Z`: what `ISO8601DateFormatter`
    /// writes for any date since 1583 (before that, ISO 8601's proleptic Gregorian calendar). Computed
    /// directly, because that formatter loads ICU's calendar and locale data, several MiB of a small
    /// process's memory, for one log timestamp.
    public static func timestamp(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e14 else { return "–" }
        let whole = Int(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : -((-whole + 86_399) / 86_400)
        let secondOfDay = whole - days * 86_400
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + twoDigits(month) + "-"
            + twoDigits(day) + "T" + twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60) + ":"
            + twoDigits(secondOfDay % 60) + "Z"
    }

    /// A transfer speed in decimal units: `512 B/s`, `8.39 MB/s`.
    public static func bytesPerSecond(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "–" }
        return bytes(Int(value.rounded())) + "/s"
    }

    /// A duration in prose, for status lines and messages: `0.25 s`, `2.5 s`, `12 s`, `3 min 5 s`.
    public static func duration(_ duration: Duration) -> String {
        let value = max(0, duration.inSeconds)
        let hundredths = Int((value * 100).rounded())
        if hundredths < 100 {
            return hundredths < 10 ? "0.0\(hundredths) s" : "0.\(hundredths) s"
        }
        let tenths = Int((value * 10).rounded())
        if tenths < 100 {
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(value.rounded())
        if whole < 120 { return "\(whole) s" }
        return "\(whole / 60) min \(whole % 60) s"
    }

    private static func scaled(_ value: Double) -> String {
        fixed(value, decimals: abs(value) < 9.995 ? 2 : abs(value) < 99.95 ? 1 : 0)
    }

    /// A number below 100 as two digits: `07`, `42`.
    public static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
