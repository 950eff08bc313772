/// A piece of C text that locates an edit inside a scope, matched on tokens.
///
/// The anchor is lexed with `CLexer`, so whitespace, line breaks and comments in either the
/// anchor or the file do not matter: `int cpu = get_cpu();` matches `int  cpu=get_cpu() ;`, and
/// a comment holding the anchor's text never matches. It matches a contiguous run of the
/// scope's tokens with the same spellings, and an edit needs it to match exactly once.
///
/// Two wildcards stand for code that may change between kernel versions. They start with `$`,
/// which no C identifier has (it is a GCC extension the kernel never uses), so they cannot
/// collide with the code they match:
///
/// - `$id` matches one identifier (or keyword): `int $id = get_cpu();` matches
///   `int cpu = get_cpu();` whatever the variable is called.
/// - `$expr` matches a non-empty balanced expression: at least one token, brackets balanced,
///   and no `;`, `,`, `{` or `}` outside nested brackets. `if ($expr)` matches any `if`
///   condition, `rcu_pending($expr)` a call with one argument. It takes the fewest tokens that
///   let the rest of the anchor match, so it needs a token of the anchor on each side: an anchor
///   cannot start or end with `$expr`.
public struct Anchor: Sendable {
    /// The wildcard for one identifier.
    public static let identifierWildcard = "$id"
    /// The wildcard for a balanced expression.
    public static let expressionWildcard = "$expr"

    /// One element of the pattern.
    enum Element: Sendable {
        /// A token to match by spelling (an index into `lexed.tokens`).
        case token(Int)
        /// `$id`.
        case identifier
        /// `$expr`.
        case expression
    }

    /// The anchor as written in the template.
    public let text: String
    /// The anchor's tokens.
    public let lexed: LexedSource
    /// The pattern.
    let elements: [Element]
    /// Why the anchor cannot be used, when a wildcard is misplaced or unknown.
    let problem: String?

    /// Lexes `text` as an anchor.
    public init(_ text: String) {
        self.text = text
        self.lexed = CLexer.lex(text)
        var elements: [Element] = []
        var problem: String?
        for (index, token) in lexed.tokens.enumerated() {
            let spelling = lexed.text(of: token)
            if token.kind == .identifier, spelling.hasPrefix("$") {
                switch spelling {
                case Self.identifierWildcard: elements.append(.identifier)
                case Self.expressionWildcard: elements.append(.expression)
                default:
                    problem =
                        problem
                        ?? "unknown wildcard `\(spelling)`; the wildcards are `\(Self.identifierWildcard)` and `\(Self.expressionWildcard)`"
                }
            } else {
                elements.append(.token(index))
            }
        }
        if problem == nil {
            for (index, element) in elements.enumerated() {
                guard case .expression = element else { continue }
                if index == 0 || index == elements.count - 1 {
                    problem = "`\(Self.expressionWildcard)` needs a token of the anchor on each side"
                } else if case .expression = elements[index + 1] {
                    problem = "two `\(Self.expressionWildcard)` in a row cannot be told apart"
                }
            }
        }
        self.elements = elements
        self.problem = problem
    }

    /// Whether the anchor has no tokens (it is blank or only comments).
    public var isEmpty: Bool { lexed.tokens.isEmpty }

    /// Every match among `source.tokens[tokens]`, as token index ranges, in source order; for
    /// each start, the shortest match. Matches may overlap (`a a` in `a a a` matches twice).
    public func matches(in source: LexedSource, within tokens: Range<Int>) -> [Range<Int>] {
        guard !elements.isEmpty, problem == nil, tokens.count >= minimumLength else { return [] }
        var found: [Range<Int>] = []
        source.bytes.withUnsafeBufferPointer { text in
            lexed.bytes.withUnsafeBufferPointer { anchor in
                let matcher = Matcher(
                    elements: elements, pattern: lexed.tokens, anchor: anchor, candidates: source.tokens, text: text,
                    limit: tokens.upperBound)
                var failed = Set<Int>()
                for start in tokens.lowerBound...(tokens.upperBound - minimumLength) {
                    if let end = matcher.match(element: 0, at: start, failed: &failed) { found.append(start..<end) }
                }
            }
        }
        return found
    }

    /// The fewest tokens a match can have.
    private var minimumLength: Int { elements.count }

    /// The one match of the anchor in the body of `definition`.
    ///
    /// - Throws: `AnchorError` when the anchor is empty or misuses a wildcard, matches nothing
    ///   (with the nearest lines) or matches several times (with every match's line and text).
    public func locate(
        in source: LexedSource, definition: ScopeDefinition, path: String, occurrence: Int? = nil,
        condition: String? = nil
    ) throws(AnchorError) -> Range<Int> {
        func failure(_ kind: AnchorError.Kind, _ candidates: [SourceLine] = []) -> AnchorError {
            AnchorError(
                kind, path: path, scope: definition.scope, occurrence: occurrence, condition: condition, anchor: text,
                candidates: candidates)
        }
        guard !isEmpty else { throw failure(.emptyAnchor) }
        if let problem { throw failure(.invalidAnchor(reason: problem)) }
        let found = matches(in: source, within: definition.bodyTokens)
        switch found.count {
        case 1: return found[0]
        case 0: throw failure(.anchorNotFound(nearest: nearestLines(in: source, within: definition.bodyTokens)))
        default:
            let lines = found.map { source.tokens[$0.lowerBound].line }
            var shown: [SourceLine] = []
            for line in lines where shown.last?.number != line && shown.count < ScopeFinder.listedCandidates {
                shown.append(SourceLine(number: line, text: source.trimmedText(ofLine: line)))
            }
            throw failure(.anchorAmbiguous(lines: lines), shown)
        }
    }

    /// Up to `limit` lines of the scope that share the most distinctive words (identifiers,
    /// numbers, literals) with the anchor, best first. A word that appears on many lines of
    /// the scope (`int`, `return`) weighs less than a rare one (`get_cpu`).
    public func nearestLines(in source: LexedSource, within tokens: Range<Int>, limit: Int = 5) -> [SourceLine] {
        var words: Set<ArraySlice<UInt8>> = []
        for case .token(let index) in elements {
            let token = lexed.tokens[index]
            if token.kind != .punctuator && token.kind != .other { words.insert(lexed.spelling(of: token)) }
        }
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

/// Matches the pattern of an anchor at one position, with backtracking over `$expr` lengths.
private struct Matcher {
    let elements: [Anchor.Element]
    let pattern: [CToken]
    let anchor: UnsafeBufferPointer<UInt8>
    let candidates: [CToken]
    let text: UnsafeBufferPointer<UInt8>
    /// The token index the match must end by.
    let limit: Int

    /// The end of the shortest match of `elements[element...]` starting at token `start`.
    /// `failed` remembers where the rest of the pattern after a `$expr` cannot match, so that
    /// several wildcards never make the search exponential.
    func match(element: Int, at start: Int, failed: inout Set<Int>) -> Int? {
        var position = start
        var element = element
        while element < elements.count {
            guard position < limit else { return nil }
            switch elements[element] {
            case .token(let index):
                guard same(candidates[position], pattern[index]) else { return nil }
                position += 1
            case .identifier:
                guard candidates[position].kind == .identifier else { return nil }
                position += 1
            case .expression:
                return expression(from: position, then: element + 1, failed: &failed)
            }
            element += 1
        }
        return position
    }

    /// Tries every balanced expression from `start`, shortest first, followed by the rest of
    /// the pattern.
    private func expression(from start: Int, then next: Int, failed: inout Set<Int>) -> Int? {
        var depth = 0
        var position = start
        while position < limit {
            let token = candidates[position]
            if token.startsDirective { return nil }
            if token.kind == .punctuator, token.range.count == 1 {
                switch text[token.range.lowerBound] {
                case UInt8(ascii: "("), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "{"):
                    guard depth > 0 else { return nil }
                    depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    guard depth > 0 else { return nil }
                    depth -= 1
                case UInt8(ascii: ";"), UInt8(ascii: ","):
                    guard depth > 0 else { return nil }
                default:
                    break
                }
            }
            position += 1
            guard depth == 0 else { continue }
            let key = position * elements.count + next
            if failed.contains(key) { continue }
            if let end = match(element: next, at: position, failed: &failed) { return end }
            failed.insert(key)
        }
        return nil
    }

    private func same(_ token: CToken, _ expected: CToken) -> Bool {
        guard token.range.count == expected.range.count else { return false }
        var offset = expected.range.lowerBound
        for byte in text[token.range] {
            if byte != anchor[offset] { return false }
            offset += 1
        }
        return true
    }
}
