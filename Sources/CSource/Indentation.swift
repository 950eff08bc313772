/// Kernel-style indentation: display columns with 8-column tabs, and code blocks placed at
/// the indentation of where they land.
public enum Indentation {
    /// The width of a tab stop in the kernel's coding style.
    public static let tabWidth = 8

    /// The display column (0-based) of `offset`, counting from `lineStart`; tabs advance to the
    /// next multiple of 8 and UTF-8 continuation bytes take no column.
    public static func column(of offset: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
        var column = 0
        for byte in bytes[lineStart..<offset] {
            if byte == ASCII.tab {
                column = (column / tabWidth + 1) * tabWidth
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return column
    }

    /// Whitespace reaching `column` as the kernel writes it: a tab for every full 8 columns,
    /// then spaces.
    public static func whitespace(toColumn column: Int) -> [UInt8] {
        [UInt8](repeating: ASCII.tab, count: max(column, 0) / tabWidth)
            + [UInt8](repeating: ASCII.space, count: max(column, 0) % tabWidth)
    }

    /// A code block as whole lines placed at `indentation`.
    ///
    /// The block is written without base indentation; its own relative indentation is kept.
    /// Every non-blank line gets `indentation` in front; blank lines stay empty and trailing
    /// whitespace is dropped, so the result never has trailing whitespace. One final line
    /// break in `code` ends its last line; any further empty lines at the start or end are kept.
    /// Each returned line ends with `\n`.
    public static func block(_ code: String, at indentation: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines(of: code) {
            if !line.isEmpty {
                output.append(contentsOf: indentation)
                output.append(contentsOf: line)
            }
            output.append(ASCII.newline)
        }
        return output
    }

    /// The lines of `text` (split at `\n`, one final line break ignored) without trailing
    /// blanks or carriage returns.
    static func lines(of text: String) -> [ArraySlice<UInt8>] {
        var bytes = Array(text.utf8)
        if bytes.last == ASCII.newline { bytes.removeLast() }
        return bytes.split(separator: ASCII.newline, omittingEmptySubsequences: false).map { line in
            var line = line
            while let last = line.last, ASCII.isBlank(last) { line.removeLast() }
            return line
        }
    }
}
