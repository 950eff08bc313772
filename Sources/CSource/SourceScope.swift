/// Where in a C file an edit applies: the whole file, one function definition, or one
/// `struct`/`union`/`enum` definition.
public enum SourceScope: Sendable, Hashable, CustomStringConvertible {
    /// The keyword that introduces a tagged type definition.
    public enum TagKeyword: String, Sendable, Hashable, CaseIterable {
        case `struct`, union, `enum`
    }

    /// The whole file.
    case file
    /// The body of the function definition with this name.
    case function(String)
    /// The body of `struct|union|enum NAME { … }`.
    case structure(TagKeyword, String)

    /// The scope as a template author would write it: `function vcpu_load`, `struct context_tracking`, `file`.
    public var description: String {
        switch self {
        case .file: "file"
        case .function(let name): "function \(name)"
        case .structure(let keyword, let name): "\(keyword.rawValue) \(name)"
        }
    }
}

/// One definition of a scope found in a file: its line and the token indices of its braces and body.
public struct ScopeDefinition: Sendable, Hashable {
    /// The scope that was looked for.
    public let scope: SourceScope
    /// The line of the definition's name (1 for the whole file).
    public let line: Int
    /// Index in `LexedSource.tokens` of the body's `{`, or nil for the whole file.
    public let openBrace: Int?
    /// Index of the matching `}`, or nil for the whole file or when the body is never closed.
    public let closeBrace: Int?
    /// Indices of the tokens strictly inside the braces (every token for the whole file).
    public let bodyTokens: Range<Int>
}
