import CProxy
import Engine

extension UnsafeBufferPointer<UInt8> {
    /// The index of the first newline, found with `memchr` (a byte loop is slow in debug builds).
    var firstNewline: Int? {
        guard let base = baseAddress else { return nil }
        let index = cproxy_first_index(base, count, 0x0A)
        return index < 0 ? nil : Int(index)
    }

    /// The index of the last newline, found with `memrchr`.
    var lastNewline: Int? {
        guard let base = baseAddress else { return nil }
        let index = cproxy_last_index(base, count, 0x0A)
        return index < 0 ? nil : Int(index)
    }
}
