/// Where in a C file an edit applies: the whole file, one function definition, one
/// `struct`/`union`/`enum` definition, one branch of a preprocessor conditional, one macro
/// definition, or the file's block of `#include` lines.
public enum SourceScope: Sendable, Hashable, CustomStringConvertible {
    /// The keyword that introduces a tagged type definition.
    public enum TagKeyword: String, Sendable, Hashable, CaseIterable {
        case `struct`, union, `enum`
    }

    /// The whole file.
    case file
    /// The body of the function definition with this name (never a prototype or a call).
    ///
    /// A function named by a macro call is written as the macro and its first argument:
    /// `SYSCALL_DEFINE3(read)` for `SYSCALL_DEFINE3(read, unsigned int, fd, …) {`, and
    /// `FNAME(walk_addr_generic)` for `static int FNAME(walk_addr_generic)(…) {`; the bare macro
    /// name (`SYSCALL_DEFINE3`, as ctags names them) picks among all of them.
    case function(String)
    /// The body of `struct|union|enum NAME { … }`.
    case structure(TagKeyword, String)
    /// One branch of an `#if` … `#endif` block, named by its condition (see
    /// `ConditionalBlock.Branch.condition`): `CONFIG_X` or `#ifdef CONFIG_X` for the code under
    /// `#ifdef CONFIG_X`, `!CONFIG_X` for its `#else`, `IS_ENABLED(CONFIG_X)` for
    /// `#if IS_ENABLED(CONFIG_X)`. The body is the lines between the branch's directive and the
    /// next directive of the block (`#elif`, `#else` or `#endif`).
    case conditional(String)
    /// The replacement text of `#define NAME` (after the parameter list of a function-like
    /// macro), which may run over several backslash-continued lines.
    case macro(String)
    /// The run of `#include` lines at the top of the file: from the first `#include` to the last
    /// one before any other code or directive (blank lines, comments and `#if` blocks holding only
    /// includes may sit between them).
    case includes

    /// The scope as a template author would write it: `function vcpu_load`,
    /// `struct context_tracking`, `conditional CONFIG_X`, `macro CT_WARN_ON`, `includes`, `file`.
    public var description: String {
        switch self {
        case .file: "file"
        case .function(let name): "function \(name)"
        case .structure(let keyword, let name): "\(keyword.rawValue) \(name)"
        case .conditional(let condition): "conditional \(condition)"
        case .macro(let name): "macro \(name)"
        case .includes: "includes"
        }
    }
}

/// One definition of a scope found in a file: its line and the token indices of its braces and body.
public struct ScopeDefinition: Sendable, Hashable {
    /// How the body is delimited, which decides where body-start and body-end insertions go.
    enum Frame: Sendable, Hashable {
        /// The whole file.
        case file
        /// `{` … `}`: `openBrace` and `closeBrace`.
        case braces
        /// Whole lines between two directives (a conditional branch) or a run of lines (the
        /// include block): the body is lines `first...last` (empty when `last < first`).
        case lines(first: Int, last: Int)
        /// A `#define`: its lines `first...last`, all but the last ending in a backslash.
        case macro(first: Int, last: Int)
    }

    /// The scope that was looked for.
    public let scope: SourceScope
    /// The line of the definition's name (1 for the whole file; the directive's line for a
    /// branch or a macro; the first `#include` for the include block).
    public let line: Int
    /// Index in `LexedSource.tokens` of the body's `{`, or nil for scopes without braces.
    public let openBrace: Int?
    /// Index of the matching `}`, or nil for scopes without braces or when the body is never closed.
    public let closeBrace: Int?
    /// Indices of the tokens of the body: strictly inside the braces, every token for the whole
    /// file, the tokens between a branch's directive and the next, a macro's replacement list.
    public let bodyTokens: Range<Int>
    /// For a function named by a macro call, the macro with its first argument, which names this
    /// definition in a template: `SYSCALL_DEFINE3(read)`, `FNAME(walk_addr_generic)`.
    public let macroCallName: String?
    /// The token that places the definition: its name, the `#` of its directive, or 0.
    let nameToken: Int
    /// How the body is delimited.
    let frame: Frame

    init(
        scope: SourceScope, line: Int, openBrace: Int?, closeBrace: Int?, bodyTokens: Range<Int>,
        nameToken: Int = 0, macroCallName: String? = nil, frame: Frame
    ) {
        self.nameToken = nameToken
        self.scope = scope
        self.line = line
        self.openBrace = openBrace
        self.closeBrace = closeBrace
        self.bodyTokens = bodyTokens
        self.macroCallName = macroCallName
        self.frame = frame
    }
}
