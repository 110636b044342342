/// A wire type whose fields are declared once, in ``wire``: the fast writer and the lenient reader are
/// derived from them.
protocol WireObject: Sendable {
    /// The type's fields.
    static var wire: WireSchema<Self> { get }
}

extension WireObject {
    /// Writes the value as a JSON object: its fields by name, as `JSONEncoder` with `.sortedKeys` does.
    func write(to out: inout JSONOutput) {
        out.beginObject()
        for field in Self.wire.sorted { field.write(self, &out) }
        out.endObject()
    }
}

/// The fields of a wire type: in the order they are declared (the order the lenient reader takes them, so a
/// field read from others comes after them) and sorted by name (the order the writer writes them).
struct WireSchema<Root>: Sendable {
    /// The fields as declared.
    let fields: [WireField<Root>]
    /// The fields by name.
    let sorted: [WireField<Root>]

    init(_ fields: [WireField<Root>]) {
        self.fields = fields
        sorted = fields.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// `blank` with each field read leniently from `fields` over it.
    func read(_ fields: FieldReader, over blank: Root) -> Root {
        var value = blank
        for field in self.fields { field.read(&value, fields) }
        return value
    }
}
