/// Short human renderings of durations, shared by status descriptions and error messages.
enum Formatting {
    /// `0.25 s`, `2.5 s`, `12 s`, `3 min 5 s`.
    static func seconds(_ duration: Duration) -> String {
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
}
