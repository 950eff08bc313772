import Foundation
import Git

/// Who should receive a patch, worked out from the `MAINTAINERS` file of a kernel tree at one
/// commit exactly as `scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats` does
/// in a checkout of that commit: `F:`/`X:`/`N:` matching ordered by pattern depth, `K:`
/// keywords in patches, `.yaml` files' own maintainers, `.mailmap`, and the script's
/// de-duplication. Nothing is read from a work tree; the files come from the commit's tree.
///
/// Not covered: what the script does with git history (`Fixes:` signers, `--git`).
public final class MaintainerLookup {
    /// The commit whose tree is read.
    public let commit: ObjectID
    /// MAINTAINERS lines get_maintainer.pl would use but this lookup could not compile
    /// (they never match), each as `MAINTAINERS:line: problem`.
    public var problems: [String] {
        maintainers.problems.map(\.description)
            + keywords.filter { $0.unprefixed == nil || $0.prefixed == nil }.map {
                "\(maintainers.location($0.entryIndex)): K: pattern does not compile: \($0.pattern)"
            }
    }

    let maintainers: MaintainersFile
    private let mailmap: Mailmap
    private let tree: TreeReader
    /// `K:` lines, compiled when first needed (a patch, or `keywordsInFile`).
    private lazy var keywords: [PatchScanner.Keyword] = maintainers.keywords.map {
        PatchScanner.Keyword(entryIndex: $0.index, pattern: $0.pattern)
    }
    private let keywordsInFile: Bool
    /// `F:`/`X:` patterns by index into `maintainers.filePatterns`, compiled (and their `-d`
    /// answered) when a file first meets them.
    private var compiledPatterns: [FilePattern?]

    /// Reads `MAINTAINERS` (a file, or every file of a `MAINTAINERS/` folder) and `.mailmap`
    /// from the tree of `commit`. `keywordsInFile` is the script's `--keywords-in-file`: also
    /// match `K:` against the contents of files given by path (off by default since 6.2;
    /// the scripts of older trees always did it).
    public init(repository: Repository, commit: ObjectID, keywordsInFile: Bool = false) throws(MaintainersError) {
        self.commit = commit
        self.keywordsInFile = keywordsInFile
        do {
            tree = try TreeReader(repository: repository, commit: commit)
        } catch {
            throw MaintainersError(.git, "cannot read the tree of \(commit.hex.prefix(12)): \(error)")
        }
        let tree = self.tree
        var paths: [String] = []
        switch tree.kind(of: "MAINTAINERS") {
        case .file:
            paths = ["MAINTAINERS"]
        case .directory:
            // The script reads every file of the folder not starting with a dot.
            paths = tree.names(in: "MAINTAINERS").filter { !$0.hasPrefix(".") }.map { "MAINTAINERS/\($0)" }
        case nil:
            throw MaintainersError(.maintainersMissing, "no MAINTAINERS file at \(commit.hex.prefix(12))")
        }
        let files = paths.compactMap { path in tree.contents(of: path).map { (name: path, bytes: $0) } }
        maintainers = MaintainersFile(files: files)
        compiledPatterns = Array(repeating: nil, count: maintainers.filePatterns.count)
        mailmap = tree.contents(of: ".mailmap").map { Mailmap(text: String(decoding: $0, as: UTF8.self)) } ?? Mailmap()
    }

    /// Resolves `revision` (a tag, a branch, an id) in `repository` first.
    public convenience init(repository: Repository, revision: String, keywordsInFile: Bool = false) throws(MaintainersError) {
        let id: ObjectID
        do {
            id = try repository.commitID(forRevision: revision)
        } catch {
            throw MaintainersError(.git, error.description)
        }
        try self.init(repository: repository, commit: id, keywordsInFile: keywordsInFile)
    }

    /// The recipients for files of the tree and patches, in get_maintainer.pl's order:
    /// people first, then lists.
    public func recipients(for inputs: [MaintainersInput]) throws(MaintainersError) -> [Recipient] {
        let analysis = try analyse(inputs)
        return recipients(for: analysis) { _, matches in Self.bestFirst(matches) }
    }

    /// The lines `get_maintainer.pl --nogit --nogit-fallback --norolestats` prints, one
    /// address each (usable as `git send-email --cc-cmd` output), including the empty line
    /// the script prints for a malformed `L:` line.
    public func addressLines(for inputs: [MaintainersInput]) throws(MaintainersError) -> [String] {
        try recipients(for: inputs).map(\.address)
    }

    /// People in To, lists in Cc, as b4's auto-to-cc splits them. An empty address (the
    /// script's reading of a malformed `L: Name <address>` line) is left out.
    public func mailRecipients(for inputs: [MaintainersInput]) throws(MaintainersError) -> MailRecipients {
        let all = try recipients(for: inputs).filter { !$0.address.isEmpty }
        return MailRecipients(
            to: all.filter { $0.field == .to }.map(\.address), cc: all.filter { $0.field == .cc }.map(\.address))
    }

    // MARK: Stages

    /// The inputs reduced to what get_maintainer.pl works from.
    struct Analysis {
        /// The file names, in the order sections are collected.
        var files: [String] = []
        /// Matched `K:` entries, in the script's order (`sort_and_uniq` of their indices).
        var keywordEntries: [Int] = []
    }

    /// A section matching a file, with the depth the script sorts by.
    struct SectionMatch: Equatable {
        let anchor: Int
        let depth: Int
    }

    func analyse(_ inputs: [MaintainersInput]) throws(MaintainersError) -> Analysis {
        var analysis = Analysis()
        var keywordEntries: [Int] = []
        for input in inputs {
            switch input {
            case .path(let path):
                let file = try fileName(for: path)
                analysis.files.append(file)
                if keywordsInFile, file != "MAINTAINERS", let bytes = tree.contents(of: file) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    for keyword in keywords where keyword.unprefixed?.matches(text) == true {
                        keywordEntries.append(keyword.entryIndex)
                    }
                }
            case .patch(let bytes):
                let result = PatchScanner(keywords: keywords).scan(bytes)
                analysis.files += result.files
                keywordEntries += result.keywordEntries
                analysis.files = Self.sortedUnique(analysis.files)
            }
        }
        analysis.keywordEntries = Self.sortedUnique(keywordEntries.map(String.init)).compactMap { Int($0) }
        return analysis
    }

    /// The sections whose patterns match `file`, in MAINTAINERS order (X: excludes a section;
    /// the depth is that of the last matching F: or N: line, N: counting 0).
    func sectionMatches(for file: String) -> [SectionMatch] {
        sectionMatches(for: file, among: nil)
    }

    /// The same among the given sections (indices into `maintainers.sections`, in order),
    /// or among the candidates the directory index gives when nil; without the literal-start
    /// filter when `unfiltered`, so that tests can check index and filter drop no match.
    func sectionMatches(for file: String, among sections: [Int]?, unfiltered: Bool = false) -> [SectionMatch] {
        let name = FileName(file)
        var matches: [SectionMatch] = []
        for candidate in sections ?? maintainers.candidateSections(for: name) {
            let section = maintainers.sections[candidate]
            let sectionMatchers = maintainers.matchers[candidate]
            let excluded = sectionMatchers.contains { matcher in
                if case .exclude(let pattern) = matcher {
                    return (unfiltered || maintainers.mayMatch(pattern, name.bytes)) && filePattern(pattern).matches(name)
                }
                return false
            }
            if excluded { continue }
            var depth: Int?
            for matcher in sectionMatchers {
                switch matcher {
                case .file(let index):
                    guard unfiltered || maintainers.mayMatch(index, name.bytes) else { continue }
                    let pattern = filePattern(index)
                    if pattern.matches(name) { depth = pattern.depth }
                case .name(let pattern):
                    if let pattern, pattern.matches(name) { depth = 0 }
                case .exclude:
                    break
                }
            }
            if let depth { matches.append(SectionMatch(anchor: section.anchor, depth: depth)) }
        }
        return matches
    }

    /// The compiled `F:`/`X:` pattern, a `/` added when it names a directory of the tree
    /// (Perl's `-d` on the converted text).
    private func filePattern(_ index: Int) -> FilePattern {
        if let compiled = compiledPatterns[index] { return compiled }
        var value = maintainers.patternValue(index)
        if let last = value.utf8.last, last != UInt8(ascii: "/"), tree.kind(of: value) == .directory { value += "/" }
        let compiled = FilePattern(converted: value)
        compiledPatterns[index] = compiled
        return compiled
    }

    /// Deepest pattern first. get_maintainer.pl leaves equally deep sections in Perl's hash
    /// order, which changes from run to run; here they keep MAINTAINERS order.
    static func bestFirst(_ matches: [SectionMatch]) -> [Int] {
        matches.enumerated()
            .sorted { $0.element.depth != $1.element.depth ? $0.element.depth > $1.element.depth : $0.offset < $1.offset }
            .map(\.element.anchor)
    }

    /// The recipients for an analysis, the sections of each file put in order by `order`.
    func recipients(for analysis: Analysis, order: (String, [SectionMatch]) -> [Int]) -> [Recipient] {
        var fileEmails: [String] = []
        var sectionsPerFile: [[Int]] = []
        for file in analysis.files {
            sectionsPerFile.append(order(file, sectionMatches(for: file)))
            if FileEmailExtractor.applies(to: file), let bytes = tree.contents(of: file) {
                fileEmails += FileEmailExtractor.addresses(in: String(decoding: bytes, as: UTF8.self))
            }
        }
        var resolver = RecipientResolver(file: maintainers, mailmap: mailmap)
        return resolver.resolve(
            sectionsPerFile: sectionsPerFile, keywordEntries: analysis.keywordEntries, fileEmails: fileEmails)
    }

    /// The script's path clean-up (`canonpath`, a `/` after a directory); throws for a path
    /// the tree does not have, as the script dies for it.
    private func fileName(for path: String) throws(MaintainersError) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let clean = components.joined(separator: "/")
        guard !path.hasPrefix("/") else {
            throw MaintainersError(.pathNotInTree, "'\(path)' is absolute: give paths relative to the top of the tree")
        }
        switch tree.kind(of: clean) {
        case .directory: return clean.isEmpty ? "" : clean + "/"
        case .file: return clean
        case nil:
            throw MaintainersError(.pathNotInTree, "no file '\(path)' in the tree of \(commit.hex.prefix(12))")
        }
    }

    /// Perl's `sort_and_uniq`: sorted by code point, duplicates dropped.
    static func sortedUnique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            .filter { seen.insert($0).inserted }
    }
}

/// One input to the lookup: a path in the tree (a file, or a directory as a prefix), or the
/// bytes of a patch (a `git format-patch` mail or a plain diff).
public enum MaintainersInput: Sendable, Equatable {
    case path(String)
    case patch([UInt8])
}

/// One address to send to, with where it came from.
public struct Recipient: Sendable, Equatable {
    /// What put the address there.
    public enum Source: Sendable, Equatable {
        /// An `M:` line.
        case maintainer
        /// An `R:` line.
        case reviewer
        /// An `L:` line.
        case mailingList
        /// Named inside a file of the input (a devicetree binding's `maintainers:`).
        case fileContents
    }

    /// Which header the address belongs in.
    public enum Field: Sendable, Equatable { case to, cc }

    /// The address as get_maintainer.pl prints it: `Name <address>`, the name quoted when
    /// it has to be, or a bare address.
    public var address: String
    public var source: Source
    /// get_maintainer.pl's role, as `--roles` shows it: `maintainer:RCU`, `reviewer:KVM`,
    /// `open list:…`, `moderated list:…`, `in file`, with `:Keyword:…` for a keyword match.
    public var role: String

    /// People go to To, lists to Cc.
    public var field: Field { source == .mailingList ? .cc : .to }

    public init(address: String, source: Source, role: String) {
        self.address = address
        self.source = source
        self.role = role
    }
}

/// Recipients split into the two headers.
public struct MailRecipients: Sendable, Equatable {
    public var to: [String]
    public var cc: [String]
}

/// Why the maintainers of an input could not be worked out.
public struct MaintainersError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        /// The tree has no `MAINTAINERS`.
        public static let maintainersMissing = Code(name: "maintainersMissing")
        /// A path given is not in the tree.
        public static let pathNotInTree = Code(name: "pathNotInTree")
        /// Reading the repository failed.
        public static let git = Code(name: "git")
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
