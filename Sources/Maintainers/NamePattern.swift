/// An `N:` pattern, matched against file names as get_maintainer.pl does (`m/$value/x`).
///
/// The shapes MAINTAINERS uses (literals, `.`, bracket classes, escaped punctuation, the
/// quantifiers `?`, `*`, `+`, a leading `^`, a trailing `$`) are matched by a small
/// backtracking matcher on Unicode scalars, without ICU; any other pattern goes to
/// `PerlRegex`. Both answer the same question — is there a match anywhere — so the
/// answers agree.
struct NamePattern: Sendable {
    private enum Quantifier: Sendable { case one, optional, star, plus }

    private struct Piece: Sendable {
        let token: FilePattern.Token
        let quantifier: Quantifier
    }

    private enum Engine: Sendable {
        case simple(pieces: [Piece], anchoredStart: Bool, anchoredEnd: Bool)
        case regex(PerlRegex)
    }

    private let engine: Engine

    /// Nil when the pattern does not compile.
    init?(_ pattern: String) {
        if let simple = Self.simple(Array(pattern.unicodeScalars)) {
            engine = simple
        } else if let regex = try? PerlRegex(pattern, extended: true) {
            engine = .regex(regex)
        } else {
            return nil
        }
    }

    /// Whether the pattern went to the regex engine (for tests).
    var usesRegexEngine: Bool {
        if case .regex = engine { return true }
        return false
    }

    func matches(_ file: FileName) -> Bool {
        switch engine {
        case .regex(let regex):
            return regex.matches(file.text)
        case .simple(let pieces, let anchoredStart, let anchoredEnd):
            let text = file.scalars
            if anchoredStart { return Self.match(pieces, 0, text, 0, anchoredEnd) }
            for start in 0...text.count where Self.match(pieces, 0, text, start, anchoredEnd) { return true }
            return false
        }
    }

    private static func match(
        _ pieces: [Piece], _ piece: Int, _ text: [Unicode.Scalar], _ position: Int, _ anchoredEnd: Bool
    ) -> Bool {
        guard piece < pieces.count else {
            // Perl's `$` without /m: the end, or before a final newline.
            return !anchoredEnd || position == text.count || (position == text.count - 1 && text[position] == "\n")
        }
        let token = pieces[piece].token
        func accepts(_ index: Int) -> Bool { index < text.count && FilePattern.accepts(token, text[index]) }
        switch pieces[piece].quantifier {
        case .one:
            return accepts(position) && match(pieces, piece + 1, text, position + 1, anchoredEnd)
        case .optional:
            return (accepts(position) && match(pieces, piece + 1, text, position + 1, anchoredEnd))
                || match(pieces, piece + 1, text, position, anchoredEnd)
        case .star, .plus:
            var run = 0
            while accepts(position + run) { run += 1 }
            let least = pieces[piece].quantifier == .plus ? 1 : 0
            guard run >= least else { return false }
            for taken in stride(from: run, through: least, by: -1)
            where match(pieces, piece + 1, text, position + taken, anchoredEnd) {
                return true
            }
            return false
        }
    }

    /// The pieces of a pattern of the simple shapes; nil for anything else (including white
    /// space and `#`, which `/x` gives a meaning).
    private static func simple(_ scalars: [Unicode.Scalar]) -> Engine? {
        var pieces: [Piece] = []
        var index = 0
        var anchoredStart = false
        var anchoredEnd = false
        if scalars.first == "^" {
            anchoredStart = true
            index = 1
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let token: FilePattern.Token
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let next = scalars[index + 1]
                guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next),
                    !PerlSyntax.isSpace(next), next != "#"
                else { return nil }
                token = .literal(next)
                index += 2
            case ".":
                token = .any
                index += 1
            case "[":
                guard let (set, next) = FilePattern.bracket(scalars, from: index) else { return nil }
                token = set
                index = next
            case "$":
                guard index == scalars.count - 1 else { return nil }
                anchoredEnd = true
                index += 1
                continue
            case "*", "+", "?", "{", "}", "(", ")", "|", "^", "]", "#":
                return nil
            default:
                if PerlSyntax.isSpace(scalar) { return nil }
                token = .literal(scalar)
                index += 1
            }
            var quantifier = Quantifier.one
            if index < scalars.count {
                switch scalars[index] {
                case "?": quantifier = .optional
                case "*": quantifier = .star
                case "+": quantifier = .plus
                default: break
                }
                if quantifier != .one {
                    index += 1
                    // Lazy or possessive quantifiers, counted repeats: left to the regex engine.
                    if index < scalars.count, ["?", "+", "*", "{"].contains(scalars[index]) { return nil }
                } else if scalars[index] == "{" {
                    return nil
                }
            }
            pieces.append(Piece(token: token, quantifier: quantifier))
        }
        return .simple(pieces: pieces, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd)
    }
}
