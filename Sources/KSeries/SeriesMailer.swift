import Git
import Series

/// Renders commits of a repository as the mails `git format-patch --cover-letter --base`
/// would write, through kseries' own writer (libgit2's email output is not git's).
public struct SeriesMailer {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The cover letter and one mail per commit (oldest first) on top of `base`, and the
    /// mailbox of them all (threaded with the sender's email and time, for b4).
    public func mails(
        commits ids: [ObjectID], base: ObjectID, cover: (subject: String, body: String), sender: Signature,
        subjectPrefix: String
    ) throws(GitError) -> SeriesMails {
        let letter = SeriesMailComposer.Cover(
            subject: Array(cover.subject.utf8), blurb: Array(Self.trimmed(cover.body).utf8),
            sender: PatchIdentity(sender), origin: base)
        var options = SeriesMailComposer.Options()
        options.subjectPrefix = subjectPrefix
        do {
            return try SeriesMailComposer(repository: repository)
                .mails(
                    ids, cover: letter, base: SeriesMailComposer.Base(commit: base), options: options,
                    mailboxThreading: (time: sender.time, email: sender.email))
        } catch {
            // kseries makes these commits itself: only git can fail here.
            if case .git(let gitError) = error { throw gitError }
            throw GitError(code: .generic, message: "\(error)", operation: "writing the series' mails")
        }
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
