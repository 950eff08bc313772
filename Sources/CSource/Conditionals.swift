/// One preprocessor directive: its `#`, its tokens and its lines.
public struct Directive: Sendable, Hashable {
    /// Token indices of the directive, from its `#` to its last token.
    public let tokens: Range<Int>
    /// The directive's name (`define`, `ifdef`, `include`), or empty for a lone `#`.
    public let name: String
    /// The line of the `#`.
    public let line: Int
    /// The line on which the directive ends (later than `line` when continued with `\`).
    public let lastLine: Int

    /// Every directive of `source`, in order.
    static func all(in source: LexedSource) -> [Directive] {
        var directives: [Directive] = []
        let tokens = source.tokens
        var index = 0
        while index < tokens.count {
            guard tokens[index].startsDirective else {
                index += 1
                continue
            }
            var end = index + 1
            while end < tokens.count, tokens[end].inDirective, !tokens[end].startsDirective { end += 1 }
            let name =
                end > index + 1 && tokens[index + 1].kind == .identifier
                ? source.text(of: tokens[index + 1]) : ""
            let last = tokens[end - 1]
            directives.append(
                Directive(
                    tokens: index..<end, name: name, line: tokens[index].line,
                    lastLine: source.line(containing: last.range.upperBound - 1)))
            index = end
        }
        return directives
    }
}

/// One `#if`/`#ifdef`/`#ifndef` … `#endif` block and its branches.
///
/// Each branch knows the condition under which its code is compiled, written as a template
/// names it (see `ConditionalBlock.Branch.condition`), so that an edit can choose between
/// definitions of one name in different branches, or take a branch as its scope.
public struct ConditionalBlock: Sendable, Hashable {
    /// One branch: the `#if…`, an `#elif…` or the `#else`, and the code up to the next one.
    public struct Branch: Sendable, Hashable {
        /// The directive that opens the branch.
        public let directive: Directive
        /// The expression after the directive as written, blanks and comments collapsed to one
        /// space (`CONFIG_X`, `defined(A) && B`); empty for `#else`.
        public let expression: String
        /// The condition under which the branch is compiled:
        ///
        /// - `#if E`, `#elif E` → `E`;
        /// - `#ifdef X`, `#elifdef X` → `X`; `#ifndef X`, `#elifndef X` → `!X`;
        /// - `#else` → the negation of every earlier branch, joined with `&&`: `!X` after
        ///   `#ifdef X`, `X` after `#ifndef X`, `!(A && B)` after `#if A && B`, `!A && !B` after
        ///   `#if A` `#elif B`.
        public let condition: String
        /// Token indices of the branch's contents: after its directive, up to the next directive
        /// of this block (or the end of the file when the block is never closed).
        public let bodyTokens: Range<Int>
    }

    /// The branches, in order; the first is the `#if`, `#ifdef` or `#ifndef`.
    public let branches: [Branch]
    /// The `#endif`, or nil when the block is never closed.
    public let endif: Directive?
    /// How many blocks enclose this one.
    public let depth: Int
}

extension ConditionalBlock {
    /// Every conditional block of `source`, in the order of their `#if` lines.
    static func all(in source: LexedSource, directives: [Directive]) -> [ConditionalBlock] {
        struct Open {
            var branches: [(directive: Directive, expression: String, kind: String)]
            var depth: Int
        }
        var stack: [Open] = []
        var finished: [(start: Int, block: ConditionalBlock)] = []

        func close(_ open: Open, endif: Directive?) {
            var branches: [Branch] = []
            var earlier: [String] = []
            for (number, entry) in open.branches.enumerated() {
                let end =
                    number + 1 < open.branches.count
                    ? open.branches[number + 1].directive.tokens.lowerBound
                    : (endif?.tokens.lowerBound ?? source.tokens.count)
                let condition: String
                switch entry.kind {
                case "ifdef", "elifdef": condition = ConditionText.canonical(entry.expression)
                case "ifndef", "elifndef": condition = ConditionText.negation(entry.expression)
                case "else": condition = earlier.map(ConditionText.negation).joined(separator: " && ")
                default: condition = ConditionText.canonical(entry.expression)
                }
                // A second #else (an error for the preprocessor) negates the same branches as
                // the first: folding #else conditions into later ones doubled the text at
                // every #else (FuzzCSource: twenty of them took 14 s).
                if entry.kind != "else" { earlier.append(condition) }
                branches.append(
                    Branch(
                        directive: entry.directive, expression: entry.expression, condition: condition,
                        bodyTokens: entry.directive.tokens.upperBound..<max(end, entry.directive.tokens.upperBound)))
            }
            finished.append(
                (
                    open.branches[0].directive.tokens.lowerBound,
                    ConditionalBlock(branches: branches, endif: endif, depth: open.depth)
                ))
        }

        for directive in directives {
            switch directive.name {
            case "if", "ifdef", "ifndef":
                stack.append(
                    Open(
                        branches: [(directive, expressionText(of: directive, in: source), directive.name)],
                        depth: stack.count))
            case "elif", "elifdef", "elifndef", "else":
                guard !stack.isEmpty else { continue }
                stack[stack.count - 1].branches.append(
                    (
                        directive, directive.name == "else" ? "" : expressionText(of: directive, in: source),
                        directive.name
                    ))
            case "endif":
                guard let open = stack.popLast() else { continue }
                close(open, endif: directive)
            default:
                break
            }
        }
        while let open = stack.popLast() { close(open, endif: nil) }
        return finished.sorted { $0.start < $1.start }.map(\.block)
    }

    /// The text after a directive's name, comments dropped and blanks collapsed.
    static func expressionText(of directive: Directive, in source: LexedSource) -> String {
        let start = directive.tokens.lowerBound + 2
        guard start < directive.tokens.upperBound else { return "" }
        return source.collapsedText(of: start..<directive.tokens.upperBound)
    }
}

/// Preprocessor conditions as text: the canonical form branches are described in, and the
/// comparison with what a template writes.
///
/// Two conditions are the same when their tokens are, after `defined(X)` and `defined X` become
/// `X`, parentheses around the whole are dropped, and a directive prefix is read as a condition
/// (`#ifdef X` is `X`, `#ifndef X` is `!X`, `#if E` and `#elif E` are `E`).
public enum ConditionText {
    /// Whether a template's `condition` names the branch condition `condition`.
    public static func matches(_ wanted: String, _ condition: String) -> Bool {
        guard !condition.isEmpty else { return false }
        return normalizedTokens(ofQuery: wanted) == normalizedTokens(condition)
    }

    /// The condition as tokens spelled with single spaces where the source had blanks: the
    /// display form.
    static func canonical(_ expression: String) -> String {
        let tokens = normalizedTokens(expression)
        return render(tokens)
    }

    /// `!X` for a single name or call, `X` for `!X`, `!(E)` otherwise.
    static func negation(_ expression: String) -> String {
        var tokens = normalizedTokens(expression)
        if tokens.first == "!", isPrimary(Array(tokens.dropFirst())) { return render(Array(tokens.dropFirst())) }
        if !isPrimary(tokens) { tokens = ["("] + tokens + [")"] }
        return render(["!"] + tokens)
    }

    /// The tokens a template's condition is compared by.
    static func normalizedTokens(ofQuery query: String) -> [String] {
        var tokens = spellings(query)
        if tokens.count >= 2, tokens[0] == "#" {
            let directive = tokens[1]
            tokens.removeFirst(2)
            switch directive {
            case "ifndef", "elifndef": return normalizedTokens(negation(render(tokens)))
            default: break
            }
        }
        return normalize(tokens)
    }

    /// The tokens a branch condition is compared by.
    static func normalizedTokens(_ expression: String) -> [String] {
        normalize(spellings(expression))
    }

    private static func spellings(_ text: String) -> [String] {
        let lexed = CLexer.lex(text)
        return lexed.tokens.map { lexed.text(of: $0) }
    }

    private static func normalize(_ input: [String]) -> [String] {
        var tokens: [String] = []
        var index = 0
        while index < input.count {
            if input[index] == "defined" {
                if index + 3 < input.count, input[index + 1] == "(", input[index + 3] == ")" {
                    tokens.append(input[index + 2])
                    index += 4
                    continue
                }
                if index + 1 < input.count, input[index + 1] != "(" {
                    tokens.append(input[index + 1])
                    index += 2
                    continue
                }
            }
            tokens.append(input[index])
            index += 1
        }
        while tokens.count >= 2, tokens.first == "(", closingParenthesis(of: tokens, from: 0) == tokens.count - 1 {
            tokens = Array(tokens.dropFirst().dropLast())
        }
        if tokens.count >= 3, tokens[0] == "!", tokens[1] == "(",
            closingParenthesis(of: tokens, from: 1) == tokens.count - 1,
            isPrimary(Array(tokens[2..<(tokens.count - 1)]))
        {
            tokens = ["!"] + tokens[2..<(tokens.count - 1)]
        }
        return tokens
    }

    /// A name, or a name and one parenthesized group (`IS_ENABLED(CONFIG_X)`).
    private static func isPrimary(_ tokens: [String]) -> Bool {
        guard let first = tokens.first, let byte = first.utf8.first, ASCII.isIdentifierStart(byte) else {
            return false
        }
        if tokens.count == 1 { return true }
        return tokens[1] == "(" && closingParenthesis(of: tokens, from: 1) == tokens.count - 1
    }

    private static func closingParenthesis(of tokens: [String], from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if tokens[index] == "(" { depth += 1 }
            if tokens[index] == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// Tokens joined kernel-style: no space inside parentheses, after `!` and `~`, before `,`.
    private static func render(_ tokens: [String]) -> String {
        var text = ""
        var previous: String?
        for token in tokens {
            if let previous {
                let tight =
                    previous == "(" || previous == "!" || previous == "~" || token == ")" || token == ","
                    || (token == "(" && previous.utf8.first.map(ASCII.isIdentifierStart) == true)
                if !tight { text += " " }
            }
            text += token
            previous = token
        }
        return text
    }
}

extension LexedSource {
    /// The source text of `tokens` (a range of token indices) with comments dropped and every
    /// run of blanks, line breaks and backslash-newlines collapsed to one space.
    func collapsedText(of tokens: Range<Int>) -> String {
        guard let first = tokens.first else { return "" }
        var text: [UInt8] = []
        var previousEnd: Int?
        for index in first..<tokens.upperBound {
            let token = self.tokens[index]
            if let previousEnd, token.range.lowerBound > previousEnd { text.append(ASCII.space) }
            text += bytes[token.range]
            previousEnd = token.range.upperBound
        }
        return String(decoding: text, as: UTF8.self)
    }
}
