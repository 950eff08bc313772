/// A function name written as a macro call, `SYSCALL_DEFINE3(read)`: the macro and the tokens
/// of its first argument.
struct MacroCallName: Hashable {
    let macro: String
    let argument: [String]

    init?(_ text: String) {
        let lexed = CLexer.lex(text)
        let spellings = lexed.tokens.map { lexed.text(of: $0) }
        guard spellings.count >= 4, lexed.tokens[0].kind == .identifier, spellings[1] == "(",
            spellings.last == ")"
        else { return nil }
        macro = spellings[0]
        // The first argument: up to a comma outside nested parentheses, or the closing `)`.
        var depth = 0
        var end = 2
        while end < spellings.count - 1 {
            if spellings[end] == "(" { depth += 1 }
            if spellings[end] == ")" { depth -= 1 }
            if depth == 0, spellings[end] == "," { break }
            end += 1
        }
        argument = Array(spellings[2..<end])
    }
}
