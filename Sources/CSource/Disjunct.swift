/// `addDisjunct`: adding an operand to a `||` chain, kernel style.
///
/// The new operand goes on its own line, aligned with the chain's first operand (one column
/// right of the innermost enclosing `(`):
///
///     if ((user || rcu_is_cpu_rrupt_from_idle() ||
///          context_tracking_guest_in_run_loop() ||     <- new line, when the operand is
///          (gp_in_progress &&                             followed by `||` at a line end
///
///     if ((user || rcu_is_cpu_rrupt_from_idle() ||     <- otherwise `||` and a line break
///          context_tracking_guest_in_run_loop()) && rcu_nohz_full_cpu())    after the operand
extension EditPlanner {
    func disjunct(after match: Range<Int>, expression: String) throws(AnchorError) -> SourceChange {
        let brackets = finder.brackets
        let operandLine = tokens[match.lowerBound].line
        let lines = Indentation.lines(of: expression).map { $0.drop(while: ASCII.isBlank) }
            .drop(while: \.isEmpty).reversed().drop(while: \.isEmpty).reversed()
        guard !lines.isEmpty else { throw failure(.emptyExpression) }
        guard let first = brackets.position(ofToken: match.lowerBound),
            let last = brackets.position(ofToken: match.upperBound - 1)
        else {
            throw failure(
                .unsupportedLayout(line: operandLine, reason: "the operand is inside a preprocessor directive"))
        }

        // The operand must be bounded by `||` or parentheses, or the new `||` would bind differently.
        let before = first - 1
        let after = last + 1
        guard finder.isPunctuator(at: before, "||") || finder.isPunctuator(at: before, "(") else {
            throw failure(
                .notAnOperand(line: operandLine, reason: "it follows \(describe(position: before)), not `||` or `(`"))
        }
        guard finder.isPunctuator(at: after, "||") || finder.isPunctuator(at: after, ")") else {
            throw failure(
                .notAnOperand(
                    line: operandLine, reason: "it is followed by \(describe(position: after)), not `||` or `)`"))
        }

        let indentation = Indentation.whitespace(toColumn: continuationColumn(before: first))
        let orToken = finder.token(at: after)
        let orLine = source.line(containing: orToken.range.upperBound - 1)
        let orEndsLine = after + 1 >= brackets.code.count || finder.token(at: after + 1).line > orLine
        if finder.isPunctuator(at: after, "||"), orEndsLine {
            // `operand ||` ends its line: the new operand gets a line of its own, before the next one.
            var text: [UInt8] = []
            for (number, line) in lines.enumerated() {
                text += indentation + line
                if number == lines.count - 1 { text += Array(" ||".utf8) }
                text.append(ASCII.newline)
            }
            return try insertion(afterLine: orLine, bytes: text)
        }
        // Otherwise break the line after the operand: `operand ||` newline `expression`.
        let end = tokens[match.upperBound - 1].range.upperBound
        var text = Array(" ||".utf8)
        for line in lines {
            text.append(ASCII.newline)
            text += indentation + line
        }
        return SourceChange(range: end..<end, replacement: text, line: source.line(containing: end))
    }

    /// The column of the chain's first operand: one right of the innermost enclosing `(` (or `[`),
    /// or, without one, the column of the token after the statement's start or an `=`, `,`,
    /// `return`, `?` or `:`.
    private func continuationColumn(before position: Int) -> Int {
        var current = position - 1
        while current >= 0 {
            if finder.isPunctuator(at: current, ")") || finder.isPunctuator(at: current, "]"),
                let open = finder.brackets.partner(of: current)
            {
                current = open - 1
                continue
            }
            if finder.isPunctuator(at: current, "(") || finder.isPunctuator(at: current, "[") {
                return source.column(of: finder.token(at: current).range.lowerBound) + 1
            }
            if isChainBoundary(at: current) { break }
            current -= 1
        }
        return source.column(of: finder.token(at: current + 1).range.lowerBound)
    }

    private func isChainBoundary(at position: Int) -> Bool {
        let token = finder.token(at: position)
        if token.kind == .identifier { return source.token(token, is: "return") }
        guard token.kind == .punctuator else { return false }
        for boundary: StaticString in ["{", "}", ";", ",", "?", ":"] where source.token(token, is: boundary) {
            return true
        }
        // Assignments (`=`, `|=`, `<<=`, …), but not comparisons.
        let spelling = source.spelling(of: token)
        guard spelling.last == UInt8(ascii: "=") else { return false }
        return !["==", "!=", "<=", ">="].contains { spelling.elementsEqual($0.utf8) }
    }

    private func describe(position: Int) -> String {
        guard position >= 0, position < finder.brackets.code.count else { return "nothing" }
        return "`\(source.text(of: finder.token(at: position)))`"
    }
}
