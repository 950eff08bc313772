import Apply
import CSource

/// The last resort of `kseries rebase` for a hunk of a hand-written patch that neither applies
/// as text nor merges three ways: what the hunk does to the C code, redone as a `SourceEdit`
/// on the new base, as a policy would do it.
///
/// Rules, tried in order, each kept only when CSource places it exactly once:
/// 1. Scope: the function the hunk is in (the `@@ … @@` text, or a function header among the
///    leading context lines), when the new base defines it exactly once; else the whole file.
/// 2. A pure insertion goes after the statement of the last non-blank context line before it
///    (also tried without that line's final `;`), else before the first one after it.
/// 3. A replacement that only adds `|| X` after an operand of a condition adds a disjunct there.
/// 4. Another replacement replaces the removed lines' tokens, when they occur once in the scope.
public enum HunkReanchoring {
    /// The file with `hunk` placed, or nil when no rule places it exactly once.
    public static func place(_ hunk: Hunk, in bytes: [UInt8], path: String) -> [UInt8]? {
        guard let change = Change(hunk) else { return nil }
        let scope = scope(of: hunk, in: bytes)
        for action in actions(for: change) {
            var editor = CSourceEditor(bytes: bytes, path: path)
            if (try? editor.apply(SourceEdit(scope: scope, action: action))) != nil { return editor.bytes }
        }
        return nil
    }

    /// A hunk as one contiguous change: context before, removed and added lines, context after.
    struct Change {
        var before: [String]
        var removed: [String]
        var added: [String]
        var after: [String]

        /// nil when the hunk changes lines in more than one place.
        init?(_ hunk: Hunk) {
            let lines = hunk.lines.map { (kind: $0.kind, text: Self.text($0.text)) }
            guard let first = lines.firstIndex(where: { $0.kind != .context }),
                let last = lines.lastIndex(where: { $0.kind != .context }),
                !lines[first...last].contains(where: { $0.kind == .context })
            else { return nil }
            before = lines[..<first].map(\.text)
            removed = lines[first...last].filter { $0.kind == .removed }.map(\.text)
            added = lines[first...last].filter { $0.kind == .added }.map(\.text)
            after = lines[(last + 1)...].map(\.text)
        }

        /// A line's text without its line break (decoded leniently).
        static func text(_ bytes: [UInt8]) -> String {
            var bytes = bytes[...]
            if bytes.last == 0x0A { bytes.removeLast() }
            if bytes.last == 0x0D { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Rule 1: the function the hunk is in when the file defines it once, else the file.
    static func scope(of hunk: Hunk, in bytes: [UInt8]) -> SourceScope {
        guard let name = functionName(of: hunk) else { return .file }
        let finder = ScopeFinder(CLexer.lex(bytes))
        return finder.definitions(of: .function(name)).count == 1 ? .function(name) : .file
    }

    /// The function around the hunk's first change: a header among the leading context lines (a
    /// line at column 0 with a `(`, followed by a `{`), none when a definition ends there (a `}`
    /// at column 0), else the one named by the `@@ … @@` text.
    static func functionName(of hunk: Hunk) -> String? {
        var name = identifier(beforeParenthesisIn: Change.text(hunk.section))
        let leading = hunk.lines.prefix { $0.kind == .context }.map { Change.text($0.text) }
        for (index, line) in leading.enumerated() {
            guard let first = line.first, !isBlank(first), first != "#", first != "/", first != "*" else { continue }
            let text = trimmed(line)
            if text.hasSuffix("}") || text.hasSuffix("};") {
                name = nil  // a definition ends: the change is between definitions
            } else if text.contains("("), !text.hasSuffix(";"), !text.hasSuffix(","),
                text.hasSuffix("{") || (index + 1 < leading.count && trimmed(leading[index + 1]) == "{")
            {
                name = identifier(beforeParenthesisIn: text)
            }
        }
        return name
    }

    /// The identifier right before the first `(` of `text`.
    static func identifier(beforeParenthesisIn text: String) -> String? {
        let lexed = CLexer.lex(text)
        guard let open = lexed.tokens.firstIndex(where: { lexed.token($0, is: "(") }), open > 0,
            lexed.tokens[open - 1].kind == .identifier
        else { return nil }
        return lexed.text(of: lexed.tokens[open - 1])
    }

    /// The edits to try, in order (rules 2 to 4).
    static func actions(for change: Change) -> [SourceEdit.Action] {
        if change.removed.isEmpty { return insertions(for: change) }
        var actions: [SourceEdit.Action] = []
        if let disjunct = disjunct(for: change) { actions.append(disjunct) }
        let old = change.removed.joined(separator: "\n")
        if hasName(old) {
            let indentation = indentation(of: change.removed.first { !trimmed($0).isEmpty } ?? "")
            let new = deindented(change.added, by: indentation)
            actions.append(.replace(anchor: old, with: new.isEmpty ? "" : new.joined(separator: "\n") + "\n"))
        }
        return actions
    }

    /// Rule 2. The blank context lines between the anchor and the insertion stay where they are:
    /// as many blank lines at the insertion's far end move to its near end (a diff may show a
    /// blank line either side of an insertion), or the anchor is not used.
    static func insertions(for change: Change) -> [SourceEdit.Action] {
        var actions: [SourceEdit.Action] = []
        let gapBefore = change.before.reversed().prefix { trimmed($0).isEmpty }.count
        if let anchor = change.before.last(where: { !trimmed($0).isEmpty }), hasName(anchor),
            let code = rotated(change.added, bringing: gapBefore, toFront: true)
        {
            let text = block(deindented(code, by: indentation(of: anchor)))
            let tokens = trimmed(anchor)
            actions.append(.insertAfter(anchor: tokens, code: text))
            if tokens.hasSuffix(";") { actions.append(.insertAfter(anchor: String(tokens.dropLast()), code: text)) }
        }
        let gapAfter = change.after.prefix { trimmed($0).isEmpty }.count
        if let anchor = change.after.first(where: { !trimmed($0).isEmpty }), hasName(anchor),
            let code = rotated(change.added, bringing: gapAfter, toFront: false)
        {
            actions.append(.insertBefore(anchor: trimmed(anchor), code: block(deindented(code, by: indentation(of: anchor)))))
        }
        return actions
    }

    /// `lines` with `count` blank lines moved from one end to the other; nil when that end has fewer.
    static func rotated(_ lines: [String], bringing count: Int, toFront: Bool) -> [String]? {
        guard count > 0 else { return lines }
        if toFront {
            guard lines.suffix(count).count == count, lines.suffix(count).allSatisfy({ trimmed($0).isEmpty }) else { return nil }
            return Array(lines.suffix(count)) + lines.dropLast(count)
        }
        guard lines.prefix(count).count == count, lines.prefix(count).allSatisfy({ trimmed($0).isEmpty }) else { return nil }
        return lines.dropFirst(count) + Array(lines.prefix(count))
    }

    /// Rule 3: the new lines are the old ones with `|| X` added right after an operand.
    static func disjunct(for change: Change) -> SourceEdit.Action? {
        let old = CLexer.lex(change.removed.joined(separator: "\n"))
        let new = CLexer.lex(change.added.joined(separator: "\n"))
        let oldSpellings = old.tokens.map { old.text(of: $0) }
        let newSpellings = new.tokens.map { new.text(of: $0) }
        let extra = newSpellings.count - oldSpellings.count
        guard !oldSpellings.isEmpty, extra >= 2 else { return nil }
        for at in 1...oldSpellings.count
        where newSpellings[at] == "||" && oldSpellings[..<at] == newSpellings[..<at]
            && oldSpellings[at...] == newSpellings[(at + extra)...]
        {
            guard let start = operandStart(oldSpellings, endingBefore: at) else { continue }
            let operand = old.bytes[old.tokens[start].range.lowerBound..<old.tokens[at - 1].range.upperBound]
            let expression = new.bytes[new.tokens[at + 1].range.lowerBound..<new.tokens[at + extra - 1].range.upperBound]
            return .addDisjunct(
                afterOperand: String(decoding: operand, as: UTF8.self), expression: String(decoding: expression, as: UTF8.self))
        }
        return nil
    }

    /// The first token of the maximal balanced run that ends before `end`, up to an unmatched
    /// opening bracket or an operator that binds looser than `||`; nil when the run is empty.
    static func operandStart(_ spellings: [String], endingBefore end: Int) -> Int? {
        let stops: Set<String> = ["||", ",", ";", "?", ":", "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "return"]
        var depth = 0
        var index = end - 1
        while index >= 0 {
            let spelling = spellings[index]
            if [")", "]", "}"].contains(spelling) {
                depth += 1
            } else if ["(", "[", "{"].contains(spelling) {
                if depth == 0 { break }
                depth -= 1
            } else if depth == 0, stops.contains(spelling) {
                break
            }
            index -= 1
        }
        return depth == 0 && index + 1 < end ? index + 1 : nil
    }

    /// Whether C text has a name or a number to anchor on (a lone `}` anchors nothing safely).
    static func hasName(_ text: String) -> Bool {
        CLexer.lex(text).tokens.contains { $0.kind == .identifier || $0.kind == .number }
    }

    /// Lines with `indentation` (or as much of it as they start with) removed.
    static func deindented(_ lines: [String], by indentation: String) -> [String] {
        lines.map { line in
            var rest = Substring(line)
            for character in indentation {
                guard rest.first == character else { break }
                rest.removeFirst()
            }
            return String(rest)
        }
    }

    /// Lines as a code block whose every line, blank ones included, is kept.
    static func block(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

    static func indentation(of line: String) -> String { String(line.prefix { isBlank($0) }) }

    static func trimmed(_ line: String) -> String {
        String(line.drop { isBlank($0) }.reversed().drop { isBlank($0) }.reversed())
    }

    static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }
}
