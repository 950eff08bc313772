import Git
import Series

/// Renders commits of a repository as the mails `git format-patch --cover-letter --base`
/// would write, through kseries' own writer (libgit2's email output is not git's).
public struct SeriesMailer {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The cover letter and one mail per commit (oldest first) on top of `base`.
    public func mails(
        commits ids: [ObjectID], base: ObjectID, cover: (subject: String, body: String), sender: Signature,
        subjectPrefix: String
    ) throws(GitError) -> [PatchMail] {
        var mailCommits: [MailCommit] = []
        for id in ids {
            let commit = try repository.commit(id)
            let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in
                try repository.commit(parent).treeID
            }
            mailCommits.append(
                MailCommit(
                    id: id, author: PatchIdentity(commit.author), committer: PatchIdentity(commit.committer),
                    message: commit.message, diff: try repository.diff(from: parentTree, to: commit.treeID)))
        }
        let baseTree = try repository.commit(base).treeID
        let tipTree = try repository.commit(ids.last ?? base).treeID
        let letter = CoverLetter(
            sender: PatchIdentity(sender), subject: Array(cover.subject.utf8), blurb: Array(Self.trimmed(cover.body).utf8),
            tipCommitID: ids.last, seriesDiff: try repository.diff(from: baseTree, to: tipTree))

        let minimum = try repository.defaultAbbreviationLength()
        let abbreviations = try abbreviationTable(for: mailCommits.map(\.diff) + [letter.seriesDiff].compactMap { $0 }, minimum: minimum)
        let format = PatchFormat(
            subjectPrefix: subjectPrefix, signature: PatchFormat.defaultSignature(version: SeriesGenerator.version),
            abbreviate: { abbreviations[$0] ?? String($0.hex.prefix(minimum)) }, zeroAbbreviationLength: minimum)
        let series = PatchSeries(commits: mailCommits, coverLetter: letter, baseCommit: base)
        return series.mails(format: format)
    }

    /// git's unique abbreviation of every blob id the diffs print, computed up front.
    private func abbreviationTable(for diffs: [TreeDiff], minimum: Int) throws(GitError) -> [ObjectID: String] {
        var table: [ObjectID: String] = [:]
        for diff in diffs {
            for file in diff.files {
                for id in [file.oldID, file.newID] where !id.isZero && table[id] == nil {
                    table[id] = try repository.uniqueAbbreviation(of: id, minimumLength: minimum)
                }
            }
        }
        return table
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

extension PatchIdentity {
    init(_ signature: Signature) {
        self.init(
            name: signature.name, email: signature.email, time: signature.time,
            timezoneOffsetMinutes: Int(signature.offsetMinutes))
    }
}
