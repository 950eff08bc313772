/// Lexing a file again after an edit, only where it changed.
///
/// At the start of a line that does not continue the previous one (no backslash-newline) and
/// lies outside any comment, the lexer is in its initial state: no directive open, nothing
/// pending, a token can start. Tokens never cross such a point. So when an edit replaces whole
/// lines between two such points with lines that end in the same state, the tokens before
/// and after it are the old ones (those after shifted), and only the new lines are lexed.
extension LexedSource {
    /// The lexing of these bytes with `range` replaced by `replacement`, made from this one
    /// and a lexing of `replacement` alone; nil when the change does not begin and end at the
    /// start of a line outside any comment or continued line, or `replacement` is not whole
    /// lines that close their comments (the caller then lexes the whole new file).
    public func replacing(_ range: Range<Int>, with replacement: [UInt8]) -> LexedSource? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count,
            isCleanLineStart(range.lowerBound), isCleanLineStart(range.upperBound)
        else { return nil }
        var newBytes = bytes
        newBytes.replaceSubrange(range, with: replacement)
        return replacing(range, with: replacement, giving: newBytes)
    }

    /// `replacing(_:with:)` for a caller that has the new bytes already (`newBytes` is these
    /// bytes with `range` replaced by `replacement`): the lexing shares them, no copy is made.
    func replacing(_ range: Range<Int>, with replacement: [UInt8], giving newBytes: [UInt8]) -> LexedSource? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count,
            isCleanLineStart(range.lowerBound), isCleanLineStart(range.upperBound)
        else { return nil }
        let inserted = CLexer.lex(replacement)
        if !replacement.isEmpty {
            guard replacement.last == ASCII.newline, inserted.isCleanLineStart(replacement.count) else { return nil }
        }
        for comment in inserted.comments where replacement[comment.lowerBound + 1] == ASCII.star {
            // A block comment the new lines leave open would run on into the old ones.
            guard comment.count >= 4, replacement[comment.upperBound - 2] == ASCII.star,
                replacement[comment.upperBound - 1] == ASCII.slash
            else { return nil }
        }

        let firstLine = range.lowerBound == bytes.count && !bytes.isEmpty ? lineStarts.count + 1 : line(containing: range.lowerBound)
        let byteShift = replacement.count - range.count
        let lineShift = Self.newlines(in: replacement[...]) - Self.newlines(in: bytes[range])
        let prefixEnd = Self.firstIndex(in: tokens) { $0.range.lowerBound >= range.lowerBound }
        let suffixStart = Self.firstIndex(in: tokens) { $0.range.lowerBound >= range.upperBound }
        // Copied with memcpy and shifted in place: element by element (Array.replaceSubrange
        // on a shared buffer) the copies cost as much as lexing.
        let newTokens = Self.spliced(tokens, prefix: prefixEnd, inserted: inserted.tokens, suffix: suffixStart) {
            $0.range = ($0.range.lowerBound + range.lowerBound)..<($0.range.upperBound + range.lowerBound)
            $0.line += firstLine - 1
        } shiftSuffix: {
            $0.range = ($0.range.lowerBound + byteShift)..<($0.range.upperBound + byteShift)
            $0.line += lineShift
        }
        let commentsEnd = Self.firstIndex(in: comments) { $0.lowerBound >= range.lowerBound }
        let commentsStart = Self.firstIndex(in: comments) { $0.lowerBound >= range.upperBound }
        let newComments = Self.spliced(comments, prefix: commentsEnd, inserted: inserted.comments, suffix: commentsStart) {
            $0 = ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound)
        } shiftSuffix: {
            $0 = ($0.lowerBound + byteShift)..<($0.upperBound + byteShift)
        }
        // Line starts likewise: those up to the change, the new lines', the rest shifted.
        let firstStart = Self.firstIndex(in: lineStarts) { $0 > range.lowerBound }
        let restStart = Self.firstIndex(in: lineStarts) { $0 > range.upperBound }
        var newStarts = Array(lineStarts[..<firstStart])
        newStarts.append(range.lowerBound)  // missing above when the change is at the very end
        var offset = 0
        for byte in replacement {
            offset += 1
            if byte == ASCII.newline { newStarts.append(range.lowerBound + offset) }
        }
        let oldRest = lineStarts[restStart...]
        newStarts.reserveCapacity(newStarts.count + oldRest.count)
        for start in oldRest { newStarts.append(start + byteShift) }
        // The change's start may be there twice, and the end of the file is no line start.
        newStarts = Self.deduplicated(newStarts, count: newBytes.count)
        return LexedSource(bytes: newBytes, tokens: newTokens, comments: newComments, lineStarts: newStarts)
    }

    /// Whether `offset` starts a line (or is 0) that does not continue the previous line, and
    /// is not inside a comment.
    func isCleanLineStart(_ offset: Int) -> Bool {
        guard offset > 0 else { return true }
        guard offset <= bytes.count, bytes[offset - 1] == ASCII.newline else { return false }
        var index = offset - 2
        while index >= 0, ASCII.isBlank(bytes[index]) { index -= 1 }
        if index >= 0, bytes[index] == ASCII.backslash { return false }
        let after = Self.firstIndex(in: comments) { $0.lowerBound >= offset }
        return after == 0 || comments[after - 1].upperBound <= offset
    }

    /// `old[..<prefix]`, then `inserted` moved by `shiftInserted`, then `old[suffix...]` moved by
    /// `shiftSuffix`.
    private static func spliced<Element>(
        _ old: [Element], prefix: Int, inserted: [Element], suffix: Int,
        shiftInserted: (inout Element) -> Void, shiftSuffix: (inout Element) -> Void
    ) -> [Element] {
        let rest = old.count - suffix
        let total = prefix + inserted.count + rest
        return [Element](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let out = buffer.baseAddress else { return }
            old.withUnsafeBufferPointer { old in
                inserted.withUnsafeBufferPointer { inserted in
                    if prefix > 0 { out.initialize(from: old.baseAddress!, count: prefix) }
                    if !inserted.isEmpty { (out + prefix).initialize(from: inserted.baseAddress!, count: inserted.count) }
                    if rest > 0 { (out + prefix + inserted.count).initialize(from: old.baseAddress! + suffix, count: rest) }
                }
            }
            for index in prefix..<(prefix + inserted.count) { shiftInserted(&buffer[index]) }
            for index in (prefix + inserted.count)..<total { shiftSuffix(&buffer[index]) }
            initialized = total
        }
    }

    /// Line starts in order without repeats, and without one at `count` (unless the file is empty).
    private static func deduplicated(_ starts: [Int], count: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(starts.count)
        for start in starts where out.last != start && (start < count || out.isEmpty) { out.append(start) }
        return out
    }

    private static func newlines(in bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == ASCII.newline ? 1 : 0) }
    }

    /// The first index whose element satisfies `isAtOrAfter`, which is false and then true
    /// along `elements` (a binary search); `elements.count` when none does.
    private static func firstIndex<Element>(in elements: [Element], where isAtOrAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(elements[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
