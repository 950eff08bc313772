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

    // Offsets and the line are stored in 32 bits, so that a token takes 16 bytes rather than
    // 40: a kernel file has tens of thousands of tokens, and lexing, matching brackets and
    // splicing after an edit all walk them (sources of 4 GiB and more are out of reach).
    private var start: UInt32
    private var end: UInt32
    private var startLine: UInt32

    /// What the token is.
    public var kind: Kind
    /// Whether the token belongs to a preprocessor directive (`#define …`, `#ifdef …`).
    public var inDirective: Bool
    /// Whether the token is the `#` that opens a directive.
    public var startsDirective: Bool

    /// Byte offsets of the token's spelling in the source.
    public var range: Range<Int> {
        get { Range(uncheckedBounds: (Int(start), Int(end))) }
        set {
            start = UInt32(newValue.lowerBound)
            end = UInt32(newValue.upperBound)
        }
    }

    /// The 1-based line on which the token starts.
    public var line: Int {
        get { Int(startLine) }
        set { startLine = UInt32(newValue) }
    }

    /// Makes a token; the lexer is the usual source of tokens.
    public init(kind: Kind, range: Range<Int>, line: Int, inDirective: Bool = false, startsDirective: Bool = false) {
        self.start = UInt32(range.lowerBound)
        self.end = UInt32(range.upperBound)
        self.startLine = UInt32(line)
        self.kind = kind
        self.inDirective = inDirective
        self.startsDirective = startsDirective
    }
}
