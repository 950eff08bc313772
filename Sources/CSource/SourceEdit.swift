/// One edit of a C file: where (a scope, and which definition of it) and what to do there.
public struct SourceEdit: Sendable, Hashable {
    /// What to do inside the scope. Anchors are C text matched on tokens (see `Anchor`);
    /// code blocks are written without base indentation (see `Indentation.block(_:at:)`).
    public enum Action: Sendable, Hashable {
        /// Insert `code` as new lines after the statement in which the anchor ends, indented
        /// like that statement's first line. For an anchor that ends its statement
        /// (`int cpu = get_cpu();`) that is the anchor's last line; for one inside a statement
        /// (`context_tracking_guest_exit()` in `if (!context_tracking_guest_exit()) { … }`) it is
        /// after the whole statement, its block and any `else` included, so that code never
        /// lands inside a condition or a block by accident. An anchor ending with `{` opens a
        /// block: the code goes first in it, at the block's indentation. In an initializer or an
        /// enum body (`.release = kvm_vcpu_release,`) each line is an element: the code goes after
        /// the anchor's last line. An anchor in a directive
        /// puts the code after the directive (inside a `.macro` scope: after the anchor's line,
        /// continuing the macro).
        case insertAfter(anchor: String, code: String)
        /// Insert `code` as new lines before the statement in which the anchor starts (before an
        /// `if` whose condition holds the anchor, before the first line of a statement spread over
        /// several), indented like that statement's first line; in an initializer or an enum
        /// body, before the anchor's first line.
        case insertBefore(anchor: String, code: String)
        /// Replace the bytes from the anchor's first token to its last with `with`. Lines after
        /// the first get the anchor line's indentation, and one final line break is ignored.
        /// Replacing with nothing an anchor that fills whole lines removes those lines. Inside a
        /// `.macro` scope, new line breaks get aligned backslashes.
        case replace(anchor: String, with: String)
        /// Insert `code` at the start of the scope's body, at the body's indentation: after the
        /// line of the `{`; after a branch's directive; before the first line of the include
        /// block; after a macro's `#define` line; at the top of the file.
        case insertAtBodyStart(code: String)
        /// Insert `code` at the end of the scope's body, at the body's indentation: before the
        /// line of the `}`; before the directive that ends a branch (`#elif`, `#else`, `#endif`);
        /// after the last line of the include block or of a macro; at the end of the file.
        case insertAtBodyEnd(code: String)
        /// Insert `code` on new lines before the whole definition of a function, struct, union
        /// or enum: above its return type or keyword and above the comment right over it.
        case insertBeforeDefinition(code: String)
        /// Insert `code` on new lines after the definition's closing `}` (or `};`), and after an
        /// `EXPORT_SYMBOL*(name);` that follows a function.
        case insertAfterDefinition(code: String)
        /// Add `expression` to a `||` chain right after the operand the anchor names,
        /// on its own continuation line aligned with the chain's first operand.
        case addDisjunct(afterOperand: String, expression: String)

        /// The anchor, for the actions that have one.
        public var anchor: String? {
            switch self {
            case .insertAfter(let anchor, _), .insertBefore(let anchor, _), .replace(let anchor, _),
                .addDisjunct(let anchor, _):
                anchor
            case .insertAtBodyStart, .insertAtBodyEnd, .insertBeforeDefinition, .insertAfterDefinition:
                nil
            }
        }
    }

    /// The scope the edit applies in.
    public var scope: SourceScope
    /// Which definition of the scope (1-based), when the file has several; nil requires exactly one.
    /// With a `condition`, it counts only the definitions under that condition.
    public var occurrence: Int?
    /// The preprocessor condition of the definition to edit, when the file has several (a real
    /// function under `#ifdef CONFIG_X` and a stub under its `#else`): a definition is kept when
    /// any `#if`/`#ifdef`/`#ifndef`/`#elif`/`#else` branch around it has this condition.
    ///
    /// Write the condition as a C preprocessor expression: `CONFIG_X` (also `defined(CONFIG_X)` or
    /// the directive `#ifdef CONFIG_X`) for `#ifdef CONFIG_X`, `!CONFIG_X` (or `#ifndef CONFIG_X`)
    /// for `#ifndef CONFIG_X` and for the `#else` of `#ifdef CONFIG_X`, `IS_ENABLED(CONFIG_X)` for
    /// `#if IS_ENABLED(CONFIG_X)`, `!(A && B)` for the `#else` of `#if A && B`, `!A && !B` for the
    /// `#else` of `#if A` `#elif B`. Tokens are compared, so spacing does not matter; see
    /// `ConditionalBlock.Branch.condition` and `ConditionText`. (In YAML, quote a leading `!`.)
    public var condition: String?
    /// What to do.
    public var action: Action

    /// Makes an edit.
    public init(scope: SourceScope, occurrence: Int? = nil, condition: String? = nil, action: Action) {
        self.scope = scope
        self.occurrence = occurrence
        self.condition = condition
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
