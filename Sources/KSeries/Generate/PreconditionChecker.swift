import CSource
import Foundation
import Git
import Policy

/// Checks a policy's preconditions on a kernel tree before any edit runs: the struct members,
/// functions, macros and Kconfig symbols the series builds on.
public struct PreconditionChecker {
    public let repository: Repository
    /// The files read and lexed, shared with the edits that follow.
    public let sources: BaseSources

    public init(repository: Repository, sources: BaseSources = BaseSources()) {
        self.repository = repository
        self.sources = sources
    }

    /// A precondition the tree does not meet, and what was found instead.
    public struct Unmet: Sendable, CustomStringConvertible {
        public var precondition: Precondition
        public var detail: String

        public var description: String {
            var text = "precondition unmet: \(precondition) \(detail)"
            if let reason = precondition.reason { text += " (\(reason))" }
            return text
        }
    }

    /// The preconditions of `policy` that `commit` does not meet, in template order.
    public func unmet(_ policy: PolicyTemplate, at commit: ObjectID) throws(GitError) -> [Unmet] {
        var unmet: [Unmet] = []
        for precondition in policy.preconditions {
            guard let file = try sources.file(precondition.file, at: commit, in: repository) else {
                unmet.append(Unmet(precondition: precondition, detail: "is missing: there is no \(precondition.file)"))
                continue
            }
            if let detail = check(precondition, in: file) {
                unmet.append(Unmet(precondition: precondition, detail: detail))
            }
        }
        return unmet
    }

    static func readIfPresent(_ repository: Repository, _ path: String, at commit: ObjectID) throws(GitError) -> TreeFile? {
        do {
            return try repository.file(at: path, inCommit: commit)
        } catch where error.code == .notFound || error.code == .wrongType {
            return nil
        }
    }

    /// nil when met, else what is wrong.
    private func check(_ precondition: Precondition, in file: TreeFile) -> String? {
        if case .kconfig(let symbol) = precondition.requirement {
            let text = String(decoding: file.contents, as: UTF8.self)
            let defines = text.split(separator: "\n").contains { line in
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return words.count == 2 && (words[0] == "config" || words[0] == "menuconfig") && words[1] == symbol
            }
            return defines ? nil : "is missing: \(file.path) has no 'config \(symbol)'"
        }
        let finder = sources.finder(for: file)
        let source = finder.source
        switch precondition.requirement {
        case .member(let keyword, let type, let member):
            let tag = SourceScope.TagKeyword(rawValue: keyword) ?? .struct
            let definitions = finder.definitions(of: .structure(tag, type))
            guard !definitions.isEmpty else { return "is missing: \(file.path) does not define \(keyword) \(type)" }
            let has = definitions.contains { definition in
                Self.declaresMember(member, in: source, tokens: definition.bodyTokens)
            }
            let lines = definitions.map { "\($0.line)" }.joined(separator: ", ")
            return has ? nil : "is missing: \(keyword) \(type) at line \(lines) has no member \(member)"
        case .function(let name):
            if !finder.definitions(of: .function(name)).isEmpty { return nil }
            let declared = finder.declarations(of: .function(name))
            return declared.isEmpty
                ? "is missing: \(file.path) does not define \(name)()"
                : "is missing: \(file.path) only declares \(name)() (line \(declared.map(String.init).joined(separator: ", ")))"
        case .macro(let name):
            let tokens = source.tokens
            for index in tokens.indices.dropLast(2) where tokens[index].startsDirective {
                if source.text(of: tokens[index + 1]) == "define" && source.text(of: tokens[index + 2]) == name { return nil }
            }
            return "is missing: \(file.path) has no #define \(name)"
        case .kconfig:
            return nil
        }
    }

    /// True when an identifier `member` in the body is followed by what ends a member
    /// declarator (`;`, `[`, `:`, `,`, or `)` for function pointers).
    static func declaresMember(_ member: String, in source: LexedSource, tokens range: Range<Int>) -> Bool {
        let tokens = source.tokens
        for index in range where index + 1 < tokens.count {
            let token = tokens[index]
            guard token.kind == .identifier, !token.inDirective, source.text(of: token) == member else { continue }
            if [";", "[", ":", ",", ")"].contains(source.text(of: tokens[index + 1])) { return true }
        }
        return false
    }
}
