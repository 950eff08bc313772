import CSource

/// The spellings of the tokens of `text`.
func spellings(_ text: String) -> [String] {
    let lexed = CLexer.lex(text)
    return lexed.tokens.map { lexed.text(of: $0) }
}

/// The tokens of `text` with their spellings.
func tokens(_ text: String) -> [(spelling: String, token: CToken)] {
    let lexed = CLexer.lex(text)
    return lexed.tokens.map { (lexed.text(of: $0), $0) }
}

/// Applies `edits` to `text` and returns the result as text.
func edited(_ text: String, path: String = "test.c", _ edits: SourceEdit...) throws(AnchorError) -> String {
    var editor = CSourceEditor(bytes: Array(text.utf8), path: path)
    for edit in edits { try editor.apply(edit) }
    return String(decoding: editor.bytes, as: UTF8.self)
}

/// The error thrown by applying `edit` to `text`, or nil if it applies.
func editError(_ text: String, path: String = "test.c", _ edit: SourceEdit) -> AnchorError? {
    var editor = CSourceEditor(bytes: Array(text.utf8), path: path)
    do {
        try editor.apply(edit)
        return nil
    } catch {
        return error
    }
}

/// SplitMix64: a small seeded generator, so random tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
