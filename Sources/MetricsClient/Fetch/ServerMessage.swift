import Foundation
import MetricsWire

/// The human message inside an error body: `{"error":{"type","message"}}` (our engine, the Files API),
/// `{"error":"…"}`, `{"message":"…"}` or `{"detail":"…"}`, else the first line of a short text body.
enum ServerMessage {
    static func extract(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        if let object = try? JSONParser.parse(body), object.members != nil {
            if let error = object["error"], error.members != nil {
                if let message = error["message"]?.stringValue { return clean(message) }
                if let type = error["type"]?.stringValue { return clean(type) }
            }
            for key in ["error", "message", "detail"] {
                if let text = object[key]?.stringValue { return clean(text) }
            }
            return nil
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        guard !text.trimmingCharacters(in: .whitespaces).hasPrefix("<") else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? nil : clean(line)
    }

    private static func clean(_ text: String) -> String {
        DisplayText.sanitized(text.trimmingCharacters(in: .whitespacesAndNewlines), maxLength: 200)
    }
}
