extension ScreenGrid {
    /// Each row as plain text without trailing spaces; a wide character stands for both its columns.
    var lines: [String] {
        (0..<height).map { row in
            var line = ""
            line.reserveCapacity(width)
            for x in 0..<width {
                let cell = cells[row * width + x]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The grid as plain text, one line per row: what `dashboard snapshot` prints and golden files hold.
    var plainText: String {
        lines.joined(separator: "\n") + "\n"
    }

    /// A compact map of the grid's colours and attributes, for golden files.
    ///
    /// One line per row with one letter per column naming the cell's style (`.` for plain text, trailing
    /// plain cells dropped), followed by a legend of the letters in order of first use.
    var styleMap: String {
        var letters: [Style: Character] = [.plain: "."]
        var legend: [String] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rows: [String] = []
        for row in 0..<height {
            var line = ""
            for x in 0..<width {
                let style = cells[row * width + x].style
                if let letter = letters[style] {
                    line.append(letter)
                } else {
                    let letter = legend.count < alphabet.count ? alphabet[legend.count] : "?"
                    letters[style] = letter
                    legend.append("\(letter) \(Self.describe(style))")
                    line.append(letter)
                }
            }
            while line.last == "." { line.removeLast() }
            rows.append(line)
        }
        return (rows + ["", "legend:"] + legend).joined(separator: "\n") + "\n"
    }

    private static func describe(_ style: Style) -> String {
        var parts: [String] = []
        if style.foreground != .default { parts.append("fg=\(style.foreground)") }
        if style.background != .default { parts.append("bg=\(style.background)") }
        let names: [(CellAttributes, String)] = [
            (.bold, "bold"), (.dim, "dim"), (.reverse, "reverse"), (.underline, "underline"),
        ]
        for (attribute, name) in names where style.attributes.contains(attribute) { parts.append(name) }
        return parts.joined(separator: " ")
    }
}
