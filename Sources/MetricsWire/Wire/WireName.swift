/// A closed set of names on the wire that a newer engine may extend: a name this build does not know
/// decodes as `other(name)` with the name kept, so an older dashboard shows it instead of refusing the
/// document, and encodes back unchanged.
public protocol WireName: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Every name this build knows.
    static var known: [Self] { get }
    /// A name this build does not know.
    static func other(_ name: String) -> Self
    /// The name as it is written on the wire.
    var rawValue: String { get }
}

extension WireName {
    /// The value of a wire name; an unknown name is `other(name)`.
    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    /// Decodes a wire name; never fails on an unknown one.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The wire name.
    public var description: String { rawValue }
}
