import Foundation

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

    /// A `K:` line compiled with and without the `^[+-].*` prefix.
    struct Keyword {
        let entryIndex: Int
        let pattern: String
        let unprefixed: PerlRegex?
        let prefixed: PerlRegex?
        /// Whether the prefixed pattern can match a line not starting with `+` or `-`
        /// (through a top-level `|`); when not, such lines need no trying.
        let prefixedMatchesAnyLine: Bool

        init(entryIndex: Int, pattern: String) {
            self.entryIndex = entryIndex
            self.pattern = pattern
            unprefixed = try? PerlRegex(pattern, extended: true)
            prefixed = try? PerlRegex("^[+-].*" + pattern, extended: true)
            prefixedMatchesAnyLine = Self.mayHaveTopLevelAlternation(pattern)
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

    private static let modeChange = PerlRegex(
        fixed: #"^ mode change [0-7]+ => [0-7]+ (\#(PerlSyntax.nonSpace)+)\#(PerlSyntax.space)*$"#)
    private static let rename = PerlRegex(
        fixed: #"^rename (?:from|to) (\#(PerlSyntax.nonSpace)+)\#(PerlSyntax.space)*$"#)
    private static let diffGit = PerlRegex(
        fixed: #"^diff --git a\/(\#(PerlSyntax.nonSpace)+) b\/(\#(PerlSyntax.nonSpace)+)\#(PerlSyntax.space)*$"#)
    private static let fixesTag = PerlRegex(fixed: #"^Fixes:\#(PerlSyntax.space)+([0-9a-fA-F]{6,40})"#)
    private static let newFile = PerlRegex(fixed: #"^\+\+\+\#(PerlSyntax.space)+(\#(PerlSyntax.nonSpace)+)"#)
    private static let oldFile = PerlRegex(fixed: #"^---\#(PerlSyntax.space)+(\#(PerlSyntax.nonSpace)+)"#)
    private static let hunkHeader = PerlRegex(fixed: #"^\@\@ -(\d+),(\d+)"#)

    let keywords: [Keyword]

    func scan(_ patch: [UInt8]) -> Result {
        var result = Result()
        var inDiff = false
        for line in Self.lines(String(decoding: patch, as: UTF8.self)) {
            if let groups = Self.modeChange.captures(line) {
                result.files.append(groups[1] ?? "")
            } else if let groups = Self.rename.captures(line) {
                result.files.append(groups[1] ?? "")
            } else if let groups = Self.diffGit.captures(line) {
                result.files.append(groups[1] ?? "")
                result.files.append(groups[2] ?? "")
            } else if let groups = Self.fixesTag.captures(line) {
                result.fixes.append(groups[1] ?? "")
            } else if let groups = Self.newFile.captures(line) ?? Self.oldFile.captures(line) {
                // s@^[^/]*/@@ (at most one leading component), then s@\n@@.
                var name = Substring(groups[1] ?? "")
                if let slash = name.firstIndex(of: "/") { name = name[name.index(after: slash)...] }
                result.files.append(String(name).replacingOccurrences(of: "\n", with: ""))
                inDiff = true
            } else if Self.hunkHeader.matches(line) {
                continue
            } else {
                let changed = line.unicodeScalars.first.map { $0 == "+" || $0 == "-" } ?? false
                for keyword in keywords where !inDiff || changed || keyword.prefixedMatchesAnyLine {
                    let regex = inDiff ? keyword.prefixed : keyword.unprefixed
                    if let regex, regex.matches(line) { result.keywordEntries.append(keyword.entryIndex) }
                }
            }
        }
        return result
    }

    /// Perl's `<$fh>` lines: each with its `\n`, the last one without when the text lacks it.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            current.append(scalar)
            if scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
