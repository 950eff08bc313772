#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C source file as bytes plus its tokens, its comments and a line table.
///
/// This is what `CLexer.lex(_:)` produces and what scopes and anchors are found in.
/// The bytes are kept as they are: kernel files are not guaranteed to be UTF-8, and
/// text is decoded (leniently) only to show it in messages.
public struct LexedSource: Sendable {
    /// The source bytes.
    public internal(set) var bytes: [UInt8]
    /// Every token that is not a comment, in source order.
    public internal(set) var tokens: [CToken]
    /// Byte ranges of the comments (`/* … */` and `// …`), in source order.
    public internal(set) var comments: [Range<Int>]
    /// Byte offset at which each line starts; `lineStarts[0]` is line 1.
    public internal(set) var lineStarts: [Int]

    /// For `replacing`, which knows the line starts already.
    init(bytes: [UInt8], tokens: [CToken], comments: [Range<Int>], lineStarts: [Int]) {
        self.bytes = bytes
        self.tokens = tokens
        self.comments = comments
        self.lineStarts = lineStarts
    }

    init(bytes: [UInt8], tokens: [CToken], comments: [Range<Int>]) {
        self.bytes = bytes
        self.tokens = tokens
        self.comments = comments
        var starts = [0]
        // Kernel sources average 25 to 35 bytes a line.
        starts.reserveCapacity(bytes.count / 24 + 1)
        bytes.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count, let newline = memchr(base + offset, 0x0A, bytes.count - offset) {
                offset = base.distance(to: UnsafeRawPointer(newline)) + 1
                starts.append(offset)
            }
        }
        // A final newline ends the last line; it does not open an empty one.
        if starts.count > 1, starts[starts.count - 1] == bytes.count {
            starts.removeLast()
        }
        self.lineStarts = starts
    }

    /// The number of lines (a file without a final newline still counts its last line).
    public var lineCount: Int { lineStarts.count }

    /// The bytes of a token.
    public func spelling(of token: CToken) -> ArraySlice<UInt8> {
        bytes[token.range]
    }

    /// A token's spelling as text (decoded leniently, for messages).
    public func text(of token: CToken) -> String {
        String(decoding: bytes[token.range], as: UTF8.self)
    }

    /// Whether a token is spelled exactly `spelling` (an ASCII string such as `"("` or `"||"`).
    public func token(_ token: CToken, is spelling: StaticString) -> Bool {
        guard token.range.count == spelling.utf8CodeUnitCount else { return false }
        return spelling.withUTF8Buffer { expected in
            var offset = token.range.lowerBound
            for byte in expected {
                if bytes[offset] != byte { return false }
                offset += 1
            }
            return true
        }
    }

    /// The 1-based line containing a byte offset (an offset at the very end belongs to the last line).
    public func line(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle }
        }
        return low + 1
    }

    /// Byte offset where a 1-based line starts.
    public func startOfLine(_ line: Int) -> Int {
        lineStarts[line - 1]
    }

    /// Byte offset just past a line's content, before its `\n` (or at the end of the file).
    public func endOfLine(_ line: Int) -> Int {
        line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    }

    /// Byte offset where the line after `line` starts, or the end of the file.
    public func startOfNextLine(_ line: Int) -> Int {
        line < lineStarts.count ? lineStarts[line] : bytes.count
    }

    /// The leading spaces and tabs of a line.
    public func indentation(ofLine line: Int) -> ArraySlice<UInt8> {
        let start = startOfLine(line)
        let end = endOfLine(line)
        var offset = start
        while offset < end, bytes[offset] == ASCII.space || bytes[offset] == ASCII.tab {
            offset += 1
        }
        return bytes[start..<offset]
    }

    /// A line's text without surrounding whitespace (decoded leniently, for messages).
    public func trimmedText(ofLine line: Int) -> String {
        var start = startOfLine(line)
        var end = endOfLine(line)
        while start < end, ASCII.isWhitespace(bytes[start]) { start += 1 }
        while end > start, ASCII.isWhitespace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The display column of a byte offset on its line, with tabs every 8 columns.
    public func column(of offset: Int) -> Int {
        Indentation.column(of: offset, lineStart: startOfLine(line(containing: offset)), in: bytes)
    }

    /// Whether a line ends with a backslash, so that the next line continues it.
    public func isContinued(line: Int) -> Bool {
        var end = endOfLine(line)
        let start = startOfLine(line)
        if end > start, bytes[end - 1] == ASCII.carriageReturn { end -= 1 }
        return end > start && bytes[end - 1] == ASCII.backslash
    }

    /// The comment whose bytes strictly surround an offset, if any.
    public func comment(around offset: Int) -> Range<Int>? {
        var low = 0
        var high = comments.count
        while low < high {
            let middle = (low + high) / 2
            if comments[middle].upperBound <= offset { low = middle + 1 } else { high = middle }
        }
        guard low < comments.count else { return nil }
        let candidate = comments[low]
        return candidate.lowerBound < offset && offset < candidate.upperBound ? candidate : nil
    }
}
