/// Matching brackets and nesting depths of the tokens outside preprocessor directives.
///
/// Directive tokens are left out, so a `{` inside a `#define` never unbalances the file.
/// Conditional branches are handled the way ctags does: each `#else`/`#elif` branch starts
/// from the bracket state at its `#if`, and after `#endif` the state at the end of the first
/// branch wins. Alternatives that each open a brace (`#ifdef A` `if (a) {` `#else` `if (b) {`
/// `#endif`) therefore count once.
struct BracketStructure: Sendable {
    /// Indices into `LexedSource.tokens` of the tokens outside directives ("code" tokens).
    let code: CodeTokens
    /// For every code position, the code position of the matching bracket, or -1.
    let partner: [Int32]
    /// For every code position, the number of enclosing `{`; a brace itself counts as outside.
    let braceDepth: [Int32]
    /// For every code position, the number of enclosing `(` within the innermost brace.
    let parenDepth: [Int32]

    private struct OpenBrace {
        var position: Int
        var parenHeight: Int
        var squareHeight: Int
    }

    private struct Stacks {
        var braces: [OpenBrace] = []
        var parens: [Int] = []
        var squares: [Int] = []
    }

    private struct Conditional {
        var atIf: Stacks
        var afterFirstBranch: Stacks?
    }

    init(_ source: LexedSource) {
        self.init(source, reusing: nil)
    }

    /// Matches the brackets of `source` in the tables of `spare`, a structure no longer
    /// needed (an editor's, for the file before its last edit): a file edited again and
    /// again is matched without allocating (and faulting in) new tables each time.
    init(_ source: borrowing LexedSource, reusing spare: consuming BracketStructure?) {
        let count = source.tokens.count
        var code = spare?.code.indices32 ?? []
        var partner = spare?.partner ?? []
        var braceDepth = spare?.braceDepth ?? []
        var parenDepth = spare?.parenDepth ?? []
        spare = nil
        // Every table is sized for all tokens and cut to the code tokens at the end, and filled
        // through buffers: appending to four arrays token by token cost more than the matching.
        Self.reset(&code, to: 0, count: count)
        Self.reset(&partner, to: -1, count: count)
        Self.reset(&braceDepth, to: 0, count: count)
        Self.reset(&parenDepth, to: 0, count: count)
        var codeCount = 0
        code.withUnsafeMutableBufferPointer { code in
            partner.withUnsafeMutableBufferPointer { partner in
                braceDepth.withUnsafeMutableBufferPointer { braceDepth in
                    parenDepth.withUnsafeMutableBufferPointer { parenDepth in
                        codeCount = Self.match(source, code: code, partner: partner, braceDepth: braceDepth, parenDepth: parenDepth)
                    }
                }
            }
        }
        code.removeLast(count - codeCount)
        partner.removeLast(count - codeCount)
        braceDepth.removeLast(count - codeCount)
        parenDepth.removeLast(count - codeCount)
        self.code = CodeTokens(indices: code)
        self.partner = partner
        self.braceDepth = braceDepth
        self.parenDepth = parenDepth
    }

    /// Fills the tables (see the properties) for `source`'s tokens; returns the number of code
    /// tokens. `partner` starts at -1.
    private static func match(
        _ source: LexedSource, code: UnsafeMutableBufferPointer<Int32>,
        partner: UnsafeMutableBufferPointer<Int32>, braceDepth: UnsafeMutableBufferPointer<Int32>,
        parenDepth: UnsafeMutableBufferPointer<Int32>
    ) -> Int {
        let tokens = source.tokens
        let bytes = source.bytes
        var stacks = Stacks()
        var conditionals: [Conditional] = []
        var position = 0
        for index in 0..<tokens.count {
            let token = tokens[index]
            if token.inDirective {
                if token.startsDirective {
                    Self.enterDirective(at: index, in: source, stacks: &stacks, conditionals: &conditionals)
                }
                continue
            }
            code[position] = Int32(index)
            var depth = stacks.braces.count
            var parens = stacks.parens.count
            if token.kind == .punctuator, token.range.upperBound - token.range.lowerBound == 1 {
                switch bytes[token.range.lowerBound] {
                case UInt8(ascii: "{"):
                    stacks.braces.append(
                        OpenBrace(
                            position: position, parenHeight: stacks.parens.count, squareHeight: stacks.squares.count))
                case UInt8(ascii: "}"):
                    if let open = stacks.braces.popLast() {
                        Self.link(open.position, position, in: partner)
                        // Brackets left open inside the braces cannot match anything outside them.
                        stacks.parens.removeSubrange(min(open.parenHeight, stacks.parens.count)...)
                        stacks.squares.removeSubrange(min(open.squareHeight, stacks.squares.count)...)
                    }
                    depth = stacks.braces.count
                    parens = stacks.parens.count
                case UInt8(ascii: "("):
                    stacks.parens.append(position)
                case UInt8(ascii: ")"):
                    if let open = stacks.parens.popLast() {
                        Self.link(open, position, in: partner)
                    }
                    parens = stacks.parens.count
                case UInt8(ascii: "["):
                    stacks.squares.append(position)
                case UInt8(ascii: "]"):
                    if let open = stacks.squares.popLast() {
                        Self.link(open, position, in: partner)
                    }
                default:
                    break
                }
            }
            braceDepth[position] = Int32(depth)
            parenDepth[position] = Int32(parens)
            position += 1
        }
        return position
    }

    /// Makes `table` `count` times `value`, in its own storage when that is held only here
    /// and large enough (with some room to spare when new: the next edit adds a few tokens).
    private static func reset(_ table: inout [Int32], to value: Int32, count: Int) {
        table.removeAll(keepingCapacity: true)
        if table.capacity < count { table.reserveCapacity(count + count / 16) }
        table.append(contentsOf: repeatElement(value, count: count))
    }

    /// Links an opening and a closing bracket; an opener reached again from another
    /// conditional branch keeps its first partner.
    private static func link(_ open: Int, _ close: Int, in partner: UnsafeMutableBufferPointer<Int32>) {
        if partner[open] < 0 { partner[open] = Int32(close) }
        partner[close] = Int32(open)
    }

    private static func enterDirective(
        at index: Int, in source: LexedSource, stacks: inout Stacks, conditionals: inout [Conditional]
    ) {
        let next = index + 1
        guard next < source.tokens.count else { return }
        let nameToken = source.tokens[next]
        guard nameToken.inDirective, !nameToken.startsDirective, nameToken.kind == .identifier else { return }
        switch String(decoding: source.spelling(of: nameToken), as: UTF8.self) {
        case "if", "ifdef", "ifndef":
            conditionals.append(Conditional(atIf: stacks, afterFirstBranch: nil))
        case "elif", "else", "elifdef", "elifndef":
            guard var conditional = conditionals.popLast() else { return }
            if conditional.afterFirstBranch == nil { conditional.afterFirstBranch = stacks }
            stacks = conditional.atIf
            conditionals.append(conditional)
        case "endif":
            guard let conditional = conditionals.popLast() else { return }
            if let afterFirstBranch = conditional.afterFirstBranch { stacks = afterFirstBranch }
        default:
            break
        }
    }

    /// The code position of a token index, if the token is outside directives: a binary
    /// search of `code` (ascending), asked a few times per edit, rather than a table as long
    /// as the file made after every edit.
    func position(ofToken index: Int) -> Int? {
        var low = 0
        var high = code.count
        while low < high {
            let middle = (low + high) / 2
            if code[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < code.count && code[low] == index ? low : nil
    }

    /// The code position matching the bracket at `position`, if any.
    func partner(of position: Int) -> Int? {
        let other = partner[position]
        return other >= 0 ? Int(other) : nil
    }
}

/// The token indices of the code tokens, by code position, kept in 32 bits (like `CToken`'s
/// offsets): a bracket structure is made again after every edit of a file.
struct CodeTokens: RandomAccessCollection, Sendable {
    let indices32: [Int32]

    init(indices: [Int32]) {
        self.indices32 = indices
    }

    var startIndex: Int { 0 }
    var endIndex: Int { indices32.count }

    subscript(position: Int) -> Int { Int(indices32[position]) }
}
