import Foundation
import Git
import Series

/// `kseries format`: existing commits of any repository → `git format-patch`-identical mails
/// in a folder, plus `series.mbox` holding them all.
public struct PatchFormatter {
    public struct Request {
        /// The repository, or a folder inside its work tree; nil uses the current directory.
        public var repositoryPath: String?
        public var range: RevisionArguments
        public var options: FormatOptions
        /// The folder that receives the mails; nil is `format.outputDirectory`, else `patches`.
        public var outputDirectory: String?
        /// Replace the folder even when it holds files that are not a series.
        public var force: Bool
        /// `GIT_COMMITTER_*` (cover letter sender, sign-off, message ids) and
        /// `KSERIES_MESSAGE_ID_TIME` (the time in message ids, for reproducible output).
        public var environment: [String: String]

        public init(
            repositoryPath: String? = nil, range: RevisionArguments, options: FormatOptions = FormatOptions(),
            outputDirectory: String? = nil, force: Bool = false,
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
        /// What the user should know: configuration git reads and kseries does not honour.
        public var warnings: [String] = []
    }

    public init() {}

    public func format(_ request: Request) throws(KSeriesError) -> Result {
        let path = request.repositoryPath ?? FileManager.default.currentDirectoryPath
        let repository: Repository
        let configuration: FormatConfiguration
        do {
            repository = try Repository(at: path, searchParents: true)
            configuration = try FormatConfiguration(try repository.configurationSnapshot())
        } catch let error as GitError {
            throw .git(error)
        } catch let error as KSeriesError {
            throw error
        } catch {
            throw .git(GitError(code: .generic, message: "\(error)", operation: "reading the configuration of \(path)"))
        }
        let options = request.options
        let outputDirectory = request.outputDirectory ?? configuration.outputDirectory ?? "patches"
        let suffix = options.suffix ?? configuration.suffix ?? PatchFileName.defaultSuffix
        // Refuse a folder we may not replace before doing any work.
        try MailFolderWriter().checkReplaceable(directory: outputDirectory, force: request.force, suffix: suffix)
        try Self.checkOutputEncoding(repository)

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
                request.range.display,
                problem: "contains merge commit\(selection.merges.count > 1 ? "s" : "") \(list): a patch series cannot carry a merge (git format-patch would skip it silently); pass --no-merges to skip merges as git does, or choose a range without them")
        }
        guard !selection.commits.isEmpty else {
            throw .revision(request.range.display, problem: "selects no commits to format")
        }
        let newestFirst = selection.commits
        let series = Array(newestFirst.reversed())

        var committer: Signature?
        func committerIdentity() throws(KSeriesError) -> Signature {
            if let committer { return committer }
            do {
                let identity = try repository.identity(for: .committer, environment: request.environment)
                committer = identity
                return identity
            } catch {
                throw .git(error)
            }
        }

        var composerOptions = try Self.composerOptions(
            options, configuration: configuration, repository: repository, committer: committerIdentity)
        composerOptions.fileNameSuffix = suffix
        let thread = options.thread ?? configuration.thread ?? nil
        if thread != nil || options.inReplyTo != nil {
            let time = try Self.messageIDTime(request.environment)
            let email = thread != nil ? try committerIdentity().email : ""
            composerOptions.threading = SeriesMailComposer.Threading(
                style: thread, inReplyTo: try options.inReplyTo.map(Self.cleanMessageID), time: time, email: email)
        }

        // cmd_format_patch: the command line, else format.coverLetter (auto: more than one patch).
        let wantsCoverLetter: Bool
        switch (options.coverLetter, configuration.coverLetter) {
        case (let explicit?, _): wantsCoverLetter = explicit
        case (nil, .auto?): wantsCoverLetter = series.count > 1
        case (nil, .on?): wantsCoverLetter = true
        case (nil, .off?), (nil, nil): wantsCoverLetter = false
        }
        var cover: SeriesMailComposer.Cover?
        if wantsCoverLetter {
            let sender = try committerIdentity()
            let mode = options.coverFromDescription ?? configuration.coverFromDescription ?? .message
            let text = try Self.coverText(
                description: try Self.branchDescription(resolved.branch, in: repository), mode: mode)
            cover = SeriesMailComposer.Cover(
                subject: text.subject, blurb: text.blurb,
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
        let written = try MailFolderWriter().replace(
            directory: outputDirectory, with: mails, force: request.force, suffix: suffix)
        let offset = cover == nil ? 0 : 1
        let empty = mails.files.indices.filter { $0 >= offset && mails.files[$0].bytes.isEmpty }.map { series[$0 - offset] }
        return Result(
            commits: series, skippedMerges: selection.merges, emptyCommits: empty, directory: outputDirectory,
            files: written.files, mailbox: written.mailbox,
            warnings: configuration.ignoredKeys.map {
                "\($0) is set in the git configuration; kseries does not honour it, so these mails differ from git format-patch's"
            })
    }

    /// The mail options from the command line over the configuration over git's defaults,
    /// key by key as `cmd_format_patch` settles them.
    static func composerOptions(
        _ options: FormatOptions, configuration: FormatConfiguration, repository: Repository,
        committer: () throws(KSeriesError) -> Signature
    ) throws(KSeriesError) -> SeriesMailComposer.Options {
        var composer = SeriesMailComposer.Options()
        composer.subjectPrefix = options.effectiveSubjectPrefix(configured: configuration.subjectPrefix)
        composer.rerollCount = options.rerollCount
        composer.numbering = options.numbering ?? configuration.numbering ?? .automatic
        // --to/--cc add to format.to/format.cc (and format.headers' To:/Cc:); --no-to/--no-cc drop them.
        var recipients = configuration
        if options.clearTo { recipients.to = [] }
        if options.clearCc { recipients.cc = [] }
        for header in options.headers { recipients.addHeader(header) }
        composer.headers = try headerValues(recipients.headers, option: "--add-header/format.headers")
        composer.to = try headerValues(recipients.to + options.to, option: "--to/format.to")
        composer.cc = try headerValues(recipients.cc + options.cc, option: "--cc/format.cc")
        composer.fileNameMaxLength = configuration.filenameMaxLength ?? PatchFileName.defaultMaxLength
        composer.noPrefix = configuration.noPrefix ?? false
        if options.signoff ?? configuration.signOff ?? false {
            let identity = try committer()
            composer.signoff = (Array(identity.name.utf8), Array(identity.email.utf8))
        }
        composer.signature = try signature(options, configuration: configuration, repository: repository)
        switch options.from ?? configuration.from ?? .off {
        case .off: break
        case .committer:
            let identity = try committer()
            composer.sender = (Array(identity.name.utf8), Array(identity.email.utf8))
        case .identity(let text):
            guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else {
                throw .argument("--from \(text)", problem: "invalid ident line (--from/format.from take 'Name <email>')")
            }
            var name = text[..<open]
            while name.last == " " { name.removeLast() }
            composer.sender = (Array(name.utf8), Array(text[text.index(after: open)..<close].utf8))
        }
        composer.forceInBodyFrom = options.forceInBodyFrom ?? configuration.forceInBodyFrom ?? false
        composer.encodeEmailHeaders = options.encodeEmailHeaders ?? configuration.encodeEmailHeaders ?? true
        return composer
    }

    /// git's order: `--no-signature` writes none; a signature from the command line or
    /// `format.signature` beats any signature file; else `--signature-file` or
    /// `format.signatureFile`; else the default (kseries' version where git writes its own).
    static func signature(
        _ options: FormatOptions, configuration: FormatConfiguration, repository: Repository
    ) throws(KSeriesError) -> String? {
        if case .some(let explicit) = options.signature { return explicit }
        if let configured = configuration.signature { return configured }
        let file: String
        if let given = options.signatureFile {
            file = given
        } else if let configured = configuration.signatureFile {
            // git reads a relative configured path from the top of the work tree (from the
            // repository for a bare one).
            file = configured.hasPrefix("/") ? configured : (repository.workTree ?? repository.gitDirectory) + configured
        } else {
            return PatchFormat.defaultSignature(version: SeriesGenerator.version)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .input(source: file, line: nil, problem: "unable to read the signature file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `prepare_cover_text`: the cover letter's subject and blurb from a branch description.
    static func coverText(
        description: [UInt8]?, mode: FormatConfiguration.CoverFromDescription
    ) throws(KSeriesError) -> (subject: [UInt8], blurb: [UInt8]) {
        let placeholders = (CoverLetter.placeholderSubject, CoverLetter.placeholderBlurb)
        guard mode != .none, let description, !description.isEmpty else { return placeholders }
        if mode == .message { return (CoverLetter.placeholderSubject, description) }
        // format_subject: the first paragraph on one line; the rest is the blurb.
        let lines = description.split(separator: 0x0A, omittingEmptySubsequences: false)
        var subject: [UInt8] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) { break }
            if !subject.isEmpty { subject.append(0x20) }
            subject += line
        }
        let rest = Array(lines[min(index, lines.count)...].joined(separator: [0x0A]))
        if mode == .auto && subject.count > 100 { return (CoverLetter.placeholderSubject, description) }
        return (subject, rest)
    }

    /// `branch.<name>.description`, which git puts in the cover letter in place of its
    /// blurb placeholder (`--cover-from-description=message`, the default).
    static func branchDescription(_ branch: String?, in repository: Repository) throws(KSeriesError) -> [UInt8]? {
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
    static func checkOutputEncoding(_ repository: Repository) throws(KSeriesError) {
        let configuration: Configuration
        do {
            configuration = try repository.configurationSnapshot()
        } catch {
            throw .git(error)
        }
        for key in ["i18n.logOutputEncoding", "i18n.commitEncoding"] {
            guard let encoding = configuration.string(key) else { continue }
            if TextReencoder.isUTF8(encoding) { return }
            throw .configuration(
                key: key,
                problem: "set to \(encoding) in \(repository.displayPath): git format-patch would write \(encoding) mails, kseries writes UTF-8 only; unset it (git config --unset \(key)) to format here")
        }
    }

    /// `--base`: git's checks (`get_base_commit`) and the prerequisite patches (`prepare_bases`).
    static func base(_ revision: String, series newestFirst: [ObjectID], in repository: Repository) throws(KSeriesError) -> SeriesMailComposer.Base {
        if revision == "auto" {
            throw .argument("--base=auto", problem: "needs an upstream branch; give the base commit (--base=<rev>)")
        }
        do {
            let baseCommit: ObjectID
            do {
                baseCommit = try repository.commitID(forRevision: revision)
            } catch {
                throw KSeriesError.argument("--base", problem: "unknown commit '\(revision)'")
            }
            var mergeBase = newestFirst[0]
            for id in newestFirst.dropFirst() {
                guard let next = try repository.mergeBase(mergeBase, id) else {
                    throw KSeriesError.argument("--base", problem: "the series has no single merge base")
                }
                mergeBase = next
            }
            guard try repository.isAncestor(baseCommit, of: mergeBase) else {
                throw KSeriesError.argument("--base", problem: "\(revision) is not an ancestor of the series")
            }
            guard !newestFirst.contains(baseCommit) else {
                throw KSeriesError.argument("--base", problem: "\(revision) is one of the commits being formatted")
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
        } catch let error as KSeriesError {
            throw error
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .argument("--base", problem: "\(error)")
        }
    }

    /// The time in message ids: `KSERIES_MESSAGE_ID_TIME` when set, else now (git: `time(NULL)`).
    static func messageIDTime(_ environment: [String: String]) throws(KSeriesError) -> Int64 {
        guard let fixed = environment["KSERIES_MESSAGE_ID_TIME"], !fixed.isEmpty else {
            return Int64(Date().timeIntervalSince1970)
        }
        guard let value = Int64(fixed) else {
            throw .argument("KSERIES_MESSAGE_ID_TIME=\(fixed)", problem: "must be seconds since the epoch")
        }
        return value
    }

    /// `--to`/`--cc` values: one header line each, so no line breaks or control bytes.
    static func headerValues(_ values: [String], option: String) throws(KSeriesError) -> [String] {
        for value in values where value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .argument(
                "\(option) '\(value.debugDescription.dropFirst().dropLast())'", problem: "a header value cannot hold line breaks or control characters")
        }
        return values
    }

    /// git's `clean_message_id`: without surrounding spaces and angle brackets.
    static func cleanMessageID(_ id: String) throws(KSeriesError) -> String {
        let trimmed = id.drop { $0.isWhitespace || $0 == "<" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, trimmed[trimmed.index(before: end)].isWhitespace || trimmed[trimmed.index(before: end)] == ">" {
            end = trimmed.index(before: end)
        }
        let cleaned = String(trimmed[..<end])
        guard !cleaned.isEmpty else { throw .argument("--in-reply-to '\(id)'", problem: "holds no message id") }
        return cleaned
    }
}
