import Foundation

/// Names what a body that is not metrics JSON looks like instead, for a message a person can act on.
enum BodySniffer {
    static let hint = "check that HOST:PORT is a metrics endpoint (dashboard serve, or the Python metrics server)"

    /// A reason when the body is recognisably not JSON (empty, HTML, Prometheus text, binary), else `nil`.
    static func notJSON(_ body: Data, contentType: String?) -> String? {
        guard let first = body.first(where: { !isWhitespace($0) }) else {
            return "the response body is empty"
        }
        let type = contentType?.lowercased() ?? ""
        if first == UInt8(ascii: "<") || type.contains("text/html") {
            return "the server answered with an HTML page (\(describe(type))), not metrics JSON: \(preview(body))"
        }
        if first == UInt8(ascii: "#") || type.contains("openmetrics") {
            return "the server answered with Prometheus text exposition, not metrics JSON"
        }
        if first != UInt8(ascii: "{") && first != UInt8(ascii: "[") {
            return "the body is not JSON (\(describe(type))): \(preview(body))"
        }
        return nil
    }

    /// Why a body that starts like JSON failed to parse.
    static func syntaxProblem(_ body: Data) -> String {
        if isTruncated(body) {
            return "the JSON ends before the document is complete (\(body.count) bytes): truncated response"
        }
        return "the body is not valid JSON (\(body.count) bytes): \(preview(body))"
    }

    /// Whether a string or an object/array is still open at the end of the body.
    static func isTruncated(_ body: Data) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return inString || depth > 0
    }

    /// The first bytes of the body as one safe line.
    static func preview(_ body: Data) -> String {
        let text = String(decoding: body.prefix(60), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        return "\"" + DisplayText.sanitized(text, maxLength: 60) + (body.count > 60 ? "…" : "") + "\""
    }

    private static func describe(_ contentType: String) -> String {
        contentType.isEmpty ? "no Content-Type" : "Content-Type \(DisplayText.sanitized(contentType, maxLength: 60))"
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
