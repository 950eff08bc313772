import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `get_maintainer.pl` takes from a patch: the file names it names (`diff --git`,
/// `---`/`+++`, `rename from/to`, ` mode change`), the `K:` keywords it matches, and the
/// `Fixes:` ids.
///
/// Keywords are matched line by line: before the first `---`/`+++` line (mail headers,
/// commit message, diffstat) against the whole line, after it only on lines starting with
/// `+` or `-`, by prefixing the keyword with `^[+-].*` exactly as the script does (so a
/// keyword with a top-level `|` matches its later alternatives on any line). `@@ -a,b`
/// hunk headers and the file-name lines are never matched.
struct PatchScanner {
    struct Result {
        var files: [String] = []
        /// Entry indices of the `K:` lines that matched.
        var keywordEntries: [Int] = []
        /// Commits named by `Fixes:` lines (the script adds their signers from git history,
        /// which the lookup does not read).
        var fixes: [String] = []
    }

    /// A `K:` line, compiled with and without the `^[+-].*` prefix when first used, and the
    /// text any match must contain (when the pattern shows one), so that a patch without it
    /// needs no regex at all.
    final class Keyword: @unchecked Sendable {
        let entryIndex: Int
        let pattern: String
        private(set) lazy var unprefixed: PerlRegex? = try? PerlRegex(pattern, extended: true)
        private(set) lazy var prefixed: PerlRegex? = try? PerlRegex("^[+-].*" + pattern, extended: true)
        /// Whether the prefixed pattern can match a line not starting with `+` or `-`
        /// (through a top-level `|`); when not, such lines need no trying.
        let prefixedMatchesAnyLine: Bool
        /// UTF-8 bytes every match contains; nil when the pattern's shape does not say.
        let requiredText: [UInt8]?

        init(entryIndex: Int, pattern: String) {
            self.entryIndex = entryIndex
            self.pattern = pattern
            prefixedMatchesAnyLine = Self.mayHaveTopLevelAlternation(pattern)
            requiredText = Self.requiredText(pattern)
        }

        /// The longest run of plain characters outside groups and classes that no
        /// quantifier makes optional, at least three bytes; nil for a pattern with a
        /// top-level `|`, one that may match case-insensitively, or one whose white space or
        /// `#` `/x` gives a meaning.
        static func requiredText(_ pattern: String) -> [UInt8]? {
            let scalars = Array(pattern.unicodeScalars)
            if mayHaveTopLevelAlternation(pattern) { return nil }  // an alternative needs none of it
            if pattern.contains("\\Q") || scalars.contains(where: { PerlSyntax.isSpace($0) || $0 == "#" }) { return nil }
            // Inline flags (`(?i)`, `(?^i:`, `(?x-i)`, …) that may turn on case-insensitivity.
            var flags = pattern.unicodeScalars[...]
            while let open = flags.firstRange(of: "(?".unicodeScalars) {
                flags = flags[open.upperBound...]
                if flags.prefix(while: { $0 != ":" && $0 != ")" }).contains("i") { return nil }
            }
            var best: [Unicode.Scalar] = []
            var run: [Unicode.Scalar] = []
            func endRun() {
                if run.count > best.count { best = run }
                run = []
            }
            var index = 0
            var depth = 0
            while index < scalars.count {
                let scalar = scalars[index]
                var literal: Unicode.Scalar?
                switch scalar {
                case "(":
                    depth += 1
                    endRun()
                case ")":
                    depth -= 1
                    endRun()
                case "[":
                    // Skip the class: a `]` first (after `^`) is a member; `\` escapes.
                    endRun()
                    index += 1
                    if index < scalars.count, scalars[index] == "^" { index += 1 }
                    if index < scalars.count, scalars[index] == "]" { index += 1 }
                    while index < scalars.count, scalars[index] != "]" {
                        index += scalars[index] == "\\" ? 2 : 1
                    }
                case "\\":
                    index += 1
                    guard index < scalars.count else { return nil }
                    let next = scalars[index]
                    if next.isASCII && !next.properties.isAlphabetic && !("0"..."9").contains(next) {
                        literal = next
                    } else {
                        endRun()  // \b, \s, \d, …
                    }
                case "{":
                    // A counted repeat (`{2}`, `{1,3}`) or a `\p{…}`-style name: no text.
                    endRun()
                    while index < scalars.count, scalars[index] != "}" { index += 1 }
                case ".", "^", "$", "|", "*", "+", "?", "}":
                    endRun()
                default:
                    literal = scalar
                }
                index += 1
                guard let literal, depth == 0 else { continue }
                // A quantifier after it: `?`, `*`, `{` make it optional, `+` repeats it.
                if index < scalars.count, ["?", "*", "{"].contains(scalars[index]) {
                    endRun()
                } else if index < scalars.count, scalars[index] == "+" {
                    run.append(literal)
                    endRun()
                } else {
                    run.append(literal)
                }
            }
            endRun()
            let bytes = Array(String(String.UnicodeScalarView(best)).utf8)
            return bytes.count >= 3 ? bytes : nil
        }

        /// True unless `pattern` surely has no `|` outside groups and classes (a pattern
        /// with `\Q` or a `#` comment is taken to have one).
        static func mayHaveTopLevelAlternation(_ pattern: String) -> Bool {
            var depth = 0
            var inClass = false
            var scalars = Substring(pattern).unicodeScalars[...]
            while let scalar = scalars.popFirst() {
                switch scalar {
                case "\\":
                    if scalars.first == "Q" { return true }
                    _ = scalars.popFirst()
                case "[" where !inClass:
                    inClass = true
                    if scalars.first == "^" { _ = scalars.popFirst() }
                    if scalars.first == "]" { _ = scalars.popFirst() }
                case "]" where inClass: inClass = false
                case "(" where !inClass: depth += 1
                case ")" where !inClass: depth -= 1
                case "#" where !inClass: return true
                case "|" where !inClass && depth <= 0: return true
                default: break
                }
            }
            return false
        }
    }

    let keywords: [Keyword]

    func scan(_ patch: [UInt8]) -> Result {
        var result = Result()
        var inDiff = false
        // A keyword whose required text the patch lacks matches no line of it.
        let keywords = self.keywords.filter { keyword in
            keyword.requiredText.map { Self.contains(patch, $0) } ?? true
        }
        var start = 0
        while start < patch.count {
            var end = start
            while end < patch.count && patch[end] != 0x0A { end += 1 }
            if end < patch.count { end += 1 }  // Perl's lines keep their newline
            let line = patch[start..<end]
            start = end
            if let name = Self.modeChange(line) ?? Self.rename(line) {
                result.files.append(name)
            } else if let (old, new) = Self.diffGit(line) {
                result.files += [old, new]
            } else if let id = Self.fixesTag(line) {
                result.fixes.append(id)
            } else if let name = Self.fileLabel(line, "+++") ?? Self.fileLabel(line, "---") {
                // s@^[^/]*/@@ (at most one leading component), then s@\n@@.
                var name = Substring(name)
                if let slash = name.firstIndex(of: "/") { name = name[name.index(after: slash)...] }
                result.files.append(String(name).replacingOccurrences(of: "\n", with: ""))
                inDiff = true
            } else if Self.isHunkHeader(line) {
                continue
            } else if !keywords.isEmpty {
                let changed = line.first == UInt8(ascii: "+") || line.first == UInt8(ascii: "-")
                let text = String(decoding: line, as: UTF8.self)
                for keyword in keywords where !inDiff || changed || keyword.prefixedMatchesAnyLine {
                    let regex = inDiff ? keyword.prefixed : keyword.unprefixed
                    if let regex, regex.matches(text) { result.keywordEntries.append(keyword.entryIndex) }
                }
            }
        }
        return result
    }

    // The script's line patterns, read byte by byte: `\s` and `\S` are Perl's (white space
    // outside ASCII included), `$` is the end or the final newline, which `\s*` takes.

    private typealias Line = ArraySlice<UInt8>

    /// The rest of `line` after `prefix`, nil when it does not start with it.
    private static func after(_ prefix: String, _ line: Line) -> Int? {
        let bytes = prefix.utf8
        guard line.count >= bytes.count, line.prefix(bytes.count).elementsEqual(bytes) else { return nil }
        return line.startIndex + bytes.count
    }

    /// The end of the run of non-space characters from `index`.
    private static func nonSpaceEnd(_ line: Line, from index: Int) -> Int {
        var end = index
        while end < line.endIndex, PerlSyntax.spaceLength(line, at: end) == 0 { end += 1 }
        return end
    }

    /// `(\S+)\s*$` from `index`.
    private static func lastWord(_ line: Line, from index: Int) -> String? {
        let end = nonSpaceEnd(line, from: index)
        guard end > index, PerlSyntax.skippingSpace(line, from: end) == line.endIndex else { return nil }
        return String(decoding: line[index..<end], as: UTF8.self)
    }

    /// `[0-7]+` from `index`: where it ends, nil when empty.
    private static func octalEnd(_ line: Line, from index: Int) -> Int? {
        var end = index
        while end < line.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(line[end]) { end += 1 }
        return end > index ? end : nil
    }

    /// `m/^ mode change [0-7]+ => [0-7]+ (\S+)\s*$/`.
    private static func modeChange(_ line: Line) -> String? {
        guard let start = after(" mode change ", line), let old = octalEnd(line, from: start),
            let arrow = after(" => ", line[old...]), let new = octalEnd(line, from: arrow),
            new < line.endIndex, line[new] == UInt8(ascii: " ")
        else { return nil }
        return lastWord(line, from: new + 1)
    }

    /// `m/^rename (?:from|to) (\S+)\s*$/`.
    private static func rename(_ line: Line) -> String? {
        guard let start = after("rename from ", line) ?? after("rename to ", line) else { return nil }
        return lastWord(line, from: start)
    }

    /// `m/^diff --git a\/(\S+) b\/(\S+)\s*$/`.
    private static func diffGit(_ line: Line) -> (String, String)? {
        guard let start = after("diff --git a/", line) else { return nil }
        let end = nonSpaceEnd(line, from: start)
        guard end > start, let second = after(" b/", line[end...]), let new = lastWord(line, from: second) else {
            return nil
        }
        return (String(decoding: line[start..<end], as: UTF8.self), new)
    }

    /// `m/^Fixes:\s+([0-9a-fA-F]{6,40})/`.
    private static func fixesTag(_ line: Line) -> String? {
        guard let start = after("Fixes:", line) else { return nil }
        let digits = PerlSyntax.skippingSpace(line, from: start)
        guard digits > start else { return nil }
        var end = digits
        while end < line.endIndex, end - digits < 40, line[end] < 0x80, Unicode.Scalar(line[end]).properties.isASCIIHexDigit {
            end += 1
        }
        return end - digits >= 6 ? String(decoding: line[digits..<end], as: UTF8.self) : nil
    }

    /// `m/^\+\+\+\s+(\S+)/` or `m/^---\s+(\S+)/`.
    private static func fileLabel(_ line: Line, _ marker: String) -> String? {
        guard let start = after(marker, line) else { return nil }
        let word = PerlSyntax.skippingSpace(line, from: start)
        let end = nonSpaceEnd(line, from: word)
        guard word > start, end > word else { return nil }
        return String(decoding: line[word..<end], as: UTF8.self)
    }

    /// `m/^\@\@ -(\d+),(\d+)/`, `\d` being any decimal digit.
    private static func isHunkHeader(_ line: Line) -> Bool {
        guard let start = after("@@ -", line) else { return false }
        var scalars = Substring(String(decoding: line[start...], as: UTF8.self)).unicodeScalars[...]
        func digits() -> Bool {
            var count = 0
            while let first = scalars.first, first.properties.numericType == .decimal {
                scalars.removeFirst()
                count += 1
            }
            return count > 0
        }
        guard digits(), scalars.first == "," else { return false }
        scalars.removeFirst()
        return digits()
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { hay in
            var index = 0
            let last = hay.count - needle.count
            while index <= last {
                guard let found = memchr(hay.baseAddress! + index, Int32(first), last - index + 1) else { return false }
                index = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - hay.baseAddress!
                if memcmp(hay.baseAddress! + index, needle, needle.count) == 0 { return true }
                index += 1
            }
            return false
        }
    }
}
