extension JSONOutput {
    /// `"key":{…}` of counts by name, names sorted; nothing for nil.
    mutating func member(_ key: some CodingKey, _ map: [String: Int]?) {
        guard let map else { return }
        member(key)
        beginObject()
        for name in map.keys.sorted() { member(name, map[name]) }
        endObject()
    }

    /// `"key":{…}` of numbers by name, names sorted; nothing for nil.
    mutating func member(_ key: some CodingKey, _ map: [String: Double]?) {
        guard let map else { return }
        member(key)
        beginObject()
        for name in map.keys.sorted() { member(name, map[name]) }
        endObject()
    }

    /// `"key":[…]` of strings; nothing for nil.
    mutating func member(_ key: some CodingKey, _ strings: [String]?) {
        guard let strings else { return }
        member(key)
        beginArray()
        for text in strings {
            element()
            string(text)
        }
        endArray()
    }

    /// `"key":[…]` of whole numbers.
    mutating func member(_ key: some CodingKey, _ values: [Int]) {
        member(key)
        beginArray()
        for value in values { element(value) }
        endArray()
    }

    /// `"key":[…]` of numbers.
    mutating func member(_ key: some CodingKey, _ values: [Double]) {
        member(key)
        beginArray()
        for value in values { element(value) }
        endArray()
    }

    /// `"key":{…}` of a wire object; nothing for nil.
    mutating func member(_ key: some CodingKey, _ value: (some WireObject)?) {
        guard let value else { return }
        member(key)
        value.write(to: &self)
    }

    /// `"key":[…]` of wire objects.
    mutating func member<Value: WireObject>(_ key: some CodingKey, _ values: [Value]) {
        member(key)
        beginArray()
        for value in values {
            element()
            value.write(to: &self)
        }
        endArray()
    }

    /// `"key":{…}` of wire objects by name, names sorted.
    mutating func member<Value: WireObject>(_ key: some CodingKey, _ values: [String: Value]) {
        member(key)
        beginObject()
        for name in values.keys.sorted() {
            member(name)
            values[name]?.write(to: &self)
        }
        endObject()
    }
}
