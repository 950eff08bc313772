/// Finds function and `struct`/`union`/`enum` definitions in a lexed C file.
///
/// A function definition is, at brace depth 0 and outside directives, the name followed by a
/// balanced `( … )`, optional attribute-like tokens (`__acquires(x)`, `__attribute__((…))`,
/// `__must_hold(x)`), then `{`. The same name followed by `;` instead is a prototype; anything
/// else (a call, a use as an argument) is neither. A tagged type definition is
/// `struct|union|enum NAME {` at depth 0, also inside a `typedef`.
public struct ScopeFinder: Sendable {
    /// The file being searched.
    public let source: LexedSource
    let brackets: BracketStructure

    /// Prepares `source` for scope look-ups (matches its brackets once).
    public init(_ source: LexedSource) {
        self.source = source
        self.brackets = BracketStructure(source)
    }

    /// Every definition of `scope`, in source order (one for `.file`).
    public func definitions(of scope: SourceScope) -> [ScopeDefinition] {
        switch scope {
        case .file:
            return [
                ScopeDefinition(
                    scope: .file, line: 1, openBrace: nil, closeBrace: nil, bodyTokens: 0..<source.tokens.count)
            ]
        case .function(let name):
            let name = Array(name.utf8)
            return namePositions(spelled: name).compactMap { position in
                guard case .definition(let open) = functionShape(at: position) else { return nil }
                return definition(of: scope, namedAt: position, openBraceAt: open)
            }
        case .structure(let keyword, let name):
            let keywordBytes = Array(keyword.rawValue.utf8)
            let name = Array(name.utf8)
            return namePositions(spelled: keywordBytes).compactMap { position in
                guard case .definition(let nameAt, let open) = tagShape(at: position),
                    source.spelling(of: token(at: nameAt)).elementsEqual(name)
                else { return nil }
                return definition(of: scope, namedAt: nameAt, openBraceAt: open)
            }
        }
    }

    /// Lines of the declarations of `scope` that are not definitions: function prototypes
    /// and `struct NAME;` forward declarations.
    public func declarations(of scope: SourceScope) -> [Int] {
        switch scope {
        case .file:
            return []
        case .function(let name):
            return namePositions(spelled: Array(name.utf8)).compactMap { position in
                guard case .declaration = functionShape(at: position) else { return nil }
                return token(at: position).line
            }
        case .structure(let keyword, let name):
            let name = Array(name.utf8)
            return namePositions(spelled: Array(keyword.rawValue.utf8)).compactMap { position in
                guard case .declaration(let nameAt) = tagShape(at: position),
                    source.spelling(of: token(at: nameAt)).elementsEqual(name)
                else { return nil }
                return token(at: nameAt).line
            }
        }
    }

    /// Every defined function and tagged type, each with the line of its first definition.
    public func definedScopes() -> [(scope: SourceScope, line: Int)] {
        var found: [(scope: SourceScope, line: Int)] = []
        var seen: Set<SourceScope> = []
        for position in brackets.code.indices where brackets.braceDepth[position] == 0 {
            let token = token(at: position)
            guard token.kind == .identifier else { continue }
            let scope: SourceScope
            if case .definition = functionShape(at: position) {
                scope = .function(source.text(of: token))
            } else if let keyword = SourceScope.TagKeyword(rawValue: source.text(of: token)),
                case .definition(let nameAt, _) = tagShape(at: position)
            {
                scope = .structure(keyword, source.text(of: self.token(at: nameAt)))
            } else {
                continue
            }
            if seen.insert(scope).inserted { found.append((scope, token.line)) }
        }
        return found
    }

    /// The one definition of `scope`, or definition number `occurrence` (1-based) when the
    /// file has several (typically a real one and an `#ifdef` stub).
    public func resolve(_ scope: SourceScope, occurrence: Int? = nil, path: String) throws(AnchorError)
        -> ScopeDefinition
    {
        let found = definitions(of: scope)
        func failure(_ kind: AnchorError.Kind) -> AnchorError {
            AnchorError(kind, path: path, scope: scope, occurrence: occurrence)
        }
        if found.isEmpty {
            throw failure(.scopeNotFound(similar: similarScopes(to: scope), declarations: declarations(of: scope)))
        }
        guard let occurrence else {
            guard found.count == 1 else { throw failure(.scopeAmbiguous(definitions: found.map(\.line))) }
            return found[0]
        }
        guard found.indices.contains(occurrence - 1) else {
            throw failure(.occurrenceOutOfRange(occurrence, definitions: found.map(\.line)))
        }
        return found[occurrence - 1]
    }

    /// Defined scopes whose names are close to the one asked for: edit distance at most 2,
    /// one name a prefix of the other, or the same name with another tag keyword.
    func similarScopes(to scope: SourceScope) -> [ScopeCandidate] {
        guard let wanted = Self.name(of: scope) else { return [] }
        var ranked: [(distance: Int, candidate: ScopeCandidate)] = []
        for (candidate, line) in definedScopes() where candidate != scope {
            guard Self.isSameKind(candidate, scope), let name = Self.name(of: candidate) else { continue }
            let distance = EditDistance.between(name, wanted, limit: 3)
            let prefixed = min(name.count, wanted.count) >= 4 && (name.hasPrefix(wanted) || wanted.hasPrefix(name))
            guard distance <= 2 || prefixed else { continue }
            ranked.append((distance, ScopeCandidate(scope: candidate, line: line)))
        }
        ranked.sort { ($0.distance, $0.candidate.line) < ($1.distance, $1.candidate.line) }
        return ranked.prefix(5).map(\.candidate)
    }

    private static func name(of scope: SourceScope) -> String? {
        switch scope {
        case .file: nil
        case .function(let name), .structure(_, let name): name
        }
    }

    private static func isSameKind(_ first: SourceScope, _ second: SourceScope) -> Bool {
        switch (first, second) {
        case (.function, .function), (.structure, .structure): true
        default: false
        }
    }

    // MARK: - Shapes

    private enum FunctionShape {
        case definition(openBrace: Int)
        case declaration
        case neither
    }

    private enum TagShape {
        case definition(name: Int, openBrace: Int)
        case declaration(name: Int)
        case neither
    }

    /// Classifies the identifier at code `position` as the name of a function definition,
    /// a prototype, or neither.
    private func functionShape(at position: Int) -> FunctionShape {
        let code = brackets.code
        guard brackets.braceDepth[position] == 0 else { return .neither }
        let open: Int
        if brackets.parenDepth[position] == 0, isPunctuator(at: position + 1, "(") {
            open = position + 1
        } else if brackets.parenDepth[position] == 1, isPunctuator(at: position - 1, "("),
            isPunctuator(at: position + 1, ")"), isPunctuator(at: position + 2, "(")
        {
            open = position + 2  // `int (name)(args)`, written so to stop macro expansion
        } else {
            return .neither
        }
        guard let close = brackets.partner(of: open) else { return .neither }
        var next = close + 1
        while next < code.count {
            let token = token(at: next)
            if isPunctuator(at: next, "{") { return .definition(openBrace: next) }
            if isPunctuator(at: next, ";") || isPunctuator(at: next, ",") {
                return precedesDeclarator(position) ? .declaration : .neither
            }
            guard token.kind == .identifier else { return .neither }
            next += 1
            if isPunctuator(at: next, "("), let attributeClose = brackets.partner(of: next) {
                next = attributeClose + 1
            }
        }
        return .neither
    }

    /// Whether the token before a name can end a declaration's specifiers (`int`, `*`, `)`).
    private func precedesDeclarator(_ position: Int) -> Bool {
        guard position > 0 else { return true }
        let previous = token(at: position - 1)
        return previous.kind == .identifier || isPunctuator(at: position - 1, "*")
            || isPunctuator(at: position - 1, "(")
    }

    /// Classifies the `struct`/`union`/`enum` keyword at code `position`: a definition
    /// (`struct NAME {`), a forward declaration (`struct NAME;`), or neither.
    private func tagShape(at position: Int) -> TagShape {
        guard brackets.braceDepth[position] == 0 else { return .neither }
        var next = position + 1
        var name: Int?
        var names = 0
        while next < brackets.code.count {
            if isPunctuator(at: next, "{") {
                guard let name else { return .neither }
                return .definition(name: name, openBrace: next)
            }
            if isPunctuator(at: next, ";") {
                guard let name, names == 1 else { return .neither }
                return .declaration(name: name)
            }
            guard token(at: next).kind == .identifier else { return .neither }
            if isPunctuator(at: next + 1, "("), let close = brackets.partner(of: next + 1) {
                next = close + 1  // an attribute such as `__attribute__((packed))`
            } else {
                name = next
                names += 1
                next += 1
            }
        }
        return .neither
    }

    // MARK: - Helpers

    private func definition(of scope: SourceScope, namedAt name: Int, openBraceAt open: Int) -> ScopeDefinition {
        let openIndex = brackets.code[open]
        let closeIndex = brackets.partner(of: open).map { brackets.code[$0] }
        return ScopeDefinition(
            scope: scope, line: token(at: name).line, openBrace: openIndex, closeBrace: closeIndex,
            bodyTokens: (openIndex + 1)..<(closeIndex ?? source.tokens.count))
    }

    /// Code positions at brace depth 0 of identifiers spelled `name`.
    private func namePositions(spelled name: [UInt8]) -> [Int] {
        var positions: [Int] = []
        let code = brackets.code
        let tokens = source.tokens
        source.bytes.withUnsafeBufferPointer { bytes in
            name.withUnsafeBufferPointer { name in
                guard let first = name.first else { return }
                for position in code.indices where brackets.braceDepth[position] == 0 {
                    let token = tokens[code[position]]
                    guard token.range.count == name.count, bytes[token.range.lowerBound] == first,
                        token.kind == .identifier
                    else { continue }
                    if bytes[token.range].elementsEqual(name) { positions.append(position) }
                }
            }
        }
        return positions
    }

    func token(at position: Int) -> CToken {
        source.tokens[brackets.code[position]]
    }

    func isPunctuator(at position: Int, _ spelling: StaticString) -> Bool {
        guard position >= 0, position < brackets.code.count else { return false }
        let token = token(at: position)
        return token.kind == .punctuator && source.token(token, is: spelling)
    }
}

/// A defined scope offered as a correction when the requested one is not found.
public struct ScopeCandidate: Sendable, Hashable, CustomStringConvertible {
    /// The scope that is defined.
    public let scope: SourceScope
    /// The line of its first definition.
    public let line: Int

    /// Makes a candidate.
    public init(scope: SourceScope, line: Int) {
        self.scope = scope
        self.line = line
    }

    /// `vcpu_load (line 203)` for functions, `struct kvm (line 12)` for tagged types.
    public var description: String {
        switch scope {
        case .function(let name): "\(name) (line \(line))"
        default: "\(scope) (line \(line))"
        }
    }
}
