/// The corrections offered when a template names a scope the file does not define: defined
/// scopes of the same kind whose names are close to the one asked for, or branches whose
/// condition resembles the one asked for. `AnchorError.scopeNotFound` lists them.
struct ScopeSuggester {
    let finder: ScopeFinder

    /// Defined scopes whose names are close to the one asked for: edit distance at most 2,
    /// one name a prefix of the other, or the same name with another tag keyword.
    func similarScopes(to scope: SourceScope) -> [ScopeCandidate] {
        if case .conditional(let condition) = scope { return similarBranches(to: condition) }
        guard let wanted = Self.name(of: scope) else { return [] }
        var ranked: [(distance: Int, candidate: ScopeCandidate)] = []
        for (candidate, line) in finder.definedScopes() where candidate != scope {
            guard Self.isSameKind(candidate, scope), let name = Self.name(of: candidate) else { continue }
            let distance = EditDistance.between(name, wanted, limit: 3)
            let prefixed = min(name.count, wanted.count) >= 4 && (name.hasPrefix(wanted) || wanted.hasPrefix(name))
            guard distance <= 2 || prefixed else { continue }
            ranked.append((distance, ScopeCandidate(scope: candidate, line: line)))
        }
        ranked.sort { ($0.distance, $0.candidate.line) < ($1.distance, $1.candidate.line) }
        return ranked.prefix(5).map(\.candidate)
    }

    /// Branches whose condition shares a name with the one asked for, contains it, or is close
    /// to it.
    private func similarBranches(to condition: String) -> [ScopeCandidate] {
        let wanted = ConditionText.normalizedTokens(ofQuery: condition)
        let names = Set(wanted.filter { $0.utf8.first.map(ASCII.isIdentifierStart) ?? false })
        var found: [ScopeCandidate] = []
        for block in finder.conditionalBlocks() {
            for branch in block.branches where !branch.condition.isEmpty {
                let tokens = ConditionText.normalizedTokens(branch.condition)
                let text = tokens.joined()
                let close =
                    EditDistance.between(text, wanted.joined(), limit: 3) <= 2
                    || (!wanted.isEmpty && text.contains(wanted.joined()))
                guard close || !names.isDisjoint(with: tokens) else { continue }
                found.append(ScopeCandidate(scope: .conditional(branch.condition), line: branch.directive.line))
            }
        }
        return Array(found.prefix(5))
    }

    private static func name(of scope: SourceScope) -> String? {
        switch scope {
        case .file, .includes, .conditional: nil
        case .function(let name), .structure(_, let name), .macro(let name): name
        }
    }

    private static func isSameKind(_ first: SourceScope, _ second: SourceScope) -> Bool {
        switch (first, second) {
        case (.function, .function), (.structure, .structure), (.macro, .macro): true
        default: false
        }
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
