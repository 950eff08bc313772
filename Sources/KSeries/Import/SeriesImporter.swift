import Apply
import Foundation
import Git
import MailFormat
import Policy
import Series

/// `kseries import`: takes a hand-written series into kseries' keeping, as a version of a
/// series whose later versions `kseries rebase` makes by reapplying it.
///
/// From patch text (an mbox such as one saved from the list, a folder of `.patch` files, or
/// one patch) the patches are applied in memory on their base (`--base`, else the
/// `base-commit:` line git and b4 write), as `git am` would, with each mail's author and
/// date; the cover letter's subject and text are kept for the next versions' cover letters,
/// and its b4 `change-id:` too. From a revision range (`v6.12..my-branch`) the commits are
/// recorded as they are. Either way the version gets `refs/heads/kseries/<name>/v<N>`.
public struct SeriesImporter {
    public struct Request {
        /// A path to an mbox, a folder of patches or a patch, or a revision range.
        public var source: String
        public var treePath: String
        /// The series' name; nil derives it from the cover letter's (or first patch's) subject.
        public var series: String?
        /// The version; nil takes it from the subjects (`[PATCH v2 …]`), else 1.
        public var version: Int?
        /// The base for patch text; nil reads `base-commit:`.
        public var base: String?
        /// The policy that makes these patches: the import is checked to be exactly what it
        /// generates on the base, and later versions are regenerated from it.
        public var policy: PolicyTemplate?
        /// The patches were made by an earlier form of `policy` (reviewers asked for changes,
        /// and the policy changed since the version was posted): link them to the policy
        /// anyway, with a warning per patch that differs, instead of refusing.
        public var policyChanged: Bool
        public var environment: [String: String]

        public init(
            source: String, treePath: String, series: String? = nil, version: Int? = nil, base: String? = nil,
            policy: PolicyTemplate? = nil, policyChanged: Bool = false,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.source = source
            self.treePath = treePath
            self.series = series
            self.version = version
            self.base = base
            self.policy = policy
            self.policyChanged = policyChanged
            self.environment = environment
        }
    }

    public struct Result {
        public var reference: String
        public var version: SeriesState.Version
        public var state: SeriesState
        /// Patches (1-based) whose hunks applied with an offset, with the largest offset.
        public var offsets: [Int: Int]
        public var warnings: [String]
        /// Which mails of a saved thread were taken and which left, when some were left.
        public var selection: SeriesSelection?
    }

    public init() {}

    public func importSeries(_ request: Request) throws(KSeriesError) -> Result {
        let repository: Repository
        let committer: Signature
        do {
            repository = try Repository(at: request.treePath)
            committer = try repository.identity(for: .committer, environment: request.environment)
        } catch {
            throw .git(error)
        }
        let fromText = FileManager.default.fileExists(atPath: request.source)
        var imported = fromText
            ? try fromPatchText(request, repository: repository, committer: committer)
            : try fromRange(request, repository: repository)

        var templates: [String?] = Array(repeating: nil, count: imported.commits.count)
        var policyWarnings: [String] = []
        if let policy = request.policy {
            (templates, policyWarnings) = try matchPolicy(
                policy, imported: imported, source: request.source, repository: repository, committer: committer, changed: request.policyChanged)
        }
        let name = request.series ?? request.policy?.name ?? SeriesState.slug(imported.cover.subject).prefix(48).description
        guard SeriesStore.isValidName(name), !name.isEmpty else {
            throw .argument(
                request.series.map { "--series \($0)" } ?? "the series name '\(name)'",
                problem: "cannot name a series (letters, digits, '-', '_' and '.'); pass --series NAME")
        }
        let number = request.version ?? imported.version ?? 1
        guard number >= 1 else { throw .argument("-v \(number)", problem: "versions start at 1") }
        let start = try VersionMaker(repository: repository).start(name, number: number)
        if let existing = start.state?.version(number) {
            throw .series(
                name: name,
                problem: "v\(number) exists already (\(existing.made.rawValue), on \(existing.baseRef)); import as another version with -v, or under another name with --series")
        }
        if imported.cover.subject.isEmpty { imported.cover.subject = String(decoding: CoverLetter.placeholderSubject, as: UTF8.self) }
        let origin = start.state?.origin
            ?? request.policy.map { SeriesState.Origin(kind: .policy, source: $0.name) }
            ?? SeriesState.Origin(kind: .patches, source: request.source)
        if let policy = request.policy, origin != SeriesState.Origin(kind: .policy, source: policy.name) {
            throw .series(
                name: name,
                problem: "is kept as \(origin.kind.rawValue) \(origin.source), not as policy \(policy.name); import under another name with --series")
        }
        let output = try VersionMaker(repository: repository).make(
                VersionMaker.Input(
                    start: start, origin: origin, baseRef: imported.baseRef, baseCommit: imported.base,
                    commits: imported.commits, keys: nil, templates: templates,
                    subjectPrefix: imported.subjectPrefix, cover: imported.cover, made: .import, outputDirectory: nil,
                    committer: committer,
                    message: "kseries import \(name): v\(number) from \(request.source) on \(imported.baseRef) (\(imported.base.hex.prefix(12)))",
                    testPoints: WriteTestPoints(environment: request.environment),
                    changeID: imported.changeID))
        var warnings = imported.warnings + policyWarnings + output.warnings
        if let changeID = imported.changeID, changeID != output.state.changeID {
            warnings.append("the cover letter's change-id \(changeID) differs from \(name)'s \(output.state.changeID); kept \(name)'s")
        }
        return Result(
            reference: output.reference, version: output.version, state: output.state, offsets: imported.offsets,
            warnings: warnings, selection: imported.selection)
    }

    /// Checks that `policy` generates exactly the imported patches on their base (tree after
    /// tree), and returns the template fingerprints of its patches. With `changed` (the policy
    /// changed since these patches were made), a difference is a warning, and a patch that
    /// differs gets no fingerprint: the next version reports its code as changed, not as
    /// re-resolved.
    private func matchPolicy(
        _ policy: PolicyTemplate, imported: Imported, source: String, repository: Repository, committer: Signature, changed: Bool
    ) throws(KSeriesError) -> (templates: [String?], warnings: [String]) {
        let built = try SeriesBuilder(repository: repository).build(
                policy: policy, base: imported.base, ref: imported.baseRef, author: committer, committer: committer)
        let retry = changed ? "" : "; import it without --policy, or with --policy-changed if the policy changed since these patches were made"
        guard built.count == imported.commits.count else {
            let message = "policy \(policy.name) makes \(built.count) patch\(built.count == 1 ? "" : "es") on \(imported.baseRef), the import has \(imported.commits.count)"
            guard changed else { throw .input(source: source, line: nil, problem: message + retry) }
            return (Array(repeating: nil, count: imported.commits.count), [message + ": linked as an earlier form of the policy"])
        }
        var templates = built.map { Optional(PatchRecords.templateFingerprint($0.template)) }
        var warnings: [String] = []
        do {
            for (index, (made, given)) in zip(built, imported.commits).enumerated() {
                let madeTree = try repository.commit(made.commit).treeID
                let givenTree = try repository.commit(given).treeID
                guard madeTree != givenTree else { continue }
                // Trees are cumulative: after one patch differs, the later ones are compared
                // by the change each makes (git's patch-id), not by the tree it leaves.
                if changed, let madeID = try repository.patchID(of: made.commit), madeID == (try repository.patchID(of: given)) {
                    continue
                }
                let files = try repository.diff(from: madeTree, to: givenTree, detectRenames: false).files
                    .map { String(decoding: $0.newPath.isEmpty ? $0.oldPath : $0.newPath, as: UTF8.self) }
                let message = "patch \(index + 1) of the import differs from what policy \(policy.name) makes on \(imported.baseRef) (in \(files.joined(separator: ", ")))"
                guard changed else { throw KSeriesError.input(source: source, line: nil, problem: message + retry) }
                warnings.append(message + ": kept as made by an earlier form of the policy")
                templates[index] = nil
            }
        } catch let error as KSeriesError {
            throw error
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .git(GitError(code: .generic, message: "\(error)", operation: "comparing the import with policy \(policy.name)"))
        }
        return (templates, warnings)
    }

    /// A series read in, before it is recorded.
    private struct Imported {
        var base: ObjectID
        var baseRef: String
        var commits: [ObjectID]
        var cover: SeriesState.Cover
        var subjectPrefix: String
        var version: Int?
        var changeID: String?
        var offsets: [Int: Int] = [:]
        var warnings: [String] = []
        var selection: SeriesSelection?
    }

    private func fromPatchText(_ request: Request, repository: Repository, committer: Signature) throws(KSeriesError) -> Imported {
        let selection: SeriesSelection
        do {
            selection = try SeriesCheck.readSeries(at: request.source)
        } catch {
            throw .patchText(error)
        }
        let patches = selection.commits
        // The cover letter and first patch of the version taken (a saved thread may hold several).
        let mailbox = try ThreadMailbox.read(request.source)
        func mail(at entry: MailboxEntry?) -> ThreadMailbox.Mail? {
            guard let entry else { return nil }
            let file = (entry.location.file as NSString).standardizingPath
            return mailbox.mails.first { ($0.file as NSString).standardizingPath == file && $0.line == entry.location.line }
        }
        let patchMails = mailbox.mails.filter { $0.tags.number.map { $0 > 0 } ?? true && !$0.tags.isReply }
        // A folder's cover letter file is not read as patch text: find it by its subject.
        let coverMail = mail(at: selection.cover)
            ?? mailbox.mails.first { $0.tags.number == 0 && !$0.tags.isReply && (selection.version == nil || $0.tags.version == selection.version) }
        let firstPatchMail = mail(at: selection.patches.first) ?? patchMails.first
        let first = coverMail ?? firstPatchMail

        var baseRef: String
        if let base = request.base {
            baseRef = base
        } else if let line = ([coverMail, firstPatchMail].compactMap { $0 }).lazy
            .compactMap({ Self.line("base-commit", in: $0.body) }).first
        {
            baseRef = line
        } else {
            throw .input(
                source: request.source, line: nil,
                problem: "names no base (no base-commit: line, which git format-patch --base and b4 write); pass --base <the ref the patches were written on>")
        }
        let base: ObjectID
        do {
            base = try repository.commitID(forRevision: baseRef)
        } catch {
            throw .input(
                source: request.source, line: nil,
                problem: "the base \(baseRef) is not in \(request.treePath) (\(error.message)); fetch it, or pass --base <ref>")
        }
        if baseRef.count == 40, let tag = try? nameOf(base, in: repository) { baseRef = tag }

        let outcome: TreeApplier.SeriesOutcome
        do {
            outcome = try TreeApplier(repository: repository).apply(patches, onto: base, writeTrees: true)
        } catch {
            throw .git(error)
        }
        guard outcome.allApplied else {
            let failures = outcome.patches.filter { $0.verdict == .failed }.map(\.description)
            throw .input(
                source: request.source, line: nil,
                problem: "does not apply on \(baseRef) (\(base.hex.prefix(12))); pass --base <the ref the patches were written on>\n"
                    + failures.joined(separator: "\n"))
        }
        var commits: [ObjectID] = []
        var offsets: [Int: Int] = [:]
        var parent = base
        for (patch, applied) in zip(patches, outcome.patches) {
            guard let tree = applied.tree else { continue }
            let author = try Self.author(patch, fallback: committer)
            var message = patch.subject ?? ""
            let body = String(decoding: patch.message, as: UTF8.self)
            if !body.isEmpty { message += "\n\n" + body } else { message += "\n" }
            if !message.hasSuffix("\n") { message += "\n" }
            do {
                parent = try repository.createCommit(tree: tree, parents: [parent], author: author, committer: committer, message: message)
            } catch {
                throw .git(error)
            }
            commits.append(parent)
            let largest = applied.files.flatMap(\.placements).map { abs($0.offset) }.max() ?? 0
            if largest > 0 { offsets[applied.number] = largest }
        }
        let tags = first?.tags
        let cover = coverMail.map { SeriesState.Cover(subject: $0.tags.title, body: Self.blurb(of: $0.body)) }
            ?? SeriesState.Cover(subject: patches.first?.subject ?? "", body: "")
        return Imported(
            base: base, baseRef: baseRef, commits: commits, cover: cover,
            subjectPrefix: Self.subjectPrefix(first?.subject ?? ""), version: selection.version ?? tags?.version,
            changeID: coverMail.flatMap { Self.line("change-id", in: $0.body) }, offsets: offsets,
            selection: selection.isNoteworthy ? selection : nil)
    }

    private func fromRange(_ request: Request, repository: Repository) throws(KSeriesError) -> Imported {
        guard request.source.contains("..") else {
            throw .input(source: request.source, line: nil, problem: "neither a file nor a folder nor a revision range (base..tip)")
        }
        let resolved: RevisionArguments.Resolved
        do {
            resolved = try RevisionArguments(revisions: [request.source]).resolve(in: repository)
        } catch {
            throw error
        }
        let selection: RevisionSelection
        do {
            selection = try repository.walkRevisions(including: resolved.including, excluding: resolved.excluding)
        } catch {
            throw .git(error)
        }
        guard selection.merges.isEmpty else { throw .revision(request.source, problem: "contains merge commits; a patch series cannot") }
        guard !selection.commits.isEmpty else { throw .revision(request.source, problem: "selects no commits") }
        guard selection.boundary.count == 1 else { throw .revision(request.source, problem: "has no single base commit") }
        let commits = Array(selection.commits.reversed())
        let baseRef = String(request.source[..<request.source.range(of: "..")!.lowerBound])
        let subject = (try? PatchRecords.subject(repository.commit(commits[0]).message)) ?? ""
        return Imported(
            base: selection.boundary[0], baseRef: baseRef.isEmpty ? "HEAD" : baseRef, commits: commits,
            cover: SeriesState.Cover(subject: commits.count == 1 ? subject : "", body: ""), subjectPrefix: "PATCH",
            version: nil, changeID: nil)
    }

    private func nameOf(_ commit: ObjectID, in repository: Repository) throws -> String? {
        for name in try repository.referenceNames(matching: "refs/tags/*") where try repository.commitID(forRevision: name) == commit {
            return String(name.dropFirst("refs/tags/".count))
        }
        return nil
    }

    /// The value of a `name: value` line in a mail body.
    static func line(_ name: String, in body: String) -> String? {
        for line in body.split(separator: "\n") where line.hasPrefix(name + ": ") {
            let value = line.dropFirst(name.count + 2).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { return value }
        }
        return nil
    }

    /// The author's words of a cover letter: its text up to the shortlog git writes
    /// (`Name (N):` then indented subjects), without b4's `---` before it.
    static func blurb(of body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices.dropLast() where isShortlogHeader(lines[index]) && lines[index + 1].hasPrefix("  ") {
            lines = Array(lines[..<index])
            break
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty || last == "---" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    static func isShortlogHeader(_ line: String) -> Bool {
        guard line.hasSuffix("):"), let open = line.lastIndex(of: "(") else { return false }
        let count = line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)]
        return !count.isEmpty && count.allSatisfy(\.isNumber) && open > line.startIndex
    }

    /// `RFC PATCH` of `[RFC PATCH v2 1/3]`: the bracket's words other than the version and the counter.
    static func subjectPrefix(_ subject: String) -> String {
        guard let open = subject.firstIndex(of: "["), let close = subject[open...].firstIndex(of: "]") else { return "PATCH" }
        let words = subject[subject.index(after: open)..<close].split(separator: " ").filter { word in
            let lower = word.lowercased()
            return !(lower.hasPrefix("v") && Int(lower.dropFirst()) != nil) && !word.contains("/")
        }
        return words.isEmpty ? "PATCH" : words.joined(separator: " ")
    }

    /// The mail's author and date as a git identity.
    static func author(_ patch: PatchCommit, fallback: Signature) throws(KSeriesError) -> Signature {
        guard let author = patch.author, let open = author.lastIndex(of: "<"), let close = author.lastIndex(of: ">"), open < close else {
            throw .input(source: patch.location.file, line: patch.location.line, problem: "the patch has no author (From: Name <email>)")
        }
        let name = author[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(author[author.index(after: open)..<close])
        let (time, offset) = patch.date.flatMap(RFC2822Date.parse) ?? (fallback.time, fallback.offsetMinutes)
        return Signature(name: name.isEmpty ? email : name, email: email, time: time, offsetMinutes: offset)
    }
}
