/// How a function definition is recognised, token by token, at brace depth 0 outside
/// directives. The rules follow what C allows and what the kernel writes, and are checked
/// against Universal Ctags on the kernel's own sources (see the oracle test).
///
///     static __always_inline bool        specifiers and attributes: any identifiers, `*`,
///     __printf(1, 2) __section(".x")     and attribute calls whose arguments are literals
///     name(params)                       the declarator: a name and its parameter list
///         __acquires(x) __must_hold(y)   trailing attribute calls, each `IDENT(…)`
///     {                                  the body
///
/// Also recognised: a name made by a macro call (`FNAME(walk)(params) {`, the macro written
/// against its `(`, named `FNAME` as ctags does); a macro that defines a function
/// (`SYSCALL_DEFINE3(read, …) {`, named `SYSCALL_DEFINE3`); a function returning a function
/// pointer (`void (*name(params))(int) {`); a parenthesized name (`int (name)(params) {`, the `(`
/// apart from the word before it); and K&R parameter declarations (`int f(a, b) int a; {`).
///
/// Not definitions: the same shapes ending in `;` (prototypes), calls and macro invocations
/// (`BTF_ID(func, x)` lines with no `;` are followed by a declaration, not by `{`), and an
/// attribute call after a parameter list (`__acquires(x)` is not a function).
extension ScopeFinder {
    enum FunctionShape {
        case definition(openBrace: Int)
        case declaration
        case neither
    }

    /// Classifies the identifier at code `position` as the name of a function definition,
    /// a prototype, or neither.
    func functionShape(at position: Int) -> FunctionShape {
        guard brackets.braceDepth[position] == 0 else { return .neither }
        var parameters: Int  // the `(` of the parameter list
        var next: Int  // the first position after the declarator
        var declarator = position  // its first token
        if brackets.parenDepth[position] == 0 {
            guard isPunctuator(at: position + 1, "("), let close = brackets.partner(of: position + 1),
                canFollowSpecifiers(position)
            else { return .neither }
            parameters = position + 1
            next = close + 1
            // A name made by a macro call: `FNAME(walk)(params)`.
            if isPunctuator(at: next, "("), isMacroCall(openingAt: position + 1),
                let second = brackets.partner(of: next)
            {
                parameters = next
                next = second + 1
            }
        } else if brackets.parenDepth[position] == 1, isPunctuator(at: position - 1, "("),
            isPunctuator(at: position + 1, ")"), isPunctuator(at: position + 2, "("),
            let close = brackets.partner(of: position + 2), !isMacroCall(openingAt: position - 1),
            canFollowSpecifiers(position - 1)
        {
            // `int (name)(params)`, written so to stop a function-like macro from expanding.
            declarator = position - 1
            parameters = position + 2
            next = close + 1
        } else if brackets.parenDepth[position] == 1, isPunctuator(at: position - 1, "*"),
            isPunctuator(at: position - 2, "("), isPunctuator(at: position + 1, "("),
            let close = brackets.partner(of: position + 1), isPunctuator(at: close + 1, ")"),
            isPunctuator(at: close + 2, "("), let outer = brackets.partner(of: close + 2),
            canFollowSpecifiers(position - 2)
        {
            // `void (*name(params))(int)`: a function returning a function pointer.
            declarator = position - 2
            parameters = position + 1
            next = outer + 1
        } else {
            return .neither
        }
        let shape = shape(afterDeclarator: next, parameters: parameters)
        if case .neither = shape { return .neither }
        // Literal arguments make an attribute call (`__printf(1, 2)`), not a parameter list;
        // keywords are no names.
        guard !hasLiteralArgument(parameters), !isReservedWord(at: position) else { return .neither }
        switch shape {
        case .declaration:
            // A prototype has a type before its name; `EXPORT_SYMBOL(f);` has none.
            let previous = declarator - 1
            guard previous >= 0,
                token(at: previous).kind == .identifier || isPunctuator(at: previous, "*")
                    || isPunctuator(at: previous, ")")
            else { return .neither }
            return .declaration
        case let shape:
            return shape
        }
    }

    /// What follows a declarator: trailing attribute calls, then `{` (a definition), `;` or
    /// `,` (a declaration); or K&R parameter declarations and `{`.
    private func shape(afterDeclarator start: Int, parameters: Int) -> FunctionShape {
        var next = start
        while next < brackets.code.count {
            if isPunctuator(at: next, "{") { return .definition(openBrace: next) }
            if isPunctuator(at: next, ";") || isPunctuator(at: next, ",") { return .declaration }
            guard token(at: next).kind == .identifier else { return .neither }
            guard isPunctuator(at: next + 1, "("), let close = brackets.partner(of: next + 1) else {
                // A bare word after the parameters: K&R parameter declarations, or the start
                // of another declaration after a macro invocation written without `;`.
                return isIdentifierList(parameters) ? knrShape(from: next) : .neither
            }
            next = close + 1
        }
        return .neither
    }

    /// K&R parameter declarations (`int a; char *b;`) up to the body's `{`.
    private func knrShape(from start: Int) -> FunctionShape {
        var next = start
        var endsDeclaration = false
        while next < brackets.code.count {
            let token = token(at: next)
            if isPunctuator(at: next, "{") { return endsDeclaration ? .definition(openBrace: next) : .neither }
            endsDeclaration = isPunctuator(at: next, ";")
            if isPunctuator(at: next, "["), let close = brackets.partner(of: next) {
                next = close + 1
                continue
            }
            guard
                token.kind == .identifier || endsDeclaration || isPunctuator(at: next, "*")
                    || isPunctuator(at: next, ",")
            else { return .neither }
            next += 1
        }
        return .neither
    }

    /// Whether the parenthesized group opening at `open` is a K&R identifier list (`(a, b)`).
    private func isIdentifierList(_ open: Int) -> Bool {
        guard let close = brackets.partner(of: open), close > open + 1 else { return false }
        for position in (open + 1)..<close {
            let expectName = (position - open) % 2 == 1
            if expectName ? token(at: position).kind != .identifier : !isPunctuator(at: position, ",") {
                return false
            }
        }
        return true
    }

    /// Whether the token before `position` can end a declaration's specifiers, so that a
    /// declarator may start at `position`: nothing, `;` or `}` (a new declaration), an
    /// identifier (`int`, `__init`), `*`, or the `)` of an attribute call (`__printf(1, 2)`,
    /// `__attribute__((weak))`) but not of a parameter list or a macro invocation.
    private func canFollowSpecifiers(_ position: Int) -> Bool {
        let previous = position - 1
        guard previous >= 0 else { return true }
        let token = token(at: previous)
        if token.kind == .identifier { return true }
        guard token.kind == .punctuator else { return false }
        if isPunctuator(at: previous, "*") || isPunctuator(at: previous, ";") || isPunctuator(at: previous, "}") {
            return true
        }
        guard isPunctuator(at: previous, ")"), let open = brackets.partner(of: previous) else { return false }
        return isAttributeCall(openingAt: open)
    }

    /// Whether the group opening at `open` is an attribute: `__attribute__((…))`, or a macro
    /// call with a literal argument (`__printf(1, 2)`, `__section(".x")`, `__aligned(8)`),
    /// which no parameter list has.
    private func isAttributeCall(openingAt open: Int) -> Bool {
        guard open > 0, token(at: open - 1).kind == .identifier else { return false }
        let name = token(at: open - 1)
        return source.token(name, is: "__attribute__") || source.token(name, is: "__attribute")
            || hasLiteralArgument(open)
    }

    /// Whether the group opening at `open` has a number, string or character literal outside
    /// nested brackets: a parameter list never has.
    private func hasLiteralArgument(_ open: Int) -> Bool {
        guard let close = brackets.partner(of: open) else { return false }
        var position = open + 1
        while position < close {
            if isPunctuator(at: position, "(") || isPunctuator(at: position, "["),
                let inner = brackets.partner(of: position)
            {
                position = inner + 1
                continue
            }
            let kind = token(at: position).kind
            if kind == .number || kind == .string || kind == .character { return true }
            position += 1
        }
        return false
    }

    /// Whether the `(` at `open` directly follows an identifier with no blank between them,
    /// as in a macro call `FNAME(walk)`, rather than `int (name)`.
    private func isMacroCall(openingAt open: Int) -> Bool {
        guard open > 0, token(at: open - 1).kind == .identifier else { return false }
        return token(at: open - 1).range.upperBound == token(at: open).range.lowerBound
    }

    /// Keywords, which never name a function.
    private func isReservedWord(at position: Int) -> Bool {
        let token = token(at: position)
        for word: StaticString in [
            "if", "while", "for", "switch", "return", "sizeof", "typeof", "__typeof__", "__typeof", "_Alignof",
            "__attribute__", "__attribute", "asm", "__asm__", "__asm", "_Static_assert", "static_assert",
            "_Generic", "__builtin_offsetof", "defined", "void", "char", "short", "int", "long", "float",
            "double", "signed", "unsigned", "_Bool", "bool", "struct", "union", "enum", "const", "volatile",
            "static", "extern", "inline", "register", "auto", "typedef",
        ] where source.token(token, is: word) {
            return true
        }
        return false
    }
}
