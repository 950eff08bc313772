import Foundation
import Git
import MailFormat
import Series

/// Turns commits into the mails `git format-patch` writes for them, with the options kernel
/// developers use. The `Series` writers make each mail; this adds what they leave to the
/// caller: reading the commits (binary data included), the cover letter's diffstat, the
/// `Message-Id`s, and git's additions to finished mails — `To:`/`Cc:` headers,
/// `Signed-off-by:`, the `base-commit:`/`prerequisite-patch-id:` block, and the empty file
/// git writes for a commit that changes nothing.
struct SeriesMailComposer {
    /// The cover letter's text and sender, and the commit its diffstat starts from.
    struct Cover {
        var subject: [UInt8] = CoverLetter.placeholderSubject
        var blurb: [UInt8] = CoverLetter.placeholderBlurb
        /// git's committer identity at the time of formatting.
        var sender: PatchIdentity
        /// The series' single base (git's boundary commit); nil writes no diffstat.
        var origin: ObjectID?
    }

    /// `--base`: the base commit and the patch ids of the commits between it and the series,
    /// oldest first.
    struct Base {
        var commit: ObjectID
        var prerequisitePatchIDs: [ObjectID] = []
    }

    /// `--thread`, `--in-reply-to`: ids are `<commit or "cover">.<time>.git.<email>`.
    struct Threading {
        var style: SeriesThreading.Style?
        var inReplyTo: String?
        /// Seconds in the ids (git: the clock).
        var time: Int64
        /// The committer's email (git: `git_committer_info(IDENT_NO_NAME)`).
        var email: String
    }

    struct Options {
        var subjectPrefix = "PATCH"
        var rerollCount: String?
        var numbering: PatchNumbering = .automatic
        var threading: Threading?
        var to: [String] = []
        var cc: [String] = []
        /// `--add-header`/`format.headers`: whole header lines, written before `To:` and `Cc:`.
        var headers: [String] = []
        /// `--signoff` with this identity (name, email).
        var signoff: (name: [UInt8], email: [UInt8])?
        /// The text after `-- `; nil or empty writes no signature.
        var signature: String? = PatchFormat.defaultSignature(version: SeriesGenerator.version)
        /// `--suffix`/`format.suffix` and `format.filenameMaxLength`.
        var fileNameSuffix = PatchFileName.defaultSuffix
        var fileNameMaxLength = PatchFileName.defaultMaxLength
        /// `diff.noprefix`: `diff --git x x` instead of `a/x b/x`.
        var noPrefix = false
        /// `--from`/`format.from` and `--force-in-body-from` (see `PatchFormat.sender`).
        var sender: (name: [UInt8], email: [UInt8])?
        var forceInBodyFrom = false
        var encodeEmailHeaders = true
    }

    let repository: Repository

    /// The mails of `ids` (oldest first), the cover letter first when there is one, and the
    /// mailbox of them all.
    ///
    /// - Parameter mailboxThreading: the ids the mailbox's mails get when `options` asks for
    ///   no threading (b4 needs a `Message-Id` on every mail): shallow threading with this
    ///   time and email, as `--thread` would give them.
    func mails(
        _ ids: [ObjectID], cover: Cover?, base: Base?, options: Options, mailboxThreading: (time: Int64, email: String)
    ) throws(KSeriesError) -> SeriesMails {
        let reader = CommitMailReader(repository: repository)
        var commits: [MailCommit] = []
        for id in ids { commits.append(try reader.mailCommit(id)) }

        var letter: CoverLetter?
        if let cover {
            let series = try cover.origin.map { (origin) throws(KSeriesError) in
                try reader.seriesDiff(from: origin, to: ids.last ?? origin)
            }
            letter = CoverLetter(
                sender: cover.sender, subject: cover.subject, blurb: cover.blurb, tipCommitID: ids.last,
                seriesDiff: series?.0, seriesBinaryPatches: series?.1 ?? [:])
        }

        let format = try patchFormat(options, diffs: commits.map(\.diff) + [letter?.seriesDiff].compactMap { $0 })
        let series = PatchSeries(commits: commits, coverLetter: letter, threading: threading(options.threading, commits, letter))
        let files = finish(
            series.mails(format: format), commits: commits, hasCover: letter != nil, base: base, options: options,
            format: format)
        guard options.threading?.style == nil else {
            return SeriesMails(files: files, mailbox: Mailbox(files).bytes)
        }
        let mailboxThread = threading(
            Threading(
                style: .shallow, inReplyTo: options.threading?.inReplyTo, time: mailboxThreading.time,
                email: mailboxThreading.email), commits, letter)
        // The files with the mailbox's ids spliced in; written again only if that cannot be.
        if let mailbox = series.mailbox(of: files, threading: mailboxThread) {
            return SeriesMails(files: files, mailbox: mailbox)
        }
        var threaded = series
        threaded.threading = mailboxThread
        let mailbox = finish(
            threaded.mails(format: format), commits: commits, hasCover: letter != nil, base: base, options: options,
            format: format)
        return SeriesMails(files: files, mailbox: Mailbox(mailbox).bytes)
    }

    /// git's ids: `<commit or "cover">.<time>.git.<email>`.
    private func threading(_ thread: Threading?, _ commits: [MailCommit], _ letter: CoverLetter?) -> SeriesThreading? {
        guard let thread else { return nil }
        var ids: [String] = []
        if thread.style != nil {
            if letter != nil { ids.append("cover.\(thread.time).git.\(thread.email)") }
            ids += commits.map { "\($0.id.hex).\(thread.time).git.\(thread.email)" }
        }
        return SeriesThreading(style: thread.style, messageIDs: ids, inReplyTo: thread.inReplyTo)
    }

    /// What git adds to the mails the `Series` writers make.
    private func finish(
        _ written: [PatchMail], commits: [MailCommit], hasCover: Bool, base: Base?, options: Options, format: PatchFormat
    ) -> [PatchMail] {
        var mails = written
        let coverOffset = hasCover ? 1 : 0
        let extraHeaders = Self.extraHeaders(options.headers, to: options.to, cc: options.cc)
        for index in mails.indices {
            let commit = index >= coverOffset ? commits[index - coverOffset] : nil
            if let commit, commit.diff.files.isEmpty {
                // git opens the file, shows nothing for a commit without changes, and moves on.
                mails[index].bytes = []
                continue
            }
            var edit = MailEdit(mails[index].bytes)
            if let commit, let signoff = options.signoff {
                let trailer = SignoffTrailer(name: signoff.name, email: signoff.email)
                let body = CommitMessage(commit.message).body
                let inBody = format.inBodyFrom(for: commit.author).count
                edit.appendToBody(trailer.addition(toBody: body), bodyLength: inBody + body.count)
                // git decides on the MIME headers from the sign-off alone, then from the body.
                if MailCharset.hasNonASCII(trailer.line) && !edit.hasEightBitHeaders {
                    edit.insertHeaders(MailCharset.eightBitHeaders)
                }
            }
            edit.insertHeaders(extraHeaders)
            if let commit, Self.isEmptyMessage(commit.message), format.inBodyFrom(for: commit.author).isEmpty {
                // git trims the whitespace at the end of a mail without title or body, which
                // is the space after `[PATCH]` when no header follows the subject.
                edit.trimHeaderEnd()
            }
            mails[index].bytes = edit.bytes
        }

        // git prints the base once: in the cover letter, or in the first patch it shows.
        if let base, let target = mails.firstIndex(where: { !$0.bytes.isEmpty }) {
            var block = Array("\nbase-commit: \(base.commit.hex)\n".utf8)
            for id in base.prerequisitePatchIDs { block += Array("prerequisite-patch-id: \(id.hex)\n".utf8) }
            var edit = MailEdit(mails[target].bytes)
            edit.insertBeforeSignature(block, signature: options.signature)
            mails[target].bytes = edit.bytes
        }
        return mails
    }

    /// The format options with git's abbreviations of every blob id the diffs print.
    private func patchFormat(_ options: Options, diffs: [TreeDiff]) throws(KSeriesError) -> PatchFormat {
        let minimum: Int
        var table: [ObjectID: String] = [:]
        do {
            minimum = try repository.defaultAbbreviationLength()
            for diff in diffs {
                for file in diff.files {
                    for id in [file.oldID, file.newID] where !id.isZero && table[id] == nil {
                        table[id] = try repository.uniqueAbbreviation(of: id, minimumLength: minimum)
                    }
                }
            }
        } catch {
            throw .git(error)
        }
        let abbreviations = table
        var format = PatchFormat(
            subjectPrefix: options.subjectPrefix, rerollCount: options.rerollCount, numbering: options.numbering,
            signature: options.signature, abbreviate: { abbreviations[$0] ?? String($0.hex.prefix(minimum)) },
            zeroAbbreviationLength: minimum)
        format.fileNameSuffix = options.fileNameSuffix
        format.fileNameMaxLength = options.fileNameMaxLength
        if options.noPrefix {
            format.oldPathPrefix = ""
            format.newPathPrefix = ""
        }
        format.sender = options.sender
        format.forceInBodyFrom = options.forceInBodyFrom
        format.encodeEmailHeaders = options.encodeEmailHeaders
        return format
    }

    static func isEmptyMessage(_ message: [UInt8]) -> Bool {
        let parsed = CommitMessage(message)
        return parsed.title.isEmpty && parsed.body.isEmpty
    }

    /// `--add-header` lines, then `To: a,\n    b\n` and `Cc: …`, as git joins `--to` and `--cc`.
    static func extraHeaders(_ headers: [String], to: [String], cc: [String]) -> [UInt8] {
        var out = headers.map { $0 + "\n" }.joined()
        for (name, values) in [("To", to), ("Cc", cc)] where !values.isEmpty {
            out += "\(name): " + values.joined(separator: ",\n    ") + "\n"
        }
        return Array(out.utf8)
    }
}
