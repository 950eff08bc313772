/// The header section at the top of a mail: fields (`Name: value`, with any continuation
/// lines that start with a blank), up to the blank line that ends it.
///
/// One scanner for every mail kseries reads, with the two rules that exist in the tools it
/// mirrors: `git mailinfo`'s (patches `git am` applies, saved threads, which `git am` and b4
/// read), and RFC 5322's strict one (mail files `git send-email` sends as they are).
public enum HeaderSection {
    /// What counts as a field line and as the blank line that ends the section.
    public enum Rule: Sendable {
        /// `git mailinfo`: a line holding a colon is a field (whatever precedes the colon); a
        /// line of only blanks ends the section; a line that is neither also ends it, and is
        /// the first line of the body.
        case mailinfo
        /// RFC 5322: a field name is printable ASCII without blanks; only an empty line (LF or
        /// CRLF) ends the section; any other line is an error the caller reports.
        case strict
    }

    /// One field: its name as written and its lines (the first, then continuations), each
    /// with its line ending.
    public struct Field<Line> {
        public var name: String
        public var lines: [Line]
    }

    /// How the section ended.
    public enum End: Equatable, Sendable {
        /// At the blank line with this index: the body starts after it.
        case blankLine(Int)
        /// At this line, which is neither a field nor a continuation (`.mailinfo`: the body's
        /// first line; `.strict`: an error).
        case otherLine(Int)
        /// At this continuation line with no field before it (`.strict` only).
        case orphanContinuation(Int)
        /// The lines ran out: no body.
        case endOfInput
    }

    /// The fields of `lines` from `start`, and where the section ended.
    public static func scan<Lines: RandomAccessCollection>(
        _ lines: Lines, from start: Int = 0, rule: Rule
    ) -> (fields: [Field<Lines.Element>], end: End) where Lines.Index == Int, Lines.Element: Collection<UInt8> {
        var fields: [Field<Lines.Element>] = []
        var index = start
        while index < lines.endIndex {
            let line = lines[index]
            if isBlank(line, rule: rule) { return (fields, .blankLine(index)) }
            if let first = line.first, first == space || first == tab {
                guard !fields.isEmpty else {
                    if rule == .strict { return (fields, .orphanContinuation(index)) }
                    if let name = fieldName(line, rule: rule) {
                        fields.append(Field(name: name, lines: [line]))
                        index += 1
                        continue
                    }
                    return (fields, .otherLine(index))
                }
                fields[fields.count - 1].lines.append(line)
            } else if let name = fieldName(line, rule: rule) {
                fields.append(Field(name: name, lines: [line]))
            } else {
                return (fields, .otherLine(index))
            }
            index += 1
        }
        return (fields, .endOfInput)
    }

    /// The index of the first body line for a scan's end (the line after the blank line; the
    /// other line itself; `endIndex` when the lines ran out).
    public static func bodyStart(after end: End, endIndex: Int) -> Int {
        switch end {
        case .blankLine(let index): index + 1
        case .otherLine(let index), .orphanContinuation(let index): index
        case .endOfInput: endIndex
        }
    }

    /// A field's value, unfolded as RFC 5322 and `git mailinfo` unfold: the first line
    /// without its name, the colon and the blanks after it; every line without its trailing
    /// blanks and line ending; continuation lines joined as they are (their leading blank kept).
    public static func unfoldedValue<Line: Collection<UInt8>>(_ field: Field<Line>) -> [UInt8] {
        var value: [UInt8] = []
        for (position, line) in field.lines.enumerated() {
            var piece = Array(line)
            if position == 0, let colon = piece.firstIndex(of: UInt8(ascii: ":")) {
                var start = colon + 1
                while start < piece.count, piece[start] == space || piece[start] == tab { start += 1 }
                piece.removeSubrange(..<start)
            }
            while let last = piece.last, isTrimmable(last) { piece.removeLast() }
            value += piece
        }
        return value
    }

    private static func fieldName<Line: Collection<UInt8>>(_ line: Line, rule: Rule) -> String? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon]
        switch rule {
        case .mailinfo:
            break
        case .strict:
            guard !name.isEmpty, name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        }
        return String(decoding: name, as: UTF8.self)
    }

    private static func isBlank<Line: Collection<UInt8>>(_ line: Line, rule: Rule) -> Bool {
        switch rule {
        case .mailinfo: line.allSatisfy { $0 == space || $0 == tab || $0 == newline || $0 == carriageReturn }
        case .strict: line.elementsEqual([newline]) || line.elementsEqual([carriageReturn, newline])
        }
    }

    private static func isTrimmable(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == newline || byte == carriageReturn
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
}
