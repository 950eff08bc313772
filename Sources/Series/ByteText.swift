// Small byte-level helpers that mirror the C library's "C" locale classification that git
// relies on (`isspace`, `isalnum`, …). Kernel text is bytes, not guaranteed UTF-8.

enum ByteText {
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20

    /// `isspace` in the C locale: space, \t, \n, \v, \f, \r.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isAlnum(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }

    /// `isprint` in the C locale.
    static func isPrint(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F }


    static func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

    /// Decimal representation of a non-negative or negative integer.
    static func decimal(_ value: Int) -> [UInt8] { Array(String(value).utf8) }

    /// `%*d`: right-aligned in `width` columns.
    static func padLeft(_ text: [UInt8], to width: Int) -> [UInt8] {
        text.count >= width ? text : [UInt8](repeating: space, count: width - text.count) + text
    }

    /// `%06o` of a git file mode.
    static func octalMode(_ mode: UInt32) -> [UInt8] {
        padLeft(Array(String(mode, radix: 8).utf8), to: 6).map { $0 == space ? UInt8(ascii: "0") : $0 }
    }

    /// Number of decimal digits, as git's `decimal_width`.
    static func decimalWidth(_ value: Int) -> Int {
        var width = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            width += 1
        }
        return width
    }

    /// Splits after each `\n`; the last piece has no newline when the text does not end with one.
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        for index in text.indices where text[index] == newline {
            result.append(text[start...index])
            start = index + 1
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result
    }

    /// Drops trailing C-locale whitespace, as git's `is_blank_line` does to every line it reads.
    static func trimmingTrailingSpace<C: BidirectionalCollection>(_ line: C) -> C.SubSequence where C.Element == UInt8 {
        var end = line.endIndex
        while end > line.startIndex, isSpace(line[line.index(before: end)]) {
            end = line.index(before: end)
        }
        return line[line.startIndex..<end]
    }
}
