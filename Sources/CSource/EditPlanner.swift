/// Turns one edit, in a resolved scope, into the bytes to replace.
struct EditPlanner {
    let finder: ScopeFinder
    let definition: ScopeDefinition
    let edit: SourceEdit
    let path: String

    var source: LexedSource { finder.source }
    var tokens: [CToken] { finder.source.tokens }

    func failure(_ kind: AnchorError.Kind) -> AnchorError {
        AnchorError(
            kind, path: path, scope: edit.scope, occurrence: edit.occurrence, condition: edit.condition,
            anchor: edit.action.anchor)
    }

    func change() throws(AnchorError) -> SourceChange {
        switch edit.action {
        case .insertAfter(let anchor, let code):
            let match = try locate(anchor)
            let (line, indentation) = lineAndIndentation(after: match)
            return try insertion(afterLine: line, code, at: indentation)
        case .insertBefore(let anchor, let code):
            let line = lineBefore(try locate(anchor))
            return try insertion(beforeLine: line, code, at: Array(source.indentation(ofLine: line)))
        case .replace(let anchor, let text):
            return replacement(of: try locate(anchor), with: text)
        case .insertAtBodyStart(let code):
            return try bodyStartInsertion(code)
        case .insertAtBodyEnd(let code):
            return try bodyEndInsertion(code)
        case .insertBeforeDefinition(let code):
            return try insertion(beforeLine: try definitionFirstLine(), code, at: [])
        case .insertAfterDefinition(let code):
            return try insertion(afterLine: try definitionLastLine(), code, at: [])
        case .addDisjunct(let operand, let expression):
            return try disjunct(after: try locate(operand), expression: expression)
        }
    }

    func locate(_ anchor: String) throws(AnchorError) -> Range<Int> {
        try Anchor(anchor).locate(
            in: source, definition: definition, path: path, occurrence: edit.occurrence, condition: edit.condition)
    }

    var isMacro: Bool {
        if case .macro = definition.frame { return true }
        return false
    }

    // MARK: - Where lines go

    /// The line after which code inserted after `match` goes, and its indentation.
    ///
    /// After a `{`, the code opens the block, at the block's indentation. In an initializer or an
    /// enum body, it goes after the anchor's last line. Otherwise it goes after the statement in
    /// which the anchor ends (the anchor's own line when the anchor ends with
    /// `;`), at the indentation of that statement's first line. In a directive the code goes
    /// after the directive's last line (inside a macro scope, after the anchor's line).
    func lineAndIndentation(after match: Range<Int>) -> (line: Int, indentation: [UInt8]) {
        let first = tokens[match.lowerBound]
        let last = tokens[match.upperBound - 1]
        let lastLine = source.line(containing: last.range.upperBound - 1)
        guard let position = finder.brackets.position(ofToken: match.upperBound - 1) else {
            if isMacro { return (lastLine, Array(source.indentation(ofLine: first.line))) }
            let directiveLine = tokens[directiveStart(containingToken: match.upperBound - 1)].line
            return (
                directiveLastLine(containingToken: match.upperBound - 1),
                Array(source.indentation(ofLine: directiveLine))
            )
        }
        if finder.isPunctuator(at: position, "{") {
            return (lastLine, blockIndentation(openingAt: position))
        }
        if finder.isInBraceList(position) {
            return (lastLine, Array(source.indentation(ofLine: first.line)))
        }
        let start = finder.statementStart(of: finder.brackets.position(ofToken: match.lowerBound) ?? position)
        var end = finder.statementEnd(from: start) ?? position
        if end < position {
            // The anchor runs into a later statement: go after the one it ends in.
            end = finder.statementEnd(from: finder.statementStart(of: position)) ?? position
        }
        let endLine = source.line(containing: finder.token(at: end).range.upperBound - 1)
        return (max(endLine, lastLine), Array(source.indentation(ofLine: finder.token(at: start).line)))
    }

    /// The line before which code inserted before `match` goes: the first line of the statement
    /// in which the anchor starts (of the directive, for an anchor in a directive; the anchor's
    /// own line in an initializer or an enum body).
    func lineBefore(_ match: Range<Int>) -> Int {
        let first = tokens[match.lowerBound]
        guard let position = finder.brackets.position(ofToken: match.lowerBound) else {
            return isMacro ? first.line : tokens[directiveStart(containingToken: match.lowerBound)].line
        }
        if finder.isInBraceList(position) { return first.line }
        return finder.token(at: finder.statementStart(of: position)).line
    }

    /// The indentation of the first line inside the block opened at code position `open`, or
    /// that of the `{` line plus a tab when the block has no line of its own yet.
    func blockIndentation(openingAt open: Int) -> [UInt8] {
        let openLine = finder.token(at: open).line
        if open + 1 < finder.brackets.code.count, !finder.isPunctuator(at: open + 1, "}") {
            let line = finder.token(at: open + 1).line
            if line != openLine { return Array(source.indentation(ofLine: line)) }
        }
        return Array(source.indentation(ofLine: openLine)) + [ASCII.tab]
    }

    private func directiveStart(containingToken index: Int) -> Int {
        var start = index
        while start > 0, !tokens[start].startsDirective { start -= 1 }
        return start
    }

    private func directiveLastLine(containingToken index: Int) -> Int {
        var end = index
        while end + 1 < tokens.count, tokens[end + 1].inDirective, !tokens[end + 1].startsDirective { end += 1 }
        return source.line(containing: tokens[end].range.upperBound - 1)
    }

    // MARK: - Whole lines

    /// Inserts `code` as lines at `indentation` after line `line`.
    func insertion(afterLine line: Int, _ code: String, at indentation: [UInt8]) throws(AnchorError) -> SourceChange {
        if case .macro(_, let last) = definition.frame, line >= last {
            return try macroEndInsertion(code, at: indentation)
        }
        return try insertion(afterLine: line, bytes: block(code, at: indentation, continuationFrom: line))
    }

    /// Inserts `lines` (each ending in `\n`) after line `line`.
    func insertion(afterLine line: Int, bytes lines: [UInt8]) throws(AnchorError) -> SourceChange {
        let offset = source.startOfNextLine(line)
        if offset == source.bytes.count, source.bytes.last != ASCII.newline, !source.bytes.isEmpty {
            // The last line has no line break: give it one before the new lines.
            try checkInsertion(at: offset, line: line)
            return SourceChange(range: offset..<offset, replacement: [ASCII.newline] + lines, line: line)
        }
        try checkInsertion(at: offset, line: line)
        return SourceChange(range: offset..<offset, replacement: lines, line: line + 1)
    }

    /// Inserts `code` as lines at `indentation` before line `line`.
    func insertion(beforeLine line: Int, _ code: String, at indentation: [UInt8]) throws(AnchorError) -> SourceChange {
        guard line <= source.lineCount else {
            // Before a line past the end (an empty branch at the end of the file): at the end.
            return try insertion(
                afterLine: source.lineCount, bytes: block(code, at: indentation, continuationFrom: line - 1))
        }
        let offset = source.startOfLine(line)
        try checkInsertion(at: offset, line: line)
        return SourceChange(
            range: offset..<offset, replacement: block(code, at: indentation, continuationFrom: line - 1), line: line)
    }

    /// `code` as lines at `indentation`; inside a macro, each line ends with a backslash aligned
    /// with the one on line `reference`.
    func block(_ code: String, at indentation: [UInt8], continuationFrom reference: Int) -> [UInt8] {
        guard isMacro else { return Indentation.block(code, at: indentation) }
        let column = continuationColumn(ofLine: reference)
        var output: [UInt8] = []
        for line in Indentation.lines(of: code) {
            let text = line.isEmpty ? [] : indentation + line
            output += Self.continued(text, toColumn: column) + [ASCII.newline]
        }
        return output
    }

    /// Checks that new lines at the line start `offset` stay inside the scope's body and do
    /// not split a comment or a backslash-continued line (except inside a macro scope).
    /// True for the actions that put lines around the definition rather than in its body.
    var insertsAroundDefinition: Bool {
        switch edit.action {
        case .insertBeforeDefinition, .insertAfterDefinition: true
        default: false
        }
    }

    func checkInsertion(at offset: Int, line: Int) throws(AnchorError) {
        switch definition.frame {
        case .file:
            break
        case .braces where insertsAroundDefinition:
            break
        case .braces:
            guard let open = definition.openBrace else { break }
            let openLine = tokens[open].line
            let closeStart = definition.closeBrace.map { tokens[$0].range.lowerBound } ?? source.bytes.count
            if offset <= tokens[open].range.lowerBound || offset > closeStart {
                let closeLine = definition.closeBrace.map { tokens[$0].line }
                let braces =
                    closeLine.map { "its braces are on lines \(openLine) and \($0)" } ?? "it opens on line \(openLine)"
                throw failure(
                    .unsupportedLayout(line: line, reason: "new lines there would fall outside the body (\(braces))"))
            }
        case .lines(let first, let last):
            let low = source.startOfLine(min(max(first, 1), source.lineCount))
            let high = source.startOfNextLine(min(max(last, 0), source.lineCount))
            if offset < low || offset > high {
                throw failure(
                    .unsupportedLayout(
                        line: line,
                        reason: "new lines there would fall outside the scope (lines \(first)-\(max(last, first)))"))
            }
        case .macro(let first, let last):
            if offset < source.startOfNextLine(first) || offset > source.startOfLine(last) {
                throw failure(
                    .unsupportedLayout(
                        line: line, reason: "new lines there would fall outside the macro (lines \(first)-\(last))"))
            }
        }
        if !isMacro, offset > 0, offset <= source.bytes.count, source.bytes[offset - 1] == ASCII.newline {
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

    // MARK: - Around a definition

    /// The first line of the definition (its return type, storage class or keyword), or of the
    /// comment that ends on the line right above it.
    func definitionFirstLine() throws(AnchorError) -> Int {
        guard case .braces = definition.frame, let open = definition.openBrace else {
            throw failure(.unsupportedLayout(
                line: definition.line, reason: "only a function, struct, union or enum has a definition to insert around"))
        }
        // Walk back from the name to just after the previous declaration, block or directive.
        var first = min(definition.nameToken, open)
        var depth = 0
        var index = first - 1
        while index >= 0 {
            let token = tokens[index]
            if token.inDirective { break }
            let spelling = source.text(of: token)
            if spelling == ")" || spelling == "]" { depth += 1 }
            if spelling == "(" || spelling == "[" { depth -= 1 }
            if depth == 0 && (spelling == ";" || spelling == "}" || spelling == "{") { break }
            first = index
            index -= 1
        }
        let line = tokens[first].line
        let lineStart = source.startOfLine(line)
        guard let comment = source.comments.last(where: { $0.upperBound <= lineStart }) else { return line }
        let commentFirstLine = source.line(containing: comment.lowerBound)
        let commentLastLine = source.line(containing: max(comment.lowerBound, comment.upperBound - 1))
        let commentStartsLine = source.trimmedText(ofLine: commentFirstLine).hasPrefix("/")
            && source.startOfLine(commentFirstLine) + source.indentation(ofLine: commentFirstLine).count == comment.lowerBound
        let nothingAfterComment = !tokens.contains { $0.range.lowerBound >= comment.upperBound && $0.line == commentLastLine }
        return commentLastLine == line - 1 && commentStartsLine && nothingAfterComment ? commentFirstLine : line
    }

    /// The line of the definition's closing `}` (with the `;` of a struct), or of an
    /// `EXPORT_SYMBOL*(…);` right after a function.
    func definitionLastLine() throws(AnchorError) -> Int {
        guard case .braces = definition.frame, let close = definition.closeBrace else {
            throw failure(.unsupportedLayout(
                line: definition.line, reason: "only a function, struct, union or enum has a definition to insert around"))
        }
        var last = close
        let followedByExport = close + 1 < tokens.count && !tokens[close + 1].inDirective
            && source.text(of: tokens[close + 1]).hasPrefix("EXPORT_SYMBOL")
        var isStructure = false
        if case .structure = edit.scope { isStructure = true }
        if isStructure || followedByExport {
            var index = close + 1
            while index < tokens.count, !tokens[index].inDirective {
                if source.text(of: tokens[index]) == ";" {
                    last = index
                    break
                }
                if source.text(of: tokens[index]) == "{" { break }
                index += 1
            }
        }
        return source.line(containing: tokens[last].range.upperBound - 1)
    }

    // MARK: - Body start and end

    func bodyStartInsertion(_ code: String) throws(AnchorError) -> SourceChange {
        switch definition.frame {
        case .file:
            return SourceChange(range: 0..<0, replacement: Indentation.block(code, at: []), line: 1)
        case .lines(let first, _):
            return try insertion(beforeLine: first, code, at: linesIndentation())
        case .macro(let first, _):
            return try insertion(afterLine: first, code, at: macroBodyIndentation())
        case .braces:
            break
        }
        guard let open = definition.openBrace else { throw failure(.unsupportedLayout(line: 1, reason: "no body")) }
        let openLine = tokens[open].line
        if definition.bodyTokens.first.map({ tokens[$0].line == openLine }) ?? false {
            throw failure(.unsupportedLayout(line: openLine, reason: "the body starts on the line of its `{`"))
        }
        return try insertion(afterLine: openLine, code, at: bodyIndentation())
    }

    func bodyEndInsertion(_ code: String) throws(AnchorError) -> SourceChange {
        switch definition.frame {
        case .file:
            let end = source.bytes.count
            let lines = Indentation.block(code, at: [])
            let needsBreak = !source.bytes.isEmpty && source.bytes.last != ASCII.newline
            return SourceChange(
                range: end..<end, replacement: (needsBreak ? [ASCII.newline] : []) + lines, line: source.lineCount)
        case .lines(let first, let last):
            if last < first { return try insertion(beforeLine: first, code, at: linesIndentation()) }
            return try insertion(afterLine: last, code, at: linesIndentation())
        case .macro:
            return try macroEndInsertion(code, at: macroBodyIndentation())
        case .braces:
            break
        }
        guard let open = definition.openBrace else { throw failure(.unsupportedLayout(line: 1, reason: "no body")) }
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
        return try insertion(beforeLine: closeLine, code, at: bodyIndentation())
    }

    /// The indentation of the body's first statement or member, or that of the `{` line plus
    /// one tab when the body has none on a line of its own.
    func bodyIndentation() -> [UInt8] {
        guard let open = definition.openBrace else { return [] }
        let openLine = tokens[open].line
        if let first = definition.bodyTokens.first(where: { !tokens[$0].inDirective }), tokens[first].line != openLine {
            return Array(source.indentation(ofLine: tokens[first].line))
        }
        return Array(source.indentation(ofLine: openLine)) + [ASCII.tab]
    }

    /// For a branch or the include block: the indentation of its first code line, else of the
    /// code around it.
    func linesIndentation() -> [UInt8] {
        if let first = definition.bodyTokens.first(where: { !tokens[$0].inDirective }) {
            return Array(source.indentation(ofLine: tokens[first].line))
        }
        let next = definition.bodyTokens.upperBound
        if let after = (next..<tokens.count).first(where: { !tokens[$0].inDirective }) {
            return Array(source.indentation(ofLine: tokens[after].line))
        }
        return []
    }

    // MARK: - Macros

    /// The indentation of a macro's second line, or a tab.
    func macroBodyIndentation() -> [UInt8] {
        guard case .macro(let first, let last) = definition.frame, last > first else { return [ASCII.tab] }
        let indentation = Array(source.indentation(ofLine: first + 1))
        return indentation.isEmpty ? [ASCII.tab] : indentation
    }

    /// Code after the last line of a macro: that line gets a backslash, and the new lines all but
    /// the last.
    func macroEndInsertion(_ code: String, at indentation: [UInt8]) throws(AnchorError) -> SourceChange {
        guard case .macro(let first, let last) = definition.frame else {
            throw failure(.unsupportedLayout(line: 1, reason: "not a macro"))
        }
        let column = continuationColumn(ofLine: last > first ? last - 1 : last)
        var end = source.endOfLine(last)
        if end > source.startOfLine(last), source.bytes[end - 1] == ASCII.carriageReturn { end -= 1 }
        var lastText = Array(source.bytes[source.startOfLine(last)..<end])
        while let byte = lastText.last, ASCII.isBlank(byte) { lastText.removeLast() }
        let lineComment = source.comments.contains { comment in
            source.line(containing: comment.lowerBound) == last && source.bytes[comment.lowerBound + 1] == ASCII.slash
        }
        if lineComment {
            throw failure(
                .unsupportedLayout(
                    line: last, reason: "the macro's last line ends in a // comment that a backslash would continue"))
        }
        var replacement = Array(Self.continued(lastText, toColumn: column).dropFirst(lastText.count))
        let lines = Indentation.lines(of: code)
        for (number, line) in lines.enumerated() {
            replacement.append(ASCII.newline)
            let text = line.isEmpty ? [] : indentation + line
            replacement += number == lines.count - 1 ? text : Self.continued(text, toColumn: column)
        }
        let trimmedEnd = source.startOfLine(last) + lastText.count
        return SourceChange(range: trimmedEnd..<end, replacement: replacement, line: last)
    }

    /// The display column of the backslash ending line `line`, or 8 past the line's text.
    func continuationColumn(ofLine line: Int) -> Int {
        guard line >= 1, line <= source.lineCount else { return Indentation.tabWidth }
        var end = source.endOfLine(line)
        let start = source.startOfLine(line)
        if end > start, source.bytes[end - 1] == ASCII.carriageReturn { end -= 1 }
        if end > start, source.bytes[end - 1] == ASCII.backslash {
            return Indentation.column(of: end - 1, lineStart: start, in: source.bytes)
        }
        return (Indentation.column(of: end, lineStart: start, in: source.bytes) / Indentation.tabWidth + 1)
            * Indentation.tabWidth
    }

    /// `text` followed by tabs (then spaces) up to `column` and a backslash; one space when the
    /// text reaches the column already.
    static func continued(_ text: [UInt8], toColumn column: Int) -> [UInt8] {
        let width = Indentation.column(of: text.count, lineStart: 0, in: text)
        guard width < column else { return text + [ASCII.space, ASCII.backslash] }
        var padding: [UInt8] = []
        var current = width
        while (current / Indentation.tabWidth + 1) * Indentation.tabWidth <= column {
            padding.append(ASCII.tab)
            current = (current / Indentation.tabWidth + 1) * Indentation.tabWidth
        }
        padding += [UInt8](repeating: ASCII.space, count: column - current)
        return text + padding + [ASCII.backslash]
    }

    // MARK: - Replace

    func replacement(of match: Range<Int>, with text: String) -> SourceChange {
        let first = tokens[match.lowerBound]
        let last = tokens[match.upperBound - 1]
        var range = first.range.lowerBound..<last.range.upperBound
        let indentation = source.indentation(ofLine: first.line)
        var lines: [[UInt8]] = Indentation.lines(of: text).enumerated().map { number, line in
            number == 0 || line.isEmpty ? Array(line) : Array(indentation) + line
        }
        if isMacro, lines.count > 1 {
            // Every line break inside a macro needs a backslash, aligned with the anchor line's.
            let column = continuationColumn(ofLine: first.line)
            let prefix = Array(source.bytes[source.startOfLine(first.line)..<range.lowerBound])
            let lastLine = source.line(containing: last.range.upperBound - 1)
            var end = source.endOfLine(lastLine)
            if end > range.upperBound, source.bytes[end - 1] == ASCII.carriageReturn { end -= 1 }
            let rest = source.bytes[range.upperBound..<end].drop(while: ASCII.isBlank)
            let continuesAlone = rest.elementsEqual([ASCII.backslash])
            for number in 0..<(lines.count - (continuesAlone ? 0 : 1)) {
                let full = (number == 0 ? prefix : []) + lines[number]
                lines[number] += Self.continued(full, toColumn: column).dropFirst(full.count)
            }
            // The anchor's line ended in a lone backslash: the new last line carries it, aligned.
            if continuesAlone { range = range.lowerBound..<end }
        }
        let bytes = Array(lines.joined(separator: [ASCII.newline]))
        if bytes.isEmpty {
            // Removing whole lines removes the lines, not just their text.
            let lastLine = source.line(containing: last.range.upperBound - 1)
            let lineStart = source.startOfLine(first.line)
            let lineEnd = source.endOfLine(lastLine)
            let blankBefore = source.bytes[lineStart..<range.lowerBound].allSatisfy(ASCII.isBlank)
            var afterText = source.bytes[range.upperBound..<lineEnd].drop(while: ASCII.isBlank)
            if isMacro, afterText.last == ASCII.carriageReturn { afterText.removeLast() }
            let blankAfter = afterText.isEmpty || (isMacro && afterText.elementsEqual([ASCII.backslash]))
            if blankBefore, blankAfter, source.comment(around: range.lowerBound) == nil,
                !isMacro || source.isContinued(line: lastLine)
            {
                range = lineStart..<source.startOfNextLine(lastLine)
            }
        }
        return SourceChange(range: range, replacement: bytes, line: first.line)
    }
}
