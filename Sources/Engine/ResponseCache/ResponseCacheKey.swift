import Crypto
import Foundation

/// The SHA-256 of a ``CacheRequest``'s canonical encoding.
///
/// The encoding is a version tag followed by every field in a fixed order, each as a one-byte tag and a
/// length-prefixed value, with absent optionals written as their own marker. Length prefixes make field
/// boundaries unambiguous, so `("ab", "c")` and `("a", "bc")` never collide; the fixed order and sorted
/// extra parameters make the key the same across runs, processes and dictionary orders.
public struct ResponseCacheKey: Sendable, Hashable, CustomStringConvertible {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// Computes the key of `request`.
    public init(_ request: CacheRequest) {
        var hasher = KeyHasher()
        hasher.feed(bytes: "response-cache/v2")
        hasher.feed(tag: "p", trimming: request.prompt)
        hasher.feed(tag: "m", string: request.model)
        if let temperature = request.temperature, temperature.isFinite {
            // Two decimals, and -0.00 the same as 0.00.
            let hundredths = Int64((temperature * 100).rounded()) + 0
            hasher.feed(tag: "t", string: String(hundredths))
        } else {
            hasher.feed(tag: "t", absent: request.temperature == nil ? "none" : "nonfinite")
        }
        if let system = request.systemPrompt {
            // The system prompt's own SHA-256, fed as its 32 bytes.
            var inner = KeyHasher()
            inner.feed(bytes: system)
            var digest = inner.finalize()
            withUnsafeBytes(of: &digest) { digest in
                hasher.feed(tag: UInt8(ascii: "s"), length: digest.count)
                hasher.update(bufferPointer: digest)
            }
        } else {
            hasher.feed(tag: "s", absent: "none")
        }
        if let mode = request.thinkingMode {
            hasher.feed(tag: "k", string: mode)
        } else {
            hasher.feed(tag: "k", absent: "none")
        }
        if let web = request.webSearch {
            hasher.feed(tag: "w", string: web ? "1" : "0")
        } else {
            hasher.feed(tag: "w", absent: "none")
        }
        hasher.feed(tag: "x", string: String(request.extra.count))
        for name in request.extra.keys.sorted() {
            hasher.feed(tag: "n", string: name)
            hasher.feed(tag: "v", string: request.extra[name] ?? "")
        }
        words = hasher.finalize()
    }

    /// The key as 64 hex digits.
    public var description: String {
        [words.0, words.1, words.2, words.3].map { word in
            let hex = String(UInt64(littleEndian: word).byteSwapped, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Compares two keys.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words == rhs.words
    }

    /// Hashes the key (its first word is already uniformly distributed).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
    }
}

/// swift-crypto's SHA-256, fed in pieces and finished as four words. The digest's state lives in one
/// small class instance per key, the only allocation a key costs; the tests check a known digest
/// computed outside Swift.
private struct KeyHasher {
    private var sha = SHA256()

    mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
        sha.update(bufferPointer: bytes)
    }

    /// The digest's 32 bytes, in order, as four words.
    mutating func finalize() -> (UInt64, UInt64, UInt64, UInt64) {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        sha.finalize().withUnsafeBytes { bytes in
            withUnsafeMutableBytes(of: &digest) { $0.copyMemory(from: bytes) }
        }
        return digest
    }
}

extension KeyHasher {
    fileprivate mutating func feed(bytes string: String) {
        var copy = string
        copy.withUTF8 { update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    fileprivate mutating func feed(tag: UInt8, length: Int) {
        var header = (tag, UInt64(length).littleEndian)
        withUnsafeBytes(of: &header.0) { update(bufferPointer: $0) }
        withUnsafeBytes(of: &header.1) { update(bufferPointer: $0) }
    }

    fileprivate mutating func feed(tag: Unicode.Scalar, string: String) {
        var copy = string
        copy.withUTF8 { bytes in
            feed(tag: UInt8(tag.value), length: bytes.count)
            update(bufferPointer: UnsafeRawBufferPointer(bytes))
        }
    }

    /// Writes an absent field: the tag with an impossible length marker, then why it is absent.
    fileprivate mutating func feed(tag: Unicode.Scalar, absent reason: String) {
        feed(tag: UInt8(tag.value) | 0x80, length: reason.utf8.count)
        feed(bytes: reason)
    }

    /// Writes `string` without its surrounding whitespace, without copying it when it is ASCII-trimmed.
    fileprivate mutating func feed(tag: Unicode.Scalar, trimming string: String) {
        var copy = string
        let trimmedInPlace: Bool = copy.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            while start < end, Self.isASCIIWhitespace(bytes[start]) { start += 1 }
            while end > start, Self.isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
            // Non-ASCII at either edge may be Unicode whitespace: let Foundation decide.
            if start < end, bytes[start] >= 0x80 || bytes[end - 1] >= 0x80 { return false }
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
            feed(tag: UInt8(tag.value), length: slice.count)
            update(bufferPointer: UnsafeRawBufferPointer(slice))
            return true
        }
        if !trimmedInPlace {
            feed(tag: tag, string: string.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
