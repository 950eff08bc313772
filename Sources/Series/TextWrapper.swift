import MailFormat

/// Word wrapping exactly as git's `strbuf_add_wrapped_text` does it: used for the folded
/// `Subject:` and `From:` headers and for the shortlog of the cover letter.
enum TextWrapper {
    /// Appends `text` wrapped at `width` columns to `output`.
    ///
    /// - Parameters:
    ///   - firstIndent: indent of the first line; when negative, that many columns are taken
    ///     as already used on the current line and no indent is written.
    ///   - indent: indent of every following line.
    static func append(_ text: [UInt8], to output: inout [UInt8], firstIndent: Int, indent: Int, width: Int) {
        if width <= 0 {
            appendIndented(text, to: &output, firstIndent: firstIndent, indent: indent)
            return
        }
        let originalCount = output.count
        if !wrap(text, to: &output, firstIndent: firstIndent, indent: indent, width: width, assumeUTF8: true) {
            output.removeSubrange(originalCount...)
            _ = wrap(text, to: &output, firstIndent: firstIndent, indent: indent, width: width, assumeUTF8: false)
        }
    }

    /// One pass of git's loop; false when the text turned out not to be UTF-8.
    private static func wrap(
        _ text: [UInt8], to output: inout [UInt8], firstIndent: Int, indent secondIndent: Int, width: Int,
        assumeUTF8: Bool
    ) -> Bool {
        // git works on a NUL-terminated string: a NUL byte ends the text.
        let end = text.firstIndex(of: 0) ?? text.count
        func byte(_ index: Int) -> UInt8 { index < end ? text[index] : 0 }

        var position = 0
        var lineStart = 0
        var columns = firstIndent
        var indent = firstIndent
        var space: Int?
        if indent < 0 {
            columns = -indent
            space = 0
        }
        while true {
            while let skip = escapeSequenceLength(text, at: position, end: end) { position += skip }
            let c = byte(position)
            if c == 0 || ByteText.isSpace(c) {
                if columns <= width || space == nil {
                    var start = lineStart
                    if c == 0 && position == start { return true }
                    if let space {
                        start = space
                    } else {
                        output.append(contentsOf: repeatElement(ByteText.space, count: max(indent, 0)))
                    }
                    output.append(contentsOf: text[start..<position])
                    if c == 0 { return true }
                    space = position
                    var breakLine = false
                    if c == UInt8(ascii: "\t") {
                        columns |= 0x07
                    } else if c == ByteText.newline {
                        let next = position + 1
                        space = next
                        if byte(next) == ByteText.newline {
                            output.append(ByteText.newline)
                            breakLine = true
                        } else if !ByteText.isAlnum(byte(next)) {
                            breakLine = true
                        } else {
                            output.append(ByteText.space)
                        }
                    }
                    if !breakLine {
                        columns += 1
                        position += 1
                        continue
                    }
                }
                // new_line:
                output.append(ByteText.newline)
                let breakAt = space ?? position
                position = breakAt + (ByteText.isSpace(byte(breakAt)) ? 1 : 0)
                lineStart = position
                space = nil
                columns = secondIndent
                indent = secondIndent
                continue
            }
            if assumeUTF8 {
                guard let (scalar, length) = UTF8Sequence.decode(text, at: position, end: end) else { return false }
                columns += TextWidth.columns(of: scalar)
                position += length
            } else {
                columns += 1
                position += 1
            }
        }
    }

    /// `display_mode_esc_sequence_len`: length of an ANSI `ESC [ … m` sequence at `index`.
    private static func escapeSequenceLength(_ text: [UInt8], at index: Int, end: Int) -> Int? {
        guard index + 1 < end, text[index] == 0x1B, text[index + 1] == UInt8(ascii: "[") else { return nil }
        var cursor = index + 2
        while cursor < end, ByteText.isDigit(text[cursor]) || text[cursor] == UInt8(ascii: ";") {
            cursor += 1
        }
        guard cursor < end, text[cursor] == UInt8(ascii: "m") else { return nil }
        return cursor - index + 1
    }

    private static func appendIndented(_ text: [UInt8], to output: inout [UInt8], firstIndent: Int, indent: Int) {
        var currentIndent = max(firstIndent, 0)
        for line in ByteText.lines(text) {
            output.append(contentsOf: repeatElement(ByteText.space, count: currentIndent))
            output.append(contentsOf: line)
            currentIndent = indent
        }
    }
}
