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
        var lexed = self
        return lexed.replace(range, with: replacement, giving: newBytes) ? lexed : nil
    }

    /// `replacing(_:with:)` in place, for a caller that has the new bytes already (`newBytes`
    /// is these bytes with `range` replaced by `replacement`): the lexing takes them as they
    /// are, and its tables are changed where they lie when nothing else holds them (an editor
    /// moving from edit to edit allocates nothing new for a file of tens of thousands of
    /// tokens). False, and nothing changed, where `replacing` gives nil.
    mutating func replace(_ range: Range<Int>, with replacement: [UInt8], giving newBytes: [UInt8]) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count,
            isCleanLineStart(range.lowerBound), isCleanLineStart(range.upperBound)
        else { return false }
        let inserted = CLexer.lex(replacement)
        if !replacement.isEmpty {
            guard replacement.last == ASCII.newline, inserted.isCleanLineStart(replacement.count) else { return false }
        }
        for comment in inserted.comments where replacement[comment.lowerBound + 1] == ASCII.star {
            // A block comment the new lines leave open would run on into the old ones.
            guard comment.count >= 4, replacement[comment.upperBound - 2] == ASCII.star,
                replacement[comment.upperBound - 1] == ASCII.slash
            else { return false }
        }

        let firstLine = range.lowerBound == bytes.count && !bytes.isEmpty ? lineStarts.count + 1 : line(containing: range.lowerBound)
        let byteShift = replacement.count - range.count
        let lineShift = Self.newlines(in: replacement[...]) - Self.newlines(in: bytes[range])
        let prefixEnd = Self.firstIndex(in: tokens) { $0.range.lowerBound >= range.lowerBound }
        let suffixStart = Self.firstIndex(in: tokens) { $0.range.lowerBound >= range.upperBound }
        Self.splice(&tokens, prefix: prefixEnd, inserted: inserted.tokens, suffix: suffixStart) {
            $0.range = ($0.range.lowerBound + range.lowerBound)..<($0.range.upperBound + range.lowerBound)
            $0.line += firstLine - 1
        } shiftSuffix: {
            $0.range = ($0.range.lowerBound + byteShift)..<($0.range.upperBound + byteShift)
            $0.line += lineShift
        }
        let commentsEnd = Self.firstIndex(in: comments) { $0.lowerBound >= range.lowerBound }
        let commentsStart = Self.firstIndex(in: comments) { $0.lowerBound >= range.upperBound }
        Self.splice(&comments, prefix: commentsEnd, inserted: inserted.comments, suffix: commentsStart) {
            $0 = ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound)
        } shiftSuffix: {
            $0 = ($0.lowerBound + byteShift)..<($0.upperBound + byteShift)
        }
        // Line starts likewise: those up to the change, the new lines', the rest shifted.
        let firstStart = Self.firstIndex(in: lineStarts) { $0 > range.lowerBound }
        let restStart = Self.firstIndex(in: lineStarts) { $0 > range.upperBound }
        var newStarts = [range.lowerBound]  // missing before when the change is at the very end
        var offset = 0
        for byte in replacement {
            offset += 1
            if byte == ASCII.newline { newStarts.append(range.lowerBound + offset) }
        }
        Self.splice(&lineStarts, prefix: firstStart, inserted: newStarts, suffix: restStart) { _ in } shiftSuffix: {
            $0 += byteShift
        }
        // The change's start may be there twice, and the end of the file is no line start.
        Self.deduplicate(&lineStarts, count: newBytes.count)
        bytes = newBytes
        return true
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

    /// Makes `elements` `elements[..<prefix]`, then `inserted` moved by `shiftInserted`, then
    /// what was `elements[suffix...]` moved by `shiftSuffix`: where the array lies when it is
    /// held only here and has the room (it is copied once otherwise), the tail moved with
    /// memmove, not element by element.
    private static func splice<Element>(
        _ elements: inout [Element], prefix: Int, inserted: [Element], suffix: Int,
        shiftInserted: (inout Element) -> Void, shiftSuffix: (inout Element) -> Void
    ) {
        assert(_isPOD(Element.self), "splice moves plain values only")
        let oldCount = elements.count
        let rest = oldCount - suffix
        let growth = inserted.count - (suffix - prefix)
        if growth > 0 { elements.append(contentsOf: repeatElement(inserted[0], count: growth)) }
        elements.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Elements are plain values (tokens, ranges, offsets): moving them over others needs
            // no clean-up, and moveInitialize copies overlapping ranges in the right direction.
            if rest > 0, growth != 0 { (base + prefix + inserted.count).moveInitialize(from: base + suffix, count: rest) }
            inserted.withUnsafeBufferPointer { inserted in
                if let source = inserted.baseAddress { (base + prefix).update(from: source, count: inserted.count) }
            }
            for index in prefix..<(prefix + inserted.count) { shiftInserted(&buffer[index]) }
            for index in (prefix + inserted.count)..<(prefix + inserted.count + rest) { shiftSuffix(&buffer[index]) }
        }
        if growth < 0 { elements.removeLast(-growth) }
    }

    /// Leaves line starts in order without repeats, and without one at `count` (unless the
    /// file is empty).
    private static func deduplicate(_ starts: inout [Int], count: Int) {
        var kept = 0
        starts.withUnsafeMutableBufferPointer { starts in
            for index in starts.indices {
                let start = starts[index]
                if (kept == 0 || starts[kept - 1] != start) && (start < count || kept == 0) {
                    starts[kept] = start
                    kept += 1
                }
            }
        }
        starts.removeLast(starts.count - kept)
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
