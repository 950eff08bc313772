/// A piece of C text that locates an edit inside a scope, matched on tokens.
///
/// The anchor is lexed with `CLexer`, so whitespace, line breaks and comments in either the
/// anchor or the file do not matter: `int cpu = get_cpu();` matches `int  cpu=get_cpu() ;`.
/// It matches a contiguous run of the scope's tokens with the same spellings, and an edit
/// needs it to match exactly once.
public struct Anchor: Sendable {
    /// The anchor as written in the template.
    public let text: String
    /// The anchor's tokens.
    public let lexed: LexedSource

    /// Lexes `text` as an anchor.
    public init(_ text: String) {
        self.text = text
        self.lexed = CLexer.lex(text)
    }

    /// Whether the anchor has no tokens (it is blank or only comments).
    public var isEmpty: Bool { lexed.tokens.isEmpty }

    /// Every match among `source.tokens[tokens]`, as token index ranges, in source order.
    /// Matches may overlap (`a a` in `a a a` matches twice).
    public func matches(in source: LexedSource, within tokens: Range<Int>) -> [Range<Int>] {
        let pattern = lexed.tokens
        guard !pattern.isEmpty, tokens.count >= pattern.count else { return [] }
        let candidates = source.tokens
        var found: [Range<Int>] = []
        source.bytes.withUnsafeBufferPointer { text in
            lexed.bytes.withUnsafeBufferPointer { anchor in
                func same(_ token: CToken, _ expected: CToken) -> Bool {
                    guard token.range.count == expected.range.count else { return false }
                    var offset = expected.range.lowerBound
                    for byte in text[token.range] {
                        if byte != anchor[offset] { return false }
                        offset += 1
                    }
                    return true
                }
                for start in tokens.lowerBound...(tokens.upperBound - pattern.count) {
                    var matched = true
                    for (step, expected) in pattern.enumerated() where !same(candidates[start + step], expected) {
                        matched = false
                        break
                    }
                    if matched { found.append(start..<(start + pattern.count)) }
                }
            }
        }
        return found
    }

    /// The one match of the anchor in the body of `definition`.
    ///
    /// - Throws: `AnchorError` when the anchor is empty, matches nothing (with the nearest
    ///   lines) or matches several times (with every match's line).
    public func locate(in source: LexedSource, definition: ScopeDefinition, path: String, occurrence: Int? = nil)
        throws(AnchorError) -> Range<Int>
    {
        func failure(_ kind: AnchorError.Kind) -> AnchorError {
            AnchorError(kind, path: path, scope: definition.scope, occurrence: occurrence, anchor: text)
        }
        guard !isEmpty else { throw failure(.emptyAnchor) }
        let found = matches(in: source, within: definition.bodyTokens)
        switch found.count {
        case 1: return found[0]
        case 0: throw failure(.anchorNotFound(nearest: nearestLines(in: source, within: definition.bodyTokens)))
        default: throw failure(.anchorAmbiguous(lines: found.map { source.tokens[$0.lowerBound].line }))
        }
    }

    /// Up to `limit` lines of the scope that share the most distinctive words (identifiers,
    /// numbers, literals) with the anchor, best first. A word that appears on many lines of
    /// the scope (`int`, `return`) weighs less than a rare one (`get_cpu`).
    public func nearestLines(in source: LexedSource, within tokens: Range<Int>, limit: Int = 5) -> [SourceLine] {
        let words = Set(
            lexed.tokens.filter { $0.kind != .punctuator && $0.kind != .other }.map { lexed.spelling(of: $0) })
        guard !words.isEmpty else { return [] }
        var wordsByLine: [Int: Set<ArraySlice<UInt8>>] = [:]
        for index in tokens {
            let token = source.tokens[index]
            let spelling = source.spelling(of: token)
            if words.contains(spelling) { wordsByLine[token.line, default: []].insert(spelling) }
        }
        var linesPerWord: [ArraySlice<UInt8>: Int] = [:]
        for lineWords in wordsByLine.values {
            for word in lineWords { linesPerWord[word, default: 0] += 1 }
        }
        let scored = wordsByLine.map { line, lineWords in
            (line: line, score: lineWords.reduce(0.0) { $0 + 1.0 / Double(linesPerWord[$1] ?? 1) })
        }
        guard let best = scored.map(\.score).max() else { return [] }
        return
            scored
            .filter { $0.score >= best / 2 }
            .sorted { ($1.score, $0.line) < ($0.score, $1.line) }
            .prefix(limit)
            .map { SourceLine(number: $0.line, text: source.trimmedText(ofLine: $0.line)) }
    }
}
