/// The statement around a token, so that lines inserted before or after an anchor never land
/// inside a statement: an anchor in the condition of `if (!f()) { … }` puts lines after the
/// whole `if` (and its `else`), not inside its body or its condition.
///
/// Statements are read on the code tokens (directives left out) with the bracket structure:
/// a statement ends at a `;` outside brackets (not the `;` of a `for (;;)` header), at the `}`
/// of a block that follows `)`, `else` or `do` (continuing over `else` and `do … while`), or
/// before the `}` that closes the enclosing block. It starts after the previous `;`, `}` or
/// block `{`, or after a label's or a `case`'s `:`; an `else` continues back to its `if`.
extension ScopeFinder {
    /// The code position of the first token of the statement containing code position `position`.
    func statementStart(of position: Int) -> Int {
        var start = position
        while start > 0 {
            let previous = start - 1
            if isPunctuator(at: previous, ")") || isPunctuator(at: previous, "]") {
                guard let open = brackets.partner(of: previous) else { return start }
                start = open
                continue
            }
            if isPunctuator(at: previous, "}") {
                // `} else …` continues the `if` that the block belongs to.
                guard isWord(at: start, "else"), let open = brackets.partner(of: previous) else { return start }
                start = open
                continue
            }
            if isPunctuator(at: previous, ";") {
                // `if (x) a(); else …`: the unbraced body belongs to the same statement.
                guard isWord(at: start, "else") else { return start }
                start = previous
                continue
            }
            if isPunctuator(at: previous, "{") {
                // An initializer's `{` (after `=` or `,`) is inside the statement; a block's is not.
                guard isPunctuator(at: previous - 1, "=") || isPunctuator(at: previous - 1, ",") else { return start }
            }
            if isPunctuator(at: previous, ":"), isLabelColon(previous) { return start }
            start = previous
        }
        return start
    }

    /// The code position of the last token of the statement that starts at code position `start`,
    /// or nil when the file ends first.
    func statementEnd(from start: Int) -> Int? {
        var position = start
        var pendingIfs = 0
        let isDo = isWord(at: start, "do")
        while position < brackets.code.count {
            if isWord(at: position, "if") { pendingIfs += 1 }
            if isPunctuator(at: position, "(") || isPunctuator(at: position, "[") {
                guard let close = brackets.partner(of: position) else { return nil }
                position = close + 1
                continue
            }
            if isPunctuator(at: position, "{") {
                guard let close = brackets.partner(of: position) else { return nil }
                let isBlock =
                    position == start || isPunctuator(at: position - 1, ")") || isWord(at: position - 1, "else")
                    || isWord(at: position - 1, "do")
                if !isBlock {
                    position = close + 1
                    continue
                }
                if pendingIfs > 0, isWord(at: close + 1, "else") {
                    pendingIfs -= 1
                    position = close + 2
                    continue
                }
                if isDo, isWord(at: close + 1, "while") {
                    position = close + 1
                    continue
                }
                return close
            }
            if isPunctuator(at: position, ";") {
                if pendingIfs > 0, isWord(at: position + 1, "else") {
                    pendingIfs -= 1
                    position += 2
                    continue
                }
                return position
            }
            if isPunctuator(at: position, "}") || isPunctuator(at: position, ")") || isPunctuator(at: position, "]") {
                // The enclosing block or group closes: the statement had no `;`.
                return position > start ? position - 1 : start
            }
            position += 1
        }
        return nil
    }

    /// Whether code position `position` is an element of a brace-enclosed list (an initializer,
    /// an enum body): the innermost bracket around it is a `{` whose contents have commas but no
    /// `;` outside nested brackets. There each line is an element, and lines go around the
    /// anchor's own lines rather than around the whole declaration.
    func isInBraceList(_ position: Int) -> Bool {
        var current = position - 1
        while current >= 0 {
            if isPunctuator(at: current, ")") || isPunctuator(at: current, "]") || isPunctuator(at: current, "}") {
                guard let open = brackets.partner(of: current) else { return false }
                current = open - 1
                continue
            }
            if isPunctuator(at: current, "(") || isPunctuator(at: current, "[") { return false }
            if isPunctuator(at: current, "{") { break }
            current -= 1
        }
        guard current >= 0, let close = brackets.partner(of: current) else { return false }
        var inside = current + 1
        var commas = false
        while inside < close {
            if isPunctuator(at: inside, "(") || isPunctuator(at: inside, "[") || isPunctuator(at: inside, "{"),
                let end = brackets.partner(of: inside)
            {
                inside = end + 1
                continue
            }
            if isPunctuator(at: inside, ";") { return false }
            if isPunctuator(at: inside, ",") { commas = true }
            inside += 1
        }
        return commas
    }

    /// Whether the `:` at `position` ends a label (`out:`) or a `case`/`default` label rather
    /// than belonging to `?:` or a bit-field: what precedes it, back to the previous `;`, `{`,
    /// `}` or `:`, is one identifier, or starts with `case` or `default`.
    private func isLabelColon(_ position: Int) -> Bool {
        var start = position
        while start > 0 {
            let previous = start - 1
            if isPunctuator(at: previous, ";") || isPunctuator(at: previous, "{") || isPunctuator(at: previous, "}")
                || isPunctuator(at: previous, ":")
            {
                break
            }
            if isPunctuator(at: previous, ")"), let open = brackets.partner(of: previous) {
                start = open
                continue
            }
            start = previous
        }
        if isWord(at: start, "case") || isWord(at: start, "default") { return true }
        return start == position - 1 && token(at: start).kind == .identifier && brackets.braceDepth[position] > 0
    }

    /// Whether code position `position` holds the identifier `word`.
    func isWord(at position: Int, _ word: StaticString) -> Bool {
        guard position >= 0, position < brackets.code.count else { return false }
        let token = token(at: position)
        return token.kind == .identifier && source.token(token, is: word)
    }
}
