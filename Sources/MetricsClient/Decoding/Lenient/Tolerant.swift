/// A value decoded strictly with its own `Decodable`, or the reason it could not be.
///
/// Used for the schema's extensions (`engine`, `upload_metrics`, `lifetime`): they are optional, so a bad
/// one is dropped with an issue instead of failing the document.
struct Tolerant<Value: Decodable & Sendable>: Decodable, Sendable {
    let value: Value?
    let problem: String?

    init(from decoder: any Decoder) throws {
        do {
            value = try Value(from: decoder)
            problem = nil
        } catch let error as DecodingError {
            value = nil
            problem = DecodingProblem.describe(error)
        }
    }
}

/// Short, path-naming descriptions of `DecodingError`s.
enum DecodingProblem {
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \(path(context)).\(key.stringValue)"
        case .typeMismatch(let type, let context):
            return "\(path(context)) is not \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null, expected \(type)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
