import Git
import MailFormat

/// The cover letter of a series, `0/n`, as `git format-patch --cover-letter` writes it:
/// subject and blurb, the shortlog of the patches, the diffstat of the whole series, and
/// the optional `base-commit:` line.
public struct CoverLetter: Sendable, Equatable {
    /// Who sends the series: git uses the committer identity and the current time.
    public var sender: PatchIdentity
    /// The cover subject; git's placeholder is `*** SUBJECT HERE ***`.
    public var subject: [UInt8]
    /// The text of the letter; git's placeholder is `*** BLURB HERE ***`.
    public var blurb: [UInt8]
    /// The id on the mbox `From ` line: git writes the tip commit of the series there
    /// (zeros with `--zero-commit`); nil writes zeros.
    public var tipCommitID: ObjectID?
    /// The diff from the base tree to the tip tree; nil writes no diffstat, as git does when
    /// the series has no single base.
    public var seriesDiff: TreeDiff?
    /// Sizes of binary files in `seriesDiff`, keyed by `FileDiff.newPath`.
    public var seriesBinaryPatches: [[UInt8]: BinaryFilePatch]

    public static let placeholderSubject = Array("*** SUBJECT HERE ***".utf8)
    public static let placeholderBlurb = Array("*** BLURB HERE ***".utf8)

    public init(
        sender: PatchIdentity, subject: [UInt8] = CoverLetter.placeholderSubject,
        blurb: [UInt8] = CoverLetter.placeholderBlurb, tipCommitID: ObjectID? = nil, seriesDiff: TreeDiff? = nil,
        seriesBinaryPatches: [[UInt8]: BinaryFilePatch] = [:]
    ) {
        self.sender = sender
        self.subject = subject
        self.blurb = blurb
        self.tipCommitID = tipCommitID
        self.seriesDiff = seriesDiff
        self.seriesBinaryPatches = seriesBinaryPatches
    }
}

/// Writes a `CoverLetter` for a series of commits.
public struct CoverLetterWriter: Sendable {
    public var format: PatchFormat

    public init(format: PatchFormat) {
        self.format = format
    }

    /// The cover letter mail; `commits` in series order, the letter being `0/commits.count`.
    public func write(
        _ letter: CoverLetter, commits: [MailCommit], threading: ThreadingHeaders = .none, baseCommit: ObjectID? = nil
    ) -> [UInt8] {
        let id = letter.tipCommitID ?? .zero
        var out = Array("From \(id.hex) Mon Sep 17 00:00:00 2001\n".utf8)
        out += threading.rendered
        // git writes the cover letter's From: and Subject: without RFC 2047 encoding.
        out += MailHeaders.fromLine(letter.sender, encoded: false)
        out += Array("Date: ".utf8) + MailHeaders.rfc2822Date(letter.sender) + [ByteText.newline]
        let prefix = SubjectPrefix.rendered(
            format.effectiveSubjectPrefix, position: SeriesPosition(number: 0, total: commits.count))
        out += MailHeaders.subjectLine(prefix: prefix, title: CommitMessage(letter.subject).title, encoded: false)
        // git looks for non-ASCII in the raw commits (headers included), not in the letter.
        if commits.contains(where: CoverLetterWriter.hasNonASCII) { out += MailHeaders.eightBitHeaders }
        out.append(ByteText.newline)
        out += CoverLetterWriter.remainder(letter.blurb)
        out.append(ByteText.newline)
        out += Shortlog(commits: commits).rendered()
        if let diff = letter.seriesDiff, !diff.files.isEmpty {
            out += Diffstat(diff, binaryPatches: letter.seriesBinaryPatches).rendered()
            out += DiffSummary.rendered(diff)
            out.append(ByteText.newline)
        }
        if let baseCommit { out += Array("\nbase-commit: \(baseCommit.hex)\n".utf8) }
        out += MailSignature.rendered(format.signature)
        return out
    }

    /// `make_cover_letter`: `has_non_ascii` of each commit's whole buffer, headers and message.
    private static func hasNonASCII(_ commit: MailCommit) -> Bool {
        if let rawHeader = commit.rawHeader {
            return MailCharset.hasNonASCII(rawHeader) || MailCharset.hasNonASCII(commit.message)
        }
        return [commit.author.name, commit.author.email, commit.committer.name, commit.committer.email, commit.message]
            .contains(where: { MailCharset.hasNonASCII($0) })
    }

    /// `pp_remainder`: leading blank lines dropped, trailing whitespace of each line dropped.
    static func remainder(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        for line in ByteText.lines(Array(text.prefix { $0 != 0 })) {
            let trimmed = ByteText.trimmingTrailingSpace(line)
            if trimmed.isEmpty && first { continue }
            first = false
            out += trimmed
            out.append(ByteText.newline)
        }
        return out
    }
}
