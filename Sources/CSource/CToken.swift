/// One C preprocessing token: what kind it is, where its bytes are, and on which line it starts.
///
/// Tokens never own their spelling; read it from the source they came from
/// (`LexedSource.spelling(of:)`), so a token stays a small, `Sendable` value.
public struct CToken: Sendable, Hashable {
    /// The lexical category of a token, at preprocessing-token level.
    public enum Kind: Sendable, Hashable {
        /// A name or keyword: `[A-Za-z_$][A-Za-z0-9_$]*`, plus any non-ASCII bytes.
        case identifier
        /// A preprocessing number (`0x1fULL`, `1e+10`, `.5`).
        case number
        /// A string literal with its quotes and any prefix (`L"x"`, `u8"x"`).
        case string
        /// A character literal with its quotes and any prefix (`'\''`, `L'x'`).
        case character
        /// An operator or punctuator, longest match first (`->`, `<<=`, `...`, `##`).
        case punctuator
        /// A byte that starts no other token (a stray `\`, `@`, a control byte).
        case other
    }

    /// What the token is.
    public var kind: Kind
    /// Byte offsets of the token's spelling in the source.
    public var range: Range<Int>
    /// The 1-based line on which the token starts.
    public var line: Int
    /// Whether the token belongs to a preprocessor directive (`#define …`, `#ifdef …`).
    public var inDirective: Bool
    /// Whether the token is the `#` that opens a directive.
    public var startsDirective: Bool

    /// Makes a token; the lexer is the usual source of tokens.
    public init(kind: Kind, range: Range<Int>, line: Int, inDirective: Bool = false, startsDirective: Bool = false) {
        self.kind = kind
        self.range = range
        self.line = line
        self.inDirective = inDirective
        self.startsDirective = startsDirective
    }
}
