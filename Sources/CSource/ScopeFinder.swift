/// Finds definitions in a lexed C file: functions, `struct`/`union`/`enum` types, branches of
/// preprocessor conditionals, macros, and the include block.
///
/// A function definition is, at brace depth 0 and outside directives, a declarator (a name and
/// its parameter list, see `FunctionShape.swift` for the kernel idioms) followed by optional
/// attribute calls (`__acquires(x)`, `__attribute__((…))`) and `{`. The same name followed by
/// `;` is a prototype; anything else (a call, a macro invocation, a use as an argument) is
/// neither. A tagged type definition is `struct|union|enum NAME {` at depth 0, also inside a
/// `typedef`. Both branches of an `#if` are read, so an `#ifdef`ed stub and the real function
/// are two definitions of one name; `resolve` picks one by `occurrence` or `condition`.
public struct ScopeFinder: Sendable {
    /// The file being searched.
    public let source: LexedSource
    let brackets: BracketStructure

    /// Prepares `source` for scope look-ups (matches its brackets once).
    public init(_ source: LexedSource) {
        self.source = source
        self.brackets = BracketStructure(source)
    }

    /// Prepares `source`, matching its brackets in the tables of `spare` (see
    /// `BracketStructure.init(_:reusing:)`).
    init(_ source: consuming LexedSource, reusing spare: consuming BracketStructure?) {
        self.brackets = BracketStructure(source, reusing: consume spare)
        self.source = consume source
    }

    /// The lexing and the bracket tables, taken apart so that an editor can change the one and
    /// reuse the other in place.
    consuming func takeApart() -> (source: LexedSource, brackets: BracketStructure) {
        (source, brackets)
    }

    /// Every definition of `scope`, in source order (one for `.file`; none or one for `.includes`).
    public func definitions(of scope: SourceScope) -> [ScopeDefinition] {
        switch scope {
        case .file:
            return [
                ScopeDefinition(
                    scope: .file, line: 1, openBrace: nil, closeBrace: nil, bodyTokens: 0..<source.tokens.count,
                    frame: .file)
            ]
        case .function(let name):
            if let call = MacroCallName(name) {
                return functionDefinitions(named: call.macro, as: scope).filter {
                    $0.macroCallName.map { MacroCallName($0) == call } ?? false
                }
            }
            return functionDefinitions(named: name, as: scope)
        case .structure(let keyword, let name):
            let keywordBytes = Array(keyword.rawValue.utf8)
            let name = Array(name.utf8)
            return namePositions(spelled: keywordBytes).compactMap { position in
                guard case .definition(let nameAt, let open) = tagShape(at: position),
                    source.spelling(of: token(at: nameAt)).elementsEqual(name)
                else { return nil }
                return definition(of: scope, namedAt: nameAt, openBraceAt: open)
            }
        case .conditional(let condition):
            let wanted = ConditionText.normalizedTokens(ofQuery: condition)
            return branchDefinitions(as: scope) { ConditionText.normalizedTokens($0.condition) == wanted }
        case .macro(let name):
            return macroDefinitions(as: scope) { $0 == name }
        case .includes:
            return includeBlock().map { [$0] } ?? []
        }
    }

    /// Lines of the declarations of `scope` that are not definitions: function prototypes
    /// and `struct NAME;` forward declarations.
    public func declarations(of scope: SourceScope) -> [Int] {
        switch scope {
        case .file, .conditional, .macro, .includes:
            return []
        case .function(let name):
            return namePositions(spelled: Array((MacroCallName(name)?.macro ?? name).utf8)).compactMap { position in
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

    /// Every function definition in the file, in source order, each `#if` alternative on its
    /// own, named as ctags names them (`SYSCALL_DEFINE3` for `SYSCALL_DEFINE3(read, …) {`; see
    /// `ScopeDefinition.macroCallName` for the full name): the list ctags gives for kind `f`.
    public func functionDefinitions() -> [ScopeDefinition] {
        declaratorCandidates().compactMap { position in
            guard case .definition(let open) = functionShape(at: position) else { return nil }
            return functionDefinition(
                as: .function(source.text(of: token(at: position))), namedAt: position, openBraceAt: open)
        }
    }

    /// Code positions of the identifiers at brace depth 0 followed by `(` or `)`: the only ones
    /// `functionShape` can take for a name. A quick first pass, for large files in debug builds.
    func declaratorCandidates() -> [Int] {
        var candidates: [Int] = []
        let bytes = source.bytes
        source.tokens.withUnsafeBufferPointer { tokens in
            brackets.code.indices32.withUnsafeBufferPointer { code in
                brackets.braceDepth.withUnsafeBufferPointer { depth in
                    var position = 0
                    while position + 1 < code.count {
                        if depth[position] == 0, tokens[Int(code[position])].kind == .identifier {
                            let next = tokens[Int(code[position + 1])]
                            if next.kind == .punctuator, next.range.upperBound - next.range.lowerBound == 1 {
                                let byte = bytes[next.range.lowerBound]
                                if byte == 0x28 || byte == 0x29 { candidates.append(position) }  // ( or )
                            }
                        }
                        position += 1
                    }
                }
            }
        }
        return candidates
    }

    /// Every defined function, tagged type and macro, each with the line of its first definition.
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
        for definition in macroDefinitions(as: nil, where: { _ in true }) {
            if seen.insert(definition.scope).inserted { found.append((definition.scope, definition.line)) }
        }
        return found
    }

    /// The one definition of `scope` to edit.
    ///
    /// With several definitions (typically a real function and its `#ifdef` stub), `condition`
    /// keeps those inside a preprocessor branch whose condition it names (any enclosing branch,
    /// see `ConditionText`), and `occurrence` (1-based) picks one of those left, in source order.
    ///
    /// - Throws: `AnchorError` when nothing is defined, when no definition is under `condition`,
    ///   when several are left and no occurrence was given, or when the occurrence does not
    ///   exist. The error lists the definitions with their lines and conditions.
    public func resolve(_ scope: SourceScope, occurrence: Int? = nil, condition: String? = nil, path: String)
        throws(AnchorError) -> ScopeDefinition
    {
        let all = definitions(of: scope)
        let blocks = all.count > 1 || condition != nil ? conditionalBlocks() : []
        func failure(_ kind: AnchorError.Kind, _ listed: [ScopeDefinition] = []) -> AnchorError {
            // The kind lists every line; the text of the first few is enough to choose.
            AnchorError(
                kind, path: path, scope: scope, occurrence: occurrence, condition: condition,
                candidates: listed.prefix(Self.listedCandidates).map { candidateLine($0, blocks: blocks) })
        }
        if all.isEmpty {
            let similar = ScopeSuggester(finder: self).similarScopes(to: scope)
            let declared = declarations(of: scope)
            var error = failure(.scopeNotFound(similar: similar, declarations: declared))
            error.candidates = (declared + similar.map(\.line)).sorted().map {
                SourceLine(number: $0, text: source.trimmedText(ofLine: $0))
            }
            throw error
        }
        var found = all
        if let condition {
            let inside = tokensUnder(condition, blocks: blocks)
            found = all.filter { inside[$0.nameToken] }
            if found.isEmpty { throw failure(.conditionNotMatched(definitions: all.map(\.line)), all) }
        }
        guard let occurrence else {
            guard found.count == 1 else { throw failure(.scopeAmbiguous(definitions: found.map(\.line)), found) }
            return found[0]
        }
        guard found.indices.contains(occurrence - 1) else {
            throw failure(.occurrenceOutOfRange(occurrence, definitions: found.map(\.line)), found)
        }
        return found[occurrence - 1]
    }

    /// How many definitions an error shows with their text.
    static let listedCandidates = 12

    // MARK: - Preprocessor structure

    /// Every directive of the file, in order.
    public func directives() -> [Directive] {
        Directive.all(in: source)
    }

    /// Every `#if` … `#endif` block of the file, in the order of their `#if` lines.
    public func conditionalBlocks() -> [ConditionalBlock] {
        ConditionalBlock.all(in: source, directives: directives())
    }

    /// The conditions of the preprocessor branches around a definition, innermost first:
    /// `["CONFIG_CONTEXT_TRACKING_USER", "!_LINUX_CONTEXT_TRACKING_H"]`.
    public func conditions(of definition: ScopeDefinition) -> [String] {
        conditions(ofToken: definition.nameToken, blocks: conditionalBlocks())
    }

    /// For every token, whether a branch with condition `condition` encloses it: one pass over
    /// the branches and the tokens, however deeply the blocks nest.
    func tokensUnder(_ condition: String, blocks: [ConditionalBlock]) -> [Bool] {
        let wanted = ConditionText.normalizedTokens(ofQuery: condition)
        var changes = [Int](repeating: 0, count: source.tokens.count + 1)
        var cache: [String: Bool] = [:]
        for block in blocks {
            for branch in block.branches where !branch.bodyTokens.isEmpty {
                let matches =
                    cache[branch.condition]
                    ?? {
                        let result =
                            !branch.condition.isEmpty && ConditionText.normalizedTokens(branch.condition) == wanted
                        cache[branch.condition] = result
                        return result
                    }()
                guard matches else { continue }
                changes[branch.bodyTokens.lowerBound] += 1
                changes[branch.bodyTokens.upperBound] -= 1
            }
        }
        var inside = [Bool](repeating: false, count: source.tokens.count + 1)
        var depth = 0
        for index in changes.indices {
            depth += changes[index]
            inside[index] = depth > 0
        }
        return inside
    }

    func conditions(ofToken index: Int, blocks: [ConditionalBlock]) -> [String] {
        var found: [(depth: Int, condition: String)] = []
        for block in blocks {
            for branch in block.branches where branch.bodyTokens.contains(index) {
                found.append((block.depth, branch.condition))
            }
        }
        return found.sorted { $0.depth > $1.depth }.map(\.condition)
    }

    /// A definition as listed in errors: its line's text and, when it has one, its innermost
    /// condition, as a template would write it.
    func candidateLine(_ definition: ScopeDefinition, blocks: [ConditionalBlock]) -> SourceLine {
        var text = source.trimmedText(ofLine: definition.line)
        if let condition = conditions(ofToken: definition.nameToken, blocks: blocks).first {
            text += "  [condition: \(condition)]"
        }
        return SourceLine(number: definition.line, text: text)
    }

    // MARK: - Definitions by kind

    private func functionDefinitions(named name: String, as scope: SourceScope) -> [ScopeDefinition] {
        namePositions(spelled: Array(name.utf8)).compactMap { position in
            guard case .definition(let open) = functionShape(at: position) else { return nil }
            return functionDefinition(as: scope, namedAt: position, openBraceAt: open)
        }
    }

    private func functionDefinition(as scope: SourceScope, namedAt position: Int, openBraceAt open: Int)
        -> ScopeDefinition
    {
        definition(of: scope, namedAt: position, openBraceAt: open, macroCallName: macroCallName(at: position))
    }

    /// `MACRO(first)` for a definition whose name is a macro call: `SYSCALL_DEFINE3(read, …) {`
    /// (nothing but a declaration boundary before it) or `FNAME(walk)(…) {` (two groups).
    private func macroCallName(at position: Int) -> String? {
        guard brackets.parenDepth[position] == 0, isPunctuator(at: position + 1, "("),
            let close = brackets.partner(of: position + 1)
        else { return nil }
        let typeless = position == 0 || isPunctuator(at: position - 1, ";") || isPunctuator(at: position - 1, "}")
        guard typeless || isPunctuator(at: close + 1, "(") else { return nil }
        var end = position + 2
        while end < close, !isPunctuator(at: end, ",") {
            if isPunctuator(at: end, "("), let inner = brackets.partner(of: end) { end = inner }
            end += 1
        }
        guard end > position + 2 else { return nil }
        let argument = source.collapsedText(of: brackets.code[position + 2]..<(brackets.code[end - 1] + 1))
        return "\(source.text(of: token(at: position)))(\(argument))"
    }

    /// The branches of conditional blocks whose condition satisfies `matches`.
    private func branchDefinitions(as scope: SourceScope, where matches: (ConditionalBlock.Branch) -> Bool)
        -> [ScopeDefinition]
    {
        var found: [ScopeDefinition] = []
        for block in conditionalBlocks() {
            for (number, branch) in block.branches.enumerated() where matches(branch) {
                let next = number + 1 < block.branches.count ? block.branches[number + 1].directive : block.endif
                found.append(
                    ScopeDefinition(
                        scope: scope, line: branch.directive.line, openBrace: nil, closeBrace: nil,
                        bodyTokens: branch.bodyTokens, nameToken: branch.directive.tokens.lowerBound,
                        frame: .lines(
                            first: branch.directive.lastLine + 1, last: (next?.line ?? source.lineCount + 1) - 1)))
            }
        }
        return found.sorted { $0.line < $1.line }
    }

    /// The `#define`s whose name satisfies `matches`; the body is the replacement list.
    private func macroDefinitions(as scope: SourceScope?, where matches: (String) -> Bool) -> [ScopeDefinition] {
        var found: [ScopeDefinition] = []
        let tokens = source.tokens
        for directive in directives() where directive.name == "define" && directive.tokens.count >= 3 {
            let nameIndex = directive.tokens.lowerBound + 2
            let name = source.text(of: tokens[nameIndex])
            guard tokens[nameIndex].kind == .identifier, matches(name) else { continue }
            var body = nameIndex + 1
            if body < directive.tokens.upperBound, source.token(tokens[body], is: "("),
                tokens[body].range.lowerBound == tokens[nameIndex].range.upperBound
            {
                // A function-like macro: the body starts after the parameter list.
                var depth = 0
                while body < directive.tokens.upperBound {
                    if source.token(tokens[body], is: "(") { depth += 1 }
                    if source.token(tokens[body], is: ")") { depth -= 1 }
                    body += 1
                    if depth == 0 { break }
                }
            }
            found.append(
                ScopeDefinition(
                    scope: scope ?? .macro(name), line: directive.line, openBrace: nil, closeBrace: nil,
                    bodyTokens: body..<directive.tokens.upperBound, nameToken: directive.tokens.lowerBound,
                    frame: .macro(first: directive.line, last: directive.lastLine)))
        }
        return found
    }

    /// The first run of `#include` lines, with the `#if` blocks inside it that hold only includes.
    private func includeBlock() -> ScopeDefinition? {
        let directives = directives()
        guard let first = directives.firstIndex(where: { $0.name == "include" }) else { return nil }
        var last = first
        var open = 0  // conditionals opened inside the run and not closed yet
        scan: for index in (first + 1)..<directives.count {
            let directive = directives[index]
            // Code between two directives ends the run.
            guard directive.tokens.lowerBound == directives[index - 1].tokens.upperBound else { break }
            switch directive.name {
            case "include":
                if open == 0 { last = index }
            case "if", "ifdef", "ifndef":
                open += 1
            case "elif", "elifdef", "elifndef", "else":
                if open == 0 { break scan }
            case "endif":
                if open == 0 { break scan }
                open -= 1
                if open == 0 { last = index }
            default:
                break scan
            }
        }
        let start = directives[first]
        let end = directives[last]
        return ScopeDefinition(
            scope: .includes, line: start.line, openBrace: nil, closeBrace: nil,
            bodyTokens: start.tokens.lowerBound..<end.tokens.upperBound, nameToken: start.tokens.lowerBound,
            frame: .lines(first: start.line, last: end.lastLine))
    }

    // MARK: - Shapes

    private enum TagShape {
        case definition(name: Int, openBrace: Int)
        case declaration(name: Int)
        case neither
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

    private func definition(
        of scope: SourceScope, namedAt name: Int, openBraceAt open: Int, macroCallName: String? = nil
    ) -> ScopeDefinition {
        let openIndex = brackets.code[open]
        let closeIndex = brackets.partner(of: open).map { brackets.code[$0] }
        return ScopeDefinition(
            scope: scope, line: token(at: name).line, openBrace: openIndex, closeBrace: closeIndex,
            bodyTokens: (openIndex + 1)..<(closeIndex ?? source.tokens.count), nameToken: brackets.code[name],
            macroCallName: macroCallName, frame: .braces)
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
        guard token.kind == .punctuator else { return false }
        if spelling.utf8CodeUnitCount == 1 {
            // The common case, without the closure `LexedSource.token(_:is:)` needs.
            return token.range.upperBound - token.range.lowerBound == 1
                && source.bytes[token.range.lowerBound] == spelling.utf8Start.pointee
        }
        return source.token(token, is: spelling)
    }
}
