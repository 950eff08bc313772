/// Why an edit could not be placed in a C file, with what the template author needs to fix it:
/// the file, the scope, the anchor, and the nearest candidates that were found instead.
///
/// The `description` is self-contained and names candidates as `file:line: text`, e.g.
///
///     virt/kvm/kvm_main.c: function vcpu_load: anchor "preempt_enable();" matches 2 times, at lines 8, 9; it must match once:
///       virt/kvm/kvm_main.c:8: preempt_enable();
///       virt/kvm/kvm_main.c:9: preempt_enable();
///
/// Callers prefix it with the template file, line and kernel ref.
public struct AnchorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, with the evidence for it.
    public enum Kind: Sendable, Hashable {
        /// The scope has no definition in the file. `similar` are defined scopes with close names;
        /// `declarations` are lines where the name is only declared (a prototype, `struct NAME;`).
        case scopeNotFound(similar: [ScopeCandidate], declarations: [Int])
        /// The scope has several definitions (lines given; with `condition`, those under it) and
        /// no occurrence was chosen. `AnchorError.candidates` shows each with its condition.
        case scopeAmbiguous(definitions: [Int])
        /// None of the scope's definitions (lines given) is inside a preprocessor branch whose
        /// condition is `AnchorError.condition`. `AnchorError.candidates` shows their conditions.
        case conditionNotMatched(definitions: [Int])
        /// The chosen occurrence does not exist among the definitions (lines given).
        case occurrenceOutOfRange(Int, definitions: [Int])
        /// The anchor has no C tokens (it is empty or only comments).
        case emptyAnchor
        /// The anchor cannot be used as written (a misplaced wildcard, see `Anchor`).
        case invalidAnchor(reason: String)
        /// The expression to add with `addDisjunct` is blank.
        case emptyExpression
        /// The anchor matches nothing in the scope; `nearest` are the scope's lines most like it.
        case anchorNotFound(nearest: [SourceLine])
        /// The anchor matches more than once in the scope, starting on these lines (shown with
        /// their text in `AnchorError.candidates`).
        case anchorAmbiguous(lines: [Int])
        /// An `addDisjunct` anchor is not an operand of a `||` chain.
        case notAnOperand(line: Int, reason: String)
        /// The edit would land somewhere that cannot take new lines (a one-line body, inside a
        /// comment, in the middle of a backslash-continued line).
        case unsupportedLayout(line: Int, reason: String)
    }

    /// What went wrong.
    public var kind: Kind
    /// The file's display path.
    public var path: String
    /// The scope the edit names.
    public var scope: SourceScope
    /// The chosen definition, when the scope has several.
    public var occurrence: Int?
    /// The anchor text, for edits that have one.
    public var anchor: String?
    /// The preprocessor condition the edit chose its definition by, if any.
    public var condition: String?
    /// The lines behind the problem, shown one per line as `path:line: text` after it: every
    /// match of an ambiguous anchor, every definition of an ambiguous scope (with its condition).
    /// `anchorNotFound` carries its nearest lines in the kind.
    public var candidates: [SourceLine]

    /// Makes an error.
    public init(
        _ kind: Kind, path: String, scope: SourceScope, occurrence: Int? = nil, condition: String? = nil,
        anchor: String? = nil, candidates: [SourceLine] = []
    ) {
        self.kind = kind
        self.path = path
        self.scope = scope
        self.occurrence = occurrence
        self.condition = condition
        self.anchor = anchor
        self.candidates = candidates
    }

    /// The scope as shown in messages: `function vcpu_load`, `function f (occurrence 2)`,
    /// `function f (condition CONFIG_X)`.
    public var scopeDescription: String {
        var choices: [String] = []
        if let condition { choices.append("condition \(condition)") }
        if let occurrence { choices.append("occurrence \(occurrence)") }
        return choices.isEmpty ? scope.description : "\(scope) (\(choices.joined(separator: ", ")))"
    }

    /// `path: scope: problem` on one line, then each candidate on a line of its own, indented:
    /// `  path:line: text`. A single nearest line stays on the first line.
    public var description: String {
        summary + shownCandidates.map { "\n  \(located($0))" }.joined()
    }

    /// The first line of `description`: `path: scope: problem`, without the candidate lines.
    public var summary: String {
        "\(path): \(scopeDescription): \(problem)"
    }

    /// The candidates listed under the summary: `candidates`, or the nearest lines of a miss
    /// when there are several.
    public var shownCandidates: [SourceLine] {
        if case .anchorNotFound(let nearest) = kind, nearest.count > 1 { return nearest + candidates }
        return candidates
    }

    /// `path:line: text`, the form editors and terminals turn into links.
    private func located(_ line: SourceLine) -> String {
        "\(path):\(line.number): \(line.text)"
    }

    private var quotedAnchor: String {
        let words = (anchor ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        return "anchor \"\(words.joined(separator: " "))\""
    }

    private var problem: String {
        switch kind {
        case .scopeNotFound(let similar, let declarations):
            var text: String
            switch scope {
            case .conditional: text = "no #if, #elif or #else branch has this condition"
            case .includes: text = "the file has no #include line"
            default: text = "no definition found"
            }
            if !declarations.isEmpty {
                text += "; only declared at line\(declarations.count == 1 ? "" : "s") \(Self.list(declarations))"
            }
            if !similar.isEmpty {
                text += "; similar: " + similar.map(\.description).joined(separator: ", ")
            }
            return text
        case .scopeAmbiguous(let definitions):
            return "\(definitions.count) definitions, at lines \(Self.list(definitions)); "
                + "choose one with occurrence 1-\(definitions.count)"
                + (condition == nil ? " or with a condition" : "")
        case .conditionNotMatched(let definitions):
            return "no definition is under condition \(condition ?? ""); "
                + (definitions.count == 1 ? "the definition is" : "the \(definitions.count) definitions are")
                + " at line\(definitions.count == 1 ? "" : "s") \(Self.list(definitions))"
        case .occurrenceOutOfRange(let occurrence, let definitions):
            return "occurrence \(occurrence) requested but there "
                + (definitions.count == 1 ? "is 1 definition" : "are \(definitions.count) definitions")
                + ", at line\(definitions.count == 1 ? "" : "s") \(Self.list(definitions))"
        case .emptyAnchor:
            return "\(quotedAnchor) has no C tokens"
        case .invalidAnchor(let reason):
            return "\(quotedAnchor) cannot be used: \(reason)"
        case .emptyExpression:
            return "the expression to add after \(quotedAnchor) is empty"
        case .anchorNotFound(let nearest):
            let head = "\(quotedAnchor) matches nothing"
            switch nearest.count {
            case 0: return head
            case 1: return "\(head); nearest: \(located(nearest[0]))"
            default: return "\(head); nearest:"
            }
        case .anchorAmbiguous(let lines):
            return "\(quotedAnchor) matches \(lines.count) times, at lines \(Self.list(lines)); it must match once"
                + (candidates.isEmpty ? "" : ":")
        case .notAnOperand(let line, let reason):
            return "\(quotedAnchor) at line \(line) is not an operand of a || chain: \(reason)"
        case .unsupportedLayout(let line, let reason):
            let subject = anchor == nil ? "" : "\(quotedAnchor): "
            return "\(subject)cannot edit at line \(line): \(reason)"
        }
    }

    private static func list(_ lines: [Int]) -> String {
        lines.map(String.init).joined(separator: ", ")
    }
}

/// A numbered source line, shown as a candidate in error messages.
public struct SourceLine: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number.
    public let number: Int
    /// The line's text without leading and trailing whitespace.
    public let text: String

    /// Makes a line.
    public init(number: Int, text: String) {
        self.number = number
        self.text = text
    }

    /// `212: int cpu = raw_smp_processor_id();`
    public var description: String { "\(number): \(text)" }
}
