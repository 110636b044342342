import Foundation
import MetricsClient
import MetricsWire

#if canImport(Glibc)
import Glibc
#endif

/// The time zone of the header's clock.
///
/// The local zone is read through the C library (`TZ` or `/etc/localtime`), not `TimeZone.current`, which
/// loads ICU's zone data: a few MiB of resident memory for one clock.
enum ClockZone: Sendable, Equatable {
    /// The machine's local time.
    case local
    /// A fixed offset from UTC.
    case fixed(secondsFromGMT: Int)

    /// UTC.
    static let utc = ClockZone.fixed(secondsFromGMT: 0)

    /// The zone's offset from UTC at `date`, in seconds (daylight saving time included for `.local`).
    func secondsFromGMT(at date: Date) -> Int {
        switch self {
        case .fixed(let seconds):
            return seconds
        case .local:
            var time = time_t(date.timeIntervalSince1970.rounded(.down))
            var parts = tm()
            guard localtime_r(&time, &parts) != nil else { return 0 }
            return Int(parts.tm_gmtoff)
        }
    }

    /// A wall-clock time `HH:MM:SS` in this zone.
    func clock(_ date: Date) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + secondsFromGMT(at: date)
        let secondOfDay = ((local % 86_400) + 86_400) % 86_400
        return Format.twoDigits(secondOfDay / 3600) + ":" + Format.twoDigits(secondOfDay / 60 % 60) + ":"
            + Format.twoDigits(secondOfDay % 60)
    }
}
