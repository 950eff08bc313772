import Foundation
import Git
import Series

/// What can stop `kseries format`, each saying what to fix.
public enum FormatError: Error, Sendable, CustomStringConvertible {
    /// A git failure (missing repository, unreadable object, identity unset, …).
    case git(GitError)
    /// A revision range that cannot be formatted: unknown revisions, no commits, merges.
    case revision(String)
    /// An option that cannot be honoured (`--base` not below the series, …).
    case option(String)
    /// A commit whose mail headers cannot be written faithfully.
    case header(String)
    /// The output folder cannot be written, or holds files that are not a series.
    case output(path: String, message: String)

    public var description: String {
        switch self {
        case .git(let error): "\(error)"
        case .revision(let message), .option(let message), .header(let message): message
        case .output(let path, let message): "\(path): \(message)"
        }
    }
}

/// The options of `kseries format`, named after `git format-patch`'s.
public struct FormatOptions: Sendable {
    /// `--cover-letter`: a `0000-cover-letter.patch` with git's placeholders, the shortlog
    /// and the diffstat of the series.
    public var coverLetter = false
    /// `-v <n>`: `[PATCH v<n> …]` and `v<n>-` file names.
    public var rerollCount: String?
    /// `--rfc`: `RFC ` in front of the subject prefix.
    public var rfc = false
    /// `--subject-prefix`, `PATCH` by default.
    public var subjectPrefix: String?
    /// `-n` / `-N`.
    public var numbering: PatchNumbering = .automatic
    /// `--thread[=shallow|deep]`; nil writes no `Message-Id`.
    public var thread: SeriesThreading.Style?
    /// `--in-reply-to`: the id the first mail answers, with or without angle brackets.
    public var inReplyTo: String?
    /// `--base=<rev>`: `base-commit:` and `prerequisite-patch-id:` lines.
    public var base: String?
    /// `--to`, `--cc`: header values, in order.
    public var to: [String] = []
    public var cc: [String] = []
    /// `--signoff`: a `Signed-off-by:` trailer with the committer identity.
    public var signoff = false
    /// `--no-merges`: skip merge commits as `git format-patch` silently does, instead of
    /// refusing the range.
    public var skipMerges = false

    public init() {}

    /// The bracketed prefix before `v<n>` is added.
    var effectiveSubjectPrefix: String {
        let prefix = subjectPrefix ?? "PATCH"
        guard rfc else { return prefix }
        return prefix.isEmpty ? "RFC" : "RFC \(prefix)"
    }
}

/// `kseries format`: existing commits of any repository → `git format-patch`-identical mails
/// in a folder, plus `series.mbox` holding them all.
public struct PatchFormatter {
    public struct Request {
        /// The repository, or a folder inside its work tree; nil uses the current directory.
        public var repositoryPath: String?
        public var range: RevisionArguments
        public var options: FormatOptions
        /// The folder that receives the mails.
        public var outputDirectory: String
        /// Replace the folder even when it holds files that are not a series.
        public var force: Bool
        /// `GIT_COMMITTER_*` (cover letter sender, sign-off, message ids) and
        /// `KSERIES_MESSAGE_ID_TIME` (the time in message ids, for reproducible output).
        public var environment: [String: String]

        public init(
            repositoryPath: String? = nil, range: RevisionArguments, options: FormatOptions = FormatOptions(),
            outputDirectory: String = "patches", force: Bool = false,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.repositoryPath = repositoryPath
            self.range = range
            self.options = options
            self.outputDirectory = outputDirectory
            self.force = force
            self.environment = environment
        }
    }

    public struct Result {
        /// The commits formatted, oldest first.
        public var commits: [ObjectID]
        /// Merge commits skipped (`--no-merges`).
        public var skippedMerges: [ObjectID]
        /// Commits without changes: their files are empty, as git leaves them.
        public var emptyCommits: [ObjectID]
        public var directory: String
        /// The mail files in order, cover letter first, as paths.
        public var files: [String]
        /// The path of `series.mbox`.
        public var mailbox: String
    }

    public init() {}

    public func format(_ request: Request) throws(FormatError) -> Result {
        let path = request.repositoryPath ?? FileManager.default.currentDirectoryPath
        let repository: Repository
        do {
            repository = try Repository(at: path, searchParents: true)
        } catch {
            throw .git(error)
        }
        // Refuse a folder we may not replace before doing any work.
        try MailFolderWriter().checkReplaceable(directory: request.outputDirectory, force: request.force)
        try Self.checkOutputEncoding(repository)

        let options = request.options
        let resolved = try request.range.resolve(in: repository)
        let selection: RevisionSelection
        do {
            selection = try repository.walkRevisions(
                including: resolved.including, excluding: resolved.excluding, maxCount: request.range.maxCount)
        } catch {
            throw .git(error)
        }
        if !selection.merges.isEmpty && !options.skipMerges {
            let list = selection.merges.map { String($0.hex.prefix(12)) }.joined(separator: ", ")
            throw .revision(
                "\(request.range.display) contains merge commit\(selection.merges.count > 1 ? "s" : "") \(list): a patch series cannot carry a merge (git format-patch would skip it silently); pass --no-merges to skip merges as git does, or choose a range without them")
        }
        guard !selection.commits.isEmpty else {
            throw .revision("\(request.range.display) selects no commits to format")
        }
        let newestFirst = selection.commits
        let series = Array(newestFirst.reversed())

        var composerOptions = SeriesMailComposer.Options()
        composerOptions.subjectPrefix = options.effectiveSubjectPrefix
        composerOptions.rerollCount = options.rerollCount
        composerOptions.numbering = options.numbering
        composerOptions.to = try Self.headerValues(options.to, option: "--to")
        composerOptions.cc = try Self.headerValues(options.cc, option: "--cc")

        var committer: Signature?
        func committerIdentity() throws(FormatError) -> Signature {
            if let committer { return committer }
            do {
                let identity = try repository.identity(for: .committer, environment: request.environment)
                committer = identity
                return identity
            } catch {
                throw .git(error)
            }
        }
        if options.signoff {
            let identity = try committerIdentity()
            composerOptions.signoff = (Array(identity.name.utf8), Array(identity.email.utf8))
        }
        if options.thread != nil || options.inReplyTo != nil {
            let time = try Self.messageIDTime(request.environment)
            let email = options.thread != nil ? try committerIdentity().email : ""
            composerOptions.threading = SeriesMailComposer.Threading(
                style: options.thread, inReplyTo: try options.inReplyTo.map(Self.cleanMessageID), time: time, email: email)
        }

        var cover: SeriesMailComposer.Cover?
        if options.coverLetter {
            let sender = try committerIdentity()
            cover = SeriesMailComposer.Cover(
                blurb: try Self.branchDescription(resolved.branch, in: repository) ?? CoverLetter.placeholderBlurb,
                sender: PatchIdentity(
                    name: sender.name, email: sender.email, time: sender.time,
                    timezoneOffsetMinutes: Int(sender.offsetMinutes)),
                origin: selection.boundary.count == 1 ? selection.boundary[0] : nil)
        }

        var base: SeriesMailComposer.Base?
        if let baseRevision = options.base {
            base = try Self.base(baseRevision, series: newestFirst, in: repository)
        }

        // The mailbox's ids when the files have none: the committer's email, else the one
        // the newest commit records.
        let mailboxEmail = (try? committerIdentity().email)
            ?? (try? repository.commit(newestFirst[0]).committer.email) ?? "kseries.invalid"
        let mails = try SeriesMailComposer(repository: repository).mails(
            series, cover: cover, base: base, options: composerOptions,
            mailboxThreading: (time: try Self.messageIDTime(request.environment), email: mailboxEmail))
        let written = try MailFolderWriter().replace(directory: request.outputDirectory, with: mails, force: request.force)
        let offset = cover == nil ? 0 : 1
        let empty = mails.files.indices.filter { $0 >= offset && mails.files[$0].bytes.isEmpty }.map { series[$0 - offset] }
        return Result(
            commits: series, skippedMerges: selection.merges, emptyCommits: empty, directory: request.outputDirectory,
            files: written.files, mailbox: written.mailbox)
    }

    /// `branch.<name>.description`, which git puts in the cover letter in place of its
    /// blurb placeholder (`--cover-from-description=message`, the default).
    static func branchDescription(_ branch: String?, in repository: Repository) throws(FormatError) -> [UInt8]? {
        guard let branch, !branch.isEmpty else { return nil }
        do {
            guard let description = try repository.configurationSnapshot().string("branch.\(branch).description"),
                !description.isEmpty
            else { return nil }
            return Array(description.utf8)
        } catch {
            throw .git(error)
        }
    }

    /// kseries writes UTF-8 mails; git writes them in `i18n.logOutputEncoding` (by default
    /// `i18n.commitEncoding`), so a repository set to another encoding is refused rather than
    /// formatted differently from git.
    static func checkOutputEncoding(_ repository: Repository) throws(FormatError) {
        let configuration: Configuration
        do {
            configuration = try repository.configurationSnapshot()
        } catch {
            throw .git(error)
        }
        for key in ["i18n.logOutputEncoding", "i18n.commitEncoding"] {
            guard let encoding = configuration.string(key) else { continue }
            if TextReencoder.isUTF8(encoding) { return }
            throw .option(
                "\(key) is \(encoding) in \(repository.displayPath): git format-patch would write \(encoding) mails, kseries writes UTF-8 only; unset it (git config --unset \(key)) to format here")
        }
    }

    /// `--base`: git's checks (`get_base_commit`) and the prerequisite patches (`prepare_bases`).
    static func base(_ revision: String, series newestFirst: [ObjectID], in repository: Repository) throws(FormatError) -> SeriesMailComposer.Base {
        if revision == "auto" {
            throw .option("--base=auto needs an upstream branch; give the base commit (--base=<rev>)")
        }
        do {
            let baseCommit: ObjectID
            do {
                baseCommit = try repository.commitID(forRevision: revision)
            } catch {
                throw FormatError.option("--base: unknown commit '\(revision)'")
            }
            var mergeBase = newestFirst[0]
            for id in newestFirst.dropFirst() {
                guard let next = try repository.mergeBase(mergeBase, id) else {
                    throw FormatError.option("--base: the series has no single merge base")
                }
                mergeBase = next
            }
            guard try repository.isAncestor(baseCommit, of: mergeBase) else {
                throw FormatError.option("--base: \(revision) is not an ancestor of the series")
            }
            guard !newestFirst.contains(baseCommit) else {
                throw FormatError.option("--base: \(revision) is one of the commits being formatted")
            }
            // Every commit between the base and the series, in git's topological order.
            let walk = try repository.walkRevisions(including: newestFirst, excluding: [baseCommit])
            let members = Set(newestFirst)
            let merges = Set(walk.merges)
            var patchIDs: [ObjectID] = []
            for id in try repository.topologicalOrder(walk.walkOrder) where !members.contains(id) && !merges.contains(id) {
                if let patchID = try repository.patchID(of: id) { patchIDs.append(patchID) }
            }
            return SeriesMailComposer.Base(commit: baseCommit, prerequisitePatchIDs: patchIDs.reversed())
        } catch let error as FormatError {
            throw error
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .option("--base: \(error)")
        }
    }

    /// The time in message ids: `KSERIES_MESSAGE_ID_TIME` when set, else now (git: `time(NULL)`).
    static func messageIDTime(_ environment: [String: String]) throws(FormatError) -> Int64 {
        guard let fixed = environment["KSERIES_MESSAGE_ID_TIME"], !fixed.isEmpty else {
            return Int64(Date().timeIntervalSince1970)
        }
        guard let value = Int64(fixed) else {
            throw .option("KSERIES_MESSAGE_ID_TIME must be seconds since the epoch, not '\(fixed)'")
        }
        return value
    }

    /// `--to`/`--cc` values: one header line each, so no line breaks or control bytes.
    static func headerValues(_ values: [String], option: String) throws(FormatError) -> [String] {
        for value in values where value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .header("\(option) '\(value.debugDescription.dropFirst().dropLast())': a header value cannot hold line breaks or control characters")
        }
        return values
    }

    /// git's `clean_message_id`: without surrounding spaces and angle brackets.
    static func cleanMessageID(_ id: String) throws(FormatError) -> String {
        let trimmed = id.drop { $0.isWhitespace || $0 == "<" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, trimmed[trimmed.index(before: end)].isWhitespace || trimmed[trimmed.index(before: end)] == ">" {
            end = trimmed.index(before: end)
        }
        let cleaned = String(trimmed[..<end])
        guard !cleaned.isEmpty else { throw .option("--in-reply-to '\(id)' holds no message id") }
        return cleaned
    }
}
