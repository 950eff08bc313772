/// One edit of a C file: where (a scope, and which definition of it) and what to do there.
public struct SourceEdit: Sendable, Hashable {
    /// What to do inside the scope. Anchors are C text matched on tokens (see `Anchor`);
    /// code blocks are written without base indentation (see `Indentation.block(_:at:)`).
    public enum Action: Sendable, Hashable {
        /// Insert `code` as new lines after the line on which the anchor's last token ends,
        /// indented like the anchor's first line.
        case insertAfter(anchor: String, code: String)
        /// Insert `code` as new lines before the line on which the anchor's first token starts,
        /// indented like that line.
        case insertBefore(anchor: String, code: String)
        /// Replace the bytes from the anchor's first token to its last with `with`. Lines after
        /// the first get the anchor line's indentation, and one final line break is ignored.
        /// Replacing with nothing an anchor that fills whole lines removes those lines.
        case replace(anchor: String, with: String)
        /// Insert `code` after the line of the body's `{`, at the body's indentation.
        case insertAtBodyStart(code: String)
        /// Insert `code` before the line of the body's `}`, at the body's indentation.
        case insertAtBodyEnd(code: String)
        /// Add `expression` to a `||` chain right after the operand the anchor names,
        /// on its own continuation line aligned with the chain's first operand.
        case addDisjunct(afterOperand: String, expression: String)

        /// The anchor, for the actions that have one.
        public var anchor: String? {
            switch self {
            case .insertAfter(let anchor, _), .insertBefore(let anchor, _), .replace(let anchor, _),
                .addDisjunct(let anchor, _):
                anchor
            case .insertAtBodyStart, .insertAtBodyEnd:
                nil
            }
        }
    }

    /// The scope the edit applies in.
    public var scope: SourceScope
    /// Which definition of the scope (1-based), when the file has several; nil requires exactly one.
    public var occurrence: Int?
    /// What to do.
    public var action: Action

    /// Makes an edit.
    public init(scope: SourceScope, occurrence: Int? = nil, action: Action) {
        self.scope = scope
        self.occurrence = occurrence
        self.action = action
    }
}

/// A change made by an edit: the replaced byte range of the file before the edit, the new
/// bytes, and the line where the change starts.
public struct SourceChange: Sendable, Hashable {
    /// The bytes replaced, as offsets in the file before the edit (empty for an insertion).
    public let range: Range<Int>
    /// The bytes put in their place.
    public let replacement: [UInt8]
    /// The 1-based line, in the file before the edit, where the change starts.
    public let line: Int
}
