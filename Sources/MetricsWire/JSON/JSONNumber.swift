/// Converts JSON number text to `Double`.
///
/// Most numbers on the wire are short decimals (`138.35`, `200`): those are converted exactly with one
/// integer accumulation and at most one division by a power of ten — correctly rounded, because both
/// operands are exactly representable (at most 15 digits, at most 10^22) and IEEE division rounds once.
/// Everything else (exponents, long mantissas, `nan`/`inf` as the parser spells Python's) goes through
/// the standard library's `Double(_:)`.
public enum JSONNumber {
    /// The value of `text` (a JSON number as the parser keeps it), or `nil` when it is not one.
    public static func double(_ text: String) -> Double? {
        var text = text
        let fast = text.withUTF8 { shortDecimal($0) }
        return fast ?? Double(text)
    }

    /// The value of `text` when it is a whole number of at most 18 digits (what `Int(_:)` reads, without
    /// its generic parsing), else `nil`.
    public static func shortInteger(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            let negative = bytes.first == UInt8(ascii: "-")
            let digits = bytes.count - (negative ? 1 : 0)
            guard digits > 0, digits <= 18 else { return nil }
            var value = 0
            for byte in bytes[(negative ? 1 : 0)...] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return negative ? -value : value
        }
    }

    /// Exact powers of ten a `Double` holds.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static func shortDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        guard index < bytes.count else { return nil }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil  // an exponent, or not a number: the slow path decides
            }
            index += 1
        }
        guard digits > 0, digits <= 15, fractionDigits < powersOfTen.count else { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }
}
