/// An `F:` or `X:` pattern after `get_maintainer.pl`'s glob-to-regex conversion (`.` → `\.`,
/// `*` → `.*`, `?` → `.`, a trailing `/` added to a directory), matched as the script's
/// `file_match_pattern` does: anchored at the start only; without a trailing `/`, the file
/// must also have as many slashes as the pattern.
///
/// The converted pattern is a Perl regular expression. The common shapes (literals, `\.`,
/// `.`, `.*`, bracket classes) are matched directly; anything else goes to ICU.
struct FilePattern: Sendable {
    /// The converted pattern, as the script stores it.
    let value: String
    /// `tr@/@@` of the converted pattern.
    let slashCount: Int
    let isDirectory: Bool
    /// The "pattern depth" the script sorts sections by: slashes, plus one unless the pattern
    /// ends in `/`, and -1 for a pattern starting with `.*`.
    let depth: Int
    private let matcher: Matcher

    private enum Matcher: Sendable {
        case glob(literalPrefix: [Unicode.Scalar], tokens: [Token])
        case regex(PerlRegex)
        /// Perl would die on it: never matches.
        case invalid
    }

    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        /// `.`: any character but a newline.
        case any
        /// `.*`
        case anyRun
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
    }

    /// Converts a raw `F:`/`X:` value; `isDirectoryInTree` answers Perl's `-d` for the
    /// converted text.
    static func convert(_ raw: String, isDirectoryInTree: (String) -> Bool) -> String {
        var value = Array(raw.utf8).withUnsafeBufferPointer { convert($0) }
        if let last = value.utf8.last, last != UInt8(ascii: "/"), isDirectoryInTree(value) { value += "/" }
        return value
    }

    /// The conversion without the `-d` test: `.` → `\.`, `*` → `.*`, `?` → `.`.
    static func convert(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var converted: [UInt8] = []
        converted.reserveCapacity(raw.count + 8)
        for byte in raw {
            switch byte {
            case UInt8(ascii: "."): converted += [UInt8(ascii: "\\"), UInt8(ascii: ".")]
            case UInt8(ascii: "*"): converted += [UInt8(ascii: "."), UInt8(ascii: "*")]
            case UInt8(ascii: "?"): converted.append(UInt8(ascii: "."))
            default: converted.append(byte)
            }
        }
        return String(decoding: converted, as: UTF8.self)
    }

    /// A pattern from an already converted value (as stored in the type/value list).
    init(converted value: String) {
        self.value = value
        let scalars = Array(value.unicodeScalars)
        slashCount = scalars.count { $0 == "/" }
        isDirectory = scalars.last == "/"
        var depth = slashCount + (isDirectory ? 0 : 1)
        if scalars.starts(with: [".", "*"]) { depth = -1 }
        self.depth = depth
        if let tokens = Self.tokens(scalars) {
            var prefix: [Unicode.Scalar] = []
            for token in tokens {
                guard case .literal(let scalar) = token else { break }
                prefix.append(scalar)
            }
            matcher = .glob(literalPrefix: prefix, tokens: tokens)
        } else if let regex = try? PerlRegex("^" + value) {
            matcher = .regex(regex)
        } else {
            matcher = .invalid
        }
    }

    /// `file_match_pattern($file, $pattern)`.
    func matches(_ file: FileName) -> Bool {
        guard matchesStart(of: file) else { return false }
        return isDirectory || file.slashCount == slashCount
    }

    private func matchesStart(of file: FileName) -> Bool {
        switch matcher {
        case .invalid:
            return false
        case .regex(let regex):
            return regex.matches(file.text)
        case .glob(let prefix, let tokens):
            guard file.scalars.count >= prefix.count else { return false }
            for index in prefix.indices where file.scalars[index] != prefix[index] { return false }
            return Self.prefixMatch(tokens, file.scalars)
        }
    }

    /// Whether `tokens` match some prefix of `text` (an unanchored end is an implicit `.*`).
    private static func prefixMatch(_ tokens: [Token], _ text: [Unicode.Scalar]) -> Bool {
        var t = 0
        var s = 0
        var starToken = -1
        var starText = 0
        while true {
            if t == tokens.count { return true }
            if case .anyRun = tokens[t] {
                starToken = t
                starText = s
                t += 1
                continue
            }
            if s < text.count, accepts(tokens[t], text[s]) {
                t += 1
                s += 1
                continue
            }
            // Backtrack: let the last `.*` take one more character (not a newline).
            guard starToken >= 0, starText < text.count, text[starText] != "\n" else { return false }
            starText += 1
            s = starText
            t = starToken + 1
        }
    }

    static func accepts(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let literal): return literal == scalar
        case .any: return scalar != "\n"
        case .anyRun: return true
        case .set(let ranges, let negated):
            return ranges.contains { $0.contains(scalar.value) } != negated
        }
    }

    /// The glob-shaped subset of Perl regex syntax; nil when the pattern uses anything else.
    private static func tokens(_ scalars: [Unicode.Scalar]) -> [Token]? {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let next = scalars[index + 1]
                // Only escaped punctuation is a plain literal (`\d`, `\b`, `\1`… are not).
                guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next) else { return nil }
                tokens.append(.literal(next))
                index += 2
            case ".":
                if index + 1 < scalars.count, scalars[index + 1] == "*" {
                    tokens.append(.anyRun)
                    index += 2
                } else {
                    tokens.append(.any)
                    index += 1
                }
            case "[":
                guard let (set, next) = bracket(scalars, from: index) else { return nil }
                tokens.append(set)
                index = next
            case "*", "+", "?", "{", "}", "(", ")", "|", "^", "$", "]":
                return nil
            default:
                tokens.append(.literal(scalar))
                index += 1
            }
            // A quantifier after a token other than `.`: not a glob shape.
            if index < scalars.count, ["*", "+", "?", "{"].contains(scalars[index]) { return nil }
        }
        return tokens
    }

    /// A simple bracket class (`[ch]`, `[a-z]`, `[^/]`), nil for anything fancier.
    static func bracket(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "]" && !first { return (.set(ranges: ranges, negated: negated), index + 1) }
            guard scalar != "\\", scalar != "[" else { return nil }
            first = false
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                let upper = scalars[index + 2]
                guard upper != "\\", upper != "[", scalar.value <= upper.value else { return nil }
                ranges.append(scalar.value...upper.value)
                index += 3
            } else {
                ranges.append(scalar.value...scalar.value)
                index += 1
            }
        }
        return nil
    }
}

/// A file name as get_maintainer.pl matches it: the text, its characters, its slash count.
struct FileName: Sendable {
    let text: String
    let bytes: [UInt8]
    let scalars: [Unicode.Scalar]
    let slashCount: Int

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
        scalars = Array(text.unicodeScalars)
        slashCount = scalars.count { $0 == "/" }
    }
}
