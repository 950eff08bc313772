/// Turns one edit, in a resolved scope, into the bytes to replace.
struct EditPlanner {
    let finder: ScopeFinder
    let definition: ScopeDefinition
    let edit: SourceEdit
    let path: String

    var source: LexedSource { finder.source }
    var tokens: [CToken] { finder.source.tokens }

    func failure(_ kind: AnchorError.Kind) -> AnchorError {
        AnchorError(kind, path: path, scope: edit.scope, occurrence: edit.occurrence, anchor: edit.action.anchor)
    }

    func change() throws(AnchorError) -> SourceChange {
        switch edit.action {
        case .insertAfter(let anchor, let code):
            let match = try locate(anchor)
            let last = tokens[match.upperBound - 1]
            let line = source.line(containing: last.range.upperBound - 1)
            return try insertion(
                afterLine: line, Indentation.block(code, at: source.indentation(ofLine: tokens[match.lowerBound].line)))
        case .insertBefore(let anchor, let code):
            let line = tokens[try locate(anchor).lowerBound].line
            return try insertion(beforeLine: line, Indentation.block(code, at: source.indentation(ofLine: line)))
        case .replace(let anchor, let text):
            return replacement(of: try locate(anchor), with: text)
        case .insertAtBodyStart(let code):
            return try bodyStartInsertion(code)
        case .insertAtBodyEnd(let code):
            return try bodyEndInsertion(code)
        case .addDisjunct(let operand, let expression):
            return try disjunct(after: try locate(operand), expression: expression)
        }
    }

    func locate(_ anchor: String) throws(AnchorError) -> Range<Int> {
        try Anchor(anchor).locate(in: source, definition: definition, path: path, occurrence: edit.occurrence)
    }

    // MARK: - Whole lines

    /// Inserts `lines` (each ending in `\n`) after line `line`.
    func insertion(afterLine line: Int, _ lines: [UInt8]) throws(AnchorError) -> SourceChange {
        let offset = source.startOfNextLine(line)
        if offset == source.bytes.count, source.bytes.last != ASCII.newline, !source.bytes.isEmpty {
            // The last line has no line break: give it one before the new lines.
            try checkInsertion(at: offset, line: line)
            return SourceChange(range: offset..<offset, replacement: [ASCII.newline] + lines, line: line)
        }
        try checkInsertion(at: offset, line: line)
        return SourceChange(range: offset..<offset, replacement: lines, line: line + 1)
    }

    /// Inserts `lines` (each ending in `\n`) before line `line`.
    func insertion(beforeLine line: Int, _ lines: [UInt8]) throws(AnchorError) -> SourceChange {
        let offset = source.startOfLine(line)
        try checkInsertion(at: offset, line: line)
        return SourceChange(range: offset..<offset, replacement: lines, line: line)
    }

    /// Checks that new lines at the line start `offset` stay inside the scope's body and do
    /// not split a comment or a backslash-continued line.
    func checkInsertion(at offset: Int, line: Int) throws(AnchorError) {
        if let open = definition.openBrace {
            let openLine = tokens[open].line
            let closeStart = definition.closeBrace.map { tokens[$0].range.lowerBound } ?? source.bytes.count
            if offset <= tokens[open].range.lowerBound || offset > closeStart {
                let closeLine = definition.closeBrace.map { tokens[$0].line }
                let braces =
                    closeLine.map { "its braces are on lines \(openLine) and \($0)" } ?? "it opens on line \(openLine)"
                throw failure(
                    .unsupportedLayout(line: line, reason: "new lines there would fall outside the body (\(braces))"))
            }
        }
        if offset > 0, offset <= source.bytes.count, source.bytes[offset - 1] == ASCII.newline {
            let previous = source.line(containing: offset - 1)
            if source.isContinued(line: previous) {
                throw failure(
                    .unsupportedLayout(
                        line: line, reason: "line \(previous) ends with a backslash and continues on the next line"))
            }
        }
        if let comment = source.comment(around: offset) {
            let first = source.line(containing: comment.lowerBound)
            let last = source.line(containing: comment.upperBound - 1)
            throw failure(
                .unsupportedLayout(
                    line: line, reason: "new lines there would split the comment on lines \(first)-\(last)"))
        }
    }

    // MARK: - Body start and end

    func bodyStartInsertion(_ code: String) throws(AnchorError) -> SourceChange {
        guard let open = definition.openBrace else {
            return SourceChange(range: 0..<0, replacement: Indentation.block(code, at: []), line: 1)
        }
        let openLine = tokens[open].line
        if definition.bodyTokens.first.map({ tokens[$0].line == openLine }) ?? false {
            throw failure(.unsupportedLayout(line: openLine, reason: "the body starts on the line of its `{`"))
        }
        return try insertion(afterLine: openLine, Indentation.block(code, at: bodyIndentation()))
    }

    func bodyEndInsertion(_ code: String) throws(AnchorError) -> SourceChange {
        guard let open = definition.openBrace else {
            let end = source.bytes.count
            let lines = Indentation.block(code, at: [])
            let needsBreak = !source.bytes.isEmpty && source.bytes.last != ASCII.newline
            return SourceChange(
                range: end..<end, replacement: (needsBreak ? [ASCII.newline] : []) + lines, line: source.lineCount)
        }
        guard let close = definition.closeBrace else {
            throw failure(.unsupportedLayout(line: tokens[open].line, reason: "the body's `{` has no matching `}`"))
        }
        let closeLine = tokens[close].line
        if close - 1 > open, source.line(containing: tokens[close - 1].range.upperBound - 1) == closeLine {
            throw failure(.unsupportedLayout(line: closeLine, reason: "the body ends on the line of its `}`"))
        }
        if tokens[open].line == closeLine {
            throw failure(.unsupportedLayout(line: closeLine, reason: "the body is on one line"))
        }
        return try insertion(beforeLine: closeLine, Indentation.block(code, at: bodyIndentation()))
    }

    /// The indentation of the body's first statement or member, or that of the `{` line plus
    /// one tab when the body has none on a line of its own.
    func bodyIndentation() -> [UInt8] {
        if let open = definition.openBrace {
            let openLine = tokens[open].line
            if let first = definition.bodyTokens.first(where: { !tokens[$0].inDirective }),
                tokens[first].line != openLine
            {
                return Array(source.indentation(ofLine: tokens[first].line))
            }
            return Array(source.indentation(ofLine: openLine)) + [ASCII.tab]
        }
        return []
    }

    // MARK: - Replace

    func replacement(of match: Range<Int>, with text: String) -> SourceChange {
        let first = tokens[match.lowerBound]
        let last = tokens[match.upperBound - 1]
        var range = first.range.lowerBound..<last.range.upperBound
        let lines = Indentation.lines(of: text)
        let indentation = source.indentation(ofLine: first.line)
        var bytes: [UInt8] = []
        for (number, line) in lines.enumerated() {
            if number > 0 {
                bytes.append(ASCII.newline)
                if !line.isEmpty { bytes.append(contentsOf: indentation) }
            }
            bytes.append(contentsOf: line)
        }
        if bytes.isEmpty {
            // Removing whole lines removes the lines, not just their text.
            let lastLine = source.line(containing: last.range.upperBound - 1)
            let lineStart = source.startOfLine(first.line)
            let lineEnd = source.endOfLine(lastLine)
            let blankBefore = source.bytes[lineStart..<range.lowerBound].allSatisfy(ASCII.isBlank)
            let blankAfter = source.bytes[range.upperBound..<lineEnd].allSatisfy(ASCII.isBlank)
            if blankBefore, blankAfter, source.comment(around: range.lowerBound) == nil {
                range = lineStart..<source.startOfNextLine(lastLine)
            }
        }
        return SourceChange(range: range, replacement: bytes, line: first.line)
    }
}
