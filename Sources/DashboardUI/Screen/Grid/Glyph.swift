/// The grapheme of one cell, stored inline as up to five Unicode scalars so that cells are plain values:
/// no reference counting when a frame is built, copied or compared.
///
/// Five is what a curses cell holds (`CCHARW_MAX`). A longer cluster (a long emoji ZWJ sequence) keeps
/// only its first scalar, which curses could not show otherwise either.
struct Glyph: Sendable, Hashable {
    /// How many scalars are stored, 1–5.
    let count: UInt8
    private let s0: UInt32
    private let s1: UInt32
    private let s2: UInt32
    private let s3: UInt32
    private let s4: UInt32

    /// A space.
    static let space = Glyph(ascii: 0x20)

    /// A glyph of one ASCII character; `byte` must be below 0x80.
    init(ascii byte: UInt8) {
        self.init(value: UInt32(byte))
    }

    /// A glyph of one scalar.
    init(scalar: Unicode.Scalar) {
        self.init(value: scalar.value)
    }

    private init(value: UInt32) {
        count = 1
        s0 = value
        s1 = 0
        s2 = 0
        s3 = 0
        s4 = 0
    }

    /// The glyph of `character`.
    init(_ character: Character) {
        let scalars = character.unicodeScalars
        var values: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0)
        var stored: UInt8 = 0
        for scalar in scalars {
            guard stored < 5 else {
                stored = 1
                values = (values.0, 0, 0, 0, 0)
                break
            }
            switch stored {
            case 0: values.0 = scalar.value
            case 1: values.1 = scalar.value
            case 2: values.2 = scalar.value
            case 3: values.3 = scalar.value
            default: values.4 = scalar.value
            }
            stored += 1
        }
        count = max(stored, 1)
        (s0, s1, s2, s3, s4) = values
    }

    /// The scalar at `index` (0 ..< `count`).
    subscript(index: Int) -> Unicode.Scalar {
        let value: UInt32
        switch index {
        case 0: value = s0
        case 1: value = s1
        case 2: value = s2
        case 3: value = s3
        default: value = s4
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// The glyph as a `Character`.
    var character: Character {
        if count == 1 { return Character(self[0]) }
        var text = String.UnicodeScalarView()
        for index in 0..<Int(count) { text.append(self[index]) }
        return Character(String(text))
    }
}
