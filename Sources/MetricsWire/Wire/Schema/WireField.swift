/// One field of a wire type, declared once: its name on the wire, where it is in the type, and how the
/// lenient reader takes it. The fast writer and the lenient reader walk a type's fields (``WireSchema``);
/// `Codable` is the compiler's, from the same `CodingKeys`; a test checks the three name the same fields.
struct WireField<Root>: Sendable {
    /// The member's name in JSON (`cache_name`).
    let name: String
    /// The stored property's name (`cacheName`), from its key path (for the test that walks every field).
    let property: String
    /// Appends `"name":value` to `out`; nothing for a nil optional, as `JSONEncoder` leaves it out.
    let write: @Sendable (Root, inout JSONOutput) -> Void
    /// Reads the member leniently into `root`: a missing or unusable value is flagged and leaves `root`'s.
    let read: @Sendable (inout Root, FieldReader) -> Void

    /// The field of `key` at `path`, written and read by the given closures (for values with rules of their
    /// own).
    init<Key: CodingKey>(
        _ key: Key,
        _ path: PartialKeyPath<Root> & Sendable,
        write: @escaping @Sendable (Root, inout JSONOutput) -> Void,
        read: @escaping @Sendable (inout Root, FieldReader) -> Void
    ) {
        name = key.stringValue
        property = String(String(describing: path).split(separator: ".").last ?? "")
        self.write = write
        self.read = read
    }
}

extension WireField {
    /// A whole count, required.
    static func count<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Int> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                if let value = fields.count(key) { root[keyPath: path] = value }
            }
        )
    }

    /// A whole count that may be absent.
    static func optionalCount<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Int?> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                root[keyPath: path] = fields.count(key, required: false)
            }
        )
    }

    /// A finite number within `range`, required.
    static func number<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Double> & Sendable,
        range: ClosedRange<Double>
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                if let value = fields.number(key, required: true, range: range) { root[keyPath: path] = value }
            }
        )
    }

    /// A percentage, 0–100, required.
    static func percent<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Double> & Sendable) -> Self {
        number(key, path, range: Plausibility.percentRange)
    }

    /// A latency in milliseconds, required.
    static func latency<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Double> & Sendable) -> Self {
        number(key, path, range: 0...Plausibility.maxLatencyMs)
    }

    /// A finite number within `range` that may be absent.
    static func optionalNumber<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Double?> & Sendable,
        range: ClosedRange<Double>
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                root[keyPath: path] = fields.number(key, required: false, range: range)
            }
        )
    }

    /// `true` or `false`, required.
    static func bool<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Bool> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                if let value = fields.bool(key, required: true) { root[keyPath: path] = value }
            }
        )
    }

    /// `true` or `false` that may be absent.
    static func optionalBool<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, Bool?> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                root[keyPath: path] = fields.bool(key, required: false)
            }
        )
    }

    /// A wire name (`mode`, `state`), required; a name this build does not know is kept as `other`.
    static func name<Key: CodingKey, Value: WireName>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Value> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path].rawValue) },
            read: { root, fields in
                if let name = fields.string(key, required: true) { root[keyPath: path] = Value(rawValue: name) }
            }
        )
    }

    /// A string, required.
    static func string<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, String> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                if let value = fields.string(key, required: true) { root[keyPath: path] = value }
            }
        )
    }

    /// A string that may be absent; with `displayLength`, kept as one line of at most that many characters.
    static func optionalString<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, String?> & Sendable,
        displayLength: Int? = nil
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                let value = fields.string(key, required: false)
                root[keyPath: path] =
                    displayLength.map { length in value.map { DisplayText.singleLine($0, maxLength: length) } } ?? value
            }
        )
    }

    /// A map of names to counts; bad entries are flagged and left out.
    static func counts<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, [String: Int]> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.counts(key) }
        )
    }

    /// A map of names to counts that may be absent.
    static func optionalCounts<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [String: Int]?> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.contains(key) ? fields.counts(key) : nil }
        )
    }

    /// An array of numbers (or whole numbers), read strictly (a bad one is flagged and leaves the blank's).
    static func array<Key: CodingKey, Element: Decodable & Sendable>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [Element]> & Sendable,
        write: @escaping @Sendable (inout JSONOutput, Key, [Element]) -> Void
    ) -> Self {
        Self(
            key,
            path,
            write: { write(&$1, key, $0[keyPath: path]) },
            read: { root, fields in
                if let values = fields.tolerant([Element].self, key) { root[keyPath: path] = values }
            }
        )
    }

    /// A map of names to finite numbers within `range` (rates); read strictly (a bad map is flagged and read
    /// as empty).
    static func numbers<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [String: Double]> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.tolerant([String: Double].self, key) ?? [:] }
        )
    }

    /// An array of strings, read strictly (a bad one is flagged and read as empty).
    static func strings<Key: CodingKey>(_ key: Key, _ path: WritableKeyPath<Root, [String]> & Sendable) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.tolerant([String].self, key) ?? [] }
        )
    }

    /// An array of strings that may be absent, read strictly (a bad one is flagged and dropped).
    static func optionalStrings<Key: CodingKey>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [String]?> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.tolerant([String].self, key) }
        )
    }

    /// An object of another wire type, required, written by its own fields and read strictly (with
    /// `Codable`): a missing or bad one is flagged and leaves the blank's.
    static func object<Key: CodingKey, Value: WireObject & Decodable>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Value> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in
                guard fields.contains(key) else { return fields.flag(key, .missing) }
                if let value = fields.tolerant(Value.self, key) { root[keyPath: path] = value }
            }
        )
    }

    /// A map of names to objects of another wire type, written by their own fields and read strictly (with
    /// `Codable`): a bad map is flagged and read as empty.
    static func objects<Key: CodingKey, Value: WireObject & Decodable>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [String: Value]> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.tolerant([String: Value].self, key) ?? [:] }
        )
    }

    /// An array of objects of another wire type, written by their own fields and read strictly (with
    /// `Codable`): a bad array is flagged and read as empty.
    static func objects<Key: CodingKey, Value: WireObject & Decodable>(
        _ key: Key,
        _ path: WritableKeyPath<Root, [Value]> & Sendable
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = fields.tolerant([Value].self, key) ?? [] }
        )
    }

    /// An object of another wire type that may be absent, written by its own fields and read strictly
    /// (with `Codable`): a bad one is flagged and dropped.
    static func object<Key: CodingKey, Value: WireObject & Decodable>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Value?> & Sendable
    ) -> Self {
        object(key, path) { fields in fields.tolerant(Value.self, key) }
    }

    /// An object of another wire type that may be absent, written by its own fields and read by `read`.
    static func object<Key: CodingKey, Value: WireObject>(
        _ key: Key,
        _ path: WritableKeyPath<Root, Value?> & Sendable,
        read: @escaping @Sendable (FieldReader) -> Value?
    ) -> Self {
        Self(
            key,
            path,
            write: { $1.member(key, $0[keyPath: path]) },
            read: { root, fields in root[keyPath: path] = read(fields) }
        )
    }
}
