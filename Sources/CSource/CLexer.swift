/// Scans C source into preprocessing tokens.
///
/// The lexer works on bytes and accepts anything: arbitrary bytes, unterminated comments
/// and literals, and unbalanced brackets all produce some tokens and never a crash or a hang.
/// Comments are skipped but their ranges are recorded; a backslash-newline is whitespace;
/// a `#` that is the first token on its logical line starts a directive, whose tokens run to
/// the end of that logical line and are flagged `inDirective`.
public enum CLexer {
    /// Tokenizes `bytes`.
    public static func lex(_ bytes: [UInt8]) -> LexedSource {
        var scanner = Scanner()
        scanner.tokens.reserveCapacity(bytes.count / 5)
        ASCII.classes.withUnsafeBufferPointer { classes in
            bytes.withUnsafeBufferPointer { scanner.run($0, classes: classes) }
        }
        return LexedSource(bytes: bytes, tokens: scanner.tokens, comments: scanner.comments)
    }

    /// Tokenizes UTF-8 text, such as an anchor written in a template.
    public static func lex(_ text: String) -> LexedSource {
        lex(Array(text.utf8))
    }
}

/// The scanning state: where the current line began and whether a directive is open.
private struct Scanner {
    var tokens: [CToken] = []
    var comments: [Range<Int>] = []
    var line = 1
    /// No token has been seen yet on the current logical line.
    var atLineStart = true
    var inDirective = false

    /// `ASCII.classes`, while `run` runs.
    var classes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    // The loops below compare bytes with literals and look classes up in a table rather than
    // calling the `ASCII` helpers: the lexer reads tens of megabytes in the oracle test, and in
    // debug builds every call and every global access costs.

    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>) {
        self.classes = classes
        defer { self.classes = UnsafeBufferPointer(start: nil, count: 0) }
        let count = bytes.count
        let blank = ASCII.blankClass
        var offset = 0
        while offset < count {
            let byte = bytes[offset]
            if byte == 0x0A {  // \n
                line += 1
                offset += 1
                atLineStart = true
                inDirective = false
                continue
            }
            if classes[Int(byte)] & blank != 0 {
                offset += 1
                continue
            }
            if byte == 0x5C, let next = Self.continuationEnd(bytes, at: offset) {  // \\
                line += 1
                offset = next
                continue
            }
            if byte == 0x2F, offset + 1 < count {  // /
                if bytes[offset + 1] == 0x2A {  // /*
                    offset = blockComment(bytes, from: offset)
                    continue
                }
                if bytes[offset + 1] == 0x2F {  // //
                    offset = lineComment(bytes, from: offset)
                    continue
                }
            }
            offset = token(bytes, from: offset)
            atLineStart = false
        }
    }

    /// Scans one token starting at `start` and returns the offset after it.
    private mutating func token(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let byte = bytes[start]
        let startLine = line
        let kind: CToken.Kind
        var end: Int
        var startsDirective = false

        if classes[Int(byte)] & ASCII.identifierStartClass != 0 {
            end = start + 1
            let count = bytes.count
            let continues = ASCII.identifierContinueClass
            while end < count, classes[Int(bytes[end])] & continues != 0 { end += 1 }
            if end < bytes.count, Self.isLiteralPrefix(bytes, start..<end),
                bytes[end] == ASCII.doubleQuote || bytes[end] == ASCII.singleQuote
            {
                kind = bytes[end] == ASCII.doubleQuote ? .string : .character
                end = literal(bytes, quoteAt: end)
            } else {
                kind = .identifier
            }
        } else if ASCII.isDigit(byte)
            || (byte == ASCII.dot && start + 1 < bytes.count && ASCII.isDigit(bytes[start + 1]))
        {
            kind = .number
            end = Self.numberEnd(bytes, from: start)
        } else if byte == ASCII.doubleQuote || byte == ASCII.singleQuote {
            kind = byte == ASCII.doubleQuote ? .string : .character
            end = literal(bytes, quoteAt: start)
        } else if let length = Self.punctuatorLength(bytes, at: start) {
            kind = .punctuator
            end = start + length
            if length == 1, byte == ASCII.hash, atLineStart, !inDirective {
                inDirective = true
                startsDirective = true
            }
        } else {
            kind = .other
            end = start + 1
        }
        tokens.append(
            CToken(
                kind: kind, range: start..<end, line: startLine,
                inDirective: inDirective, startsDirective: startsDirective))
        return end
    }

    /// Skips a `/* … */` comment (to the end of input if unterminated) and records it.
    private mutating func blockComment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var offset = start + 2
        let count = bytes.count
        var end = count
        while offset < count {
            let byte = bytes[offset]
            if byte == 0x2A, offset + 1 < count, bytes[offset + 1] == 0x2F {  // */
                end = offset + 2
                break
            }
            if byte == 0x0A { line += 1 }
            offset += 1
        }
        comments.append(start..<end)
        return end
    }

    /// Skips a `// …` comment up to (not including) its newline; a backslash-newline continues it.
    private mutating func lineComment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var offset = start + 2
        let count = bytes.count
        while offset < count, bytes[offset] != 0x0A {
            if bytes[offset] == 0x5C, let next = Self.continuationEnd(bytes, at: offset) {
                line += 1
                offset = next
            } else {
                offset += 1
            }
        }
        comments.append(start..<offset)
        return offset
    }

    /// Scans a string or character literal whose opening quote is at `quote`. An unterminated
    /// literal stops before the end of its line, so that one stray quote cannot swallow a file.
    private mutating func literal(_ bytes: UnsafeBufferPointer<UInt8>, quoteAt quote: Int) -> Int {
        let closing = bytes[quote]
        var offset = quote + 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == closing { return offset + 1 }
            if byte == ASCII.newline { return offset }
            if byte == ASCII.backslash {
                if let next = Self.continuationEnd(bytes, at: offset) {
                    line += 1
                    offset = next
                    continue
                }
                offset += 1
                if offset < bytes.count, bytes[offset] == ASCII.newline { return offset }
            }
            offset += 1
        }
        return min(offset, bytes.count)
    }

    /// If a backslash at `offset` is followed by (optional blanks and) a newline, the offset after
    /// that newline. GCC also splices when blanks separate the backslash from the newline.
    static func continuationEnd(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int? {
        var next = offset + 1
        while next < bytes.count, ASCII.isBlank(bytes[next]) { next += 1 }
        guard next < bytes.count, bytes[next] == ASCII.newline else { return nil }
        return next + 1
    }

    /// Whether an identifier is an encoding prefix of a literal: `L`, `u`, `U` or `u8`.
    static func isLiteralPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let first = bytes[range.lowerBound]
        switch range.count {
        case 1: return first == UInt8(ascii: "L") || first == UInt8(ascii: "u") || first == UInt8(ascii: "U")
        case 2: return first == UInt8(ascii: "u") && bytes[range.lowerBound + 1] == UInt8(ascii: "8")
        default: return false
        }
    }

    /// The end of a pp-number: digits, letters, `_`, `.`, and a sign after `e`, `E`, `p` or `P`.
    static func numberEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var offset = start + 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte | 0x20 == UInt8(ascii: "e") || byte | 0x20 == UInt8(ascii: "p"),
                offset + 1 < bytes.count,
                bytes[offset + 1] == ASCII.plus || bytes[offset + 1] == ASCII.minus
            {
                offset += 2
            } else if ASCII.isIdentifierContinue(byte) || byte == ASCII.dot {
                offset += 1
            } else {
                break
            }
        }
        return offset
    }

    /// The length of the longest punctuator at `offset`, or nil if the byte starts none.
    static func punctuatorLength(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int? {
        let first = bytes[offset]
        let second: UInt8 = offset + 1 < bytes.count ? bytes[offset + 1] : 0
        let third: UInt8 = offset + 2 < bytes.count ? bytes[offset + 2] : 0
        switch first {
        case UInt8(ascii: "<"), UInt8(ascii: ">"):
            if second == first { return third == UInt8(ascii: "=") ? 3 : 2 }
            return second == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "."):
            return second == ASCII.dot && third == ASCII.dot ? 3 : 1
        case UInt8(ascii: "-"):
            return second == UInt8(ascii: ">") || second == ASCII.minus || second == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "+"), UInt8(ascii: "&"), UInt8(ascii: "|"):
            return second == first || second == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "/"),
            UInt8(ascii: "%"), UInt8(ascii: "^"):
            return second == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "#"):
            return second == ASCII.hash ? 2 : 1
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "?"),
            UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: ","):
            return 1
        default:
            return nil
        }
    }
}
