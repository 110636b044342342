import NIOHTTP1

/// Which headers an HTTP proxy passes on (RFC 9110 §7.6.1): all of them, untouched and in order, except
/// the hop-by-hop ones — those of the connection itself and any the `Connection` header names. `Host` is
/// the upstream's (servers check it against DNS rebinding); `Content-Length` is kept, since bodies are
/// relayed with the length their sender announced, and chunked framing is the relay's own.
enum ForwardedHeaders {
    /// Hop-by-hop headers, lowercased.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization", "host",
    ]

    /// `headers` without the hop-by-hop ones, after a `Host` of `host` when one is given (requests).
    static func forwarded(_ headers: HTTPHeaders, host: String? = nil) -> HTTPHeaders {
        var named: [Substring] = []
        for value in headers[canonicalForm: "connection"] {
            for var name in value.split(separator: ",") {
                while name.first == " " || name.first == "\t" { name = name.dropFirst() }
                while name.last == " " || name.last == "\t" { name = name.dropLast() }
                if !name.isEmpty, !equalsIgnoringCase(name, "content-length") { named.append(name) }
            }
        }
        var kept = HTTPHeaders()
        kept.reserveCapacity(headers.count + 1)
        if let host { kept.add(name: "Host", value: host) }
        for (name, value) in headers
        where !hopByHop.contains(where: { equalsIgnoringCase(name, $0) })
            && !named.contains(where: { equalsIgnoringCase(name, $0) })
        {
            kept.add(name: name, value: value)
        }
        return kept
    }

    /// Whether `headers` announce a chunked body.
    static func isChunked(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "transfer-encoding"].contains { equalsIgnoringCase($0, "chunked") }
    }

    /// Whether `name` and `other` are the same ASCII text but for case (header names are ASCII).
    static func equalsIgnoringCase<A: StringProtocol, B: StringProtocol>(_ name: A, _ other: B) -> Bool {
        equalsIgnoringCase(bytes: name.utf8, other.utf8)
    }

    /// Whether `name` and `other` are the same ASCII bytes but for the case of letters.
    static func equalsIgnoringCase<A: Collection<UInt8>, B: Collection<UInt8>>(bytes name: A, _ other: B) -> Bool {
        guard name.count == other.count else { return false }
        return zip(name, other).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}
