import Git
import Series

/// Renders commits of a repository as the mails `git format-patch --cover-letter --base`
/// would write, through kseries' own writer (libgit2's email output is not git's).
///
/// The repository's `format.*` configuration counts where it would for git and leaves the
/// series kseries' own: `format.signature`/`signatureFile`, `format.to`/`cc`/`headers`,
/// `format.signOff`, `format.from`/`forceInBodyFrom` apply; the subject prefix, numbering and
/// cover letter are the policy's, and the file names (`format.suffix`,
/// `format.filenameMaxLength`), `diff.noprefix` (patches `git am` and `kseries check` apply
/// with `-p1`) and `format.thread` (kseries send threads the series when it sends it) stay
/// as kseries writes them.
public struct SeriesMailRenderer {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The cover letter and one mail per commit (oldest first) on top of `base`, and the
    /// mailbox of them all (threaded with the sender's email and time, for b4).
    public func mails(
        commits ids: [ObjectID], base: ObjectID, cover: (subject: String, body: String), sender: Signature,
        subjectPrefix: String
    ) throws(KSeriesError) -> SeriesMails {
        let letter = SeriesMailComposer.Cover(
            subject: Array(cover.subject.utf8), blurb: Array(Self.trimmed(cover.body).utf8),
            sender: PatchIdentity(sender), origin: base)
        let snapshot: Configuration
        do {
            snapshot = try repository.configurationSnapshot()
        } catch {
            throw .git(error)
        }
        let configured = try FormatConfiguration(snapshot)
        var applicable = FormatConfiguration()
        applicable.signOff = configured.signOff
        applicable.to = configured.to
        applicable.cc = configured.cc
        applicable.headers = configured.headers
        applicable.signature = configured.signature
        applicable.signatureFile = configured.signatureFile
        applicable.from = configured.from
        applicable.forceInBodyFrom = configured.forceInBodyFrom
        var options = try PatchFormatter.composerOptions(
            FormatOptions(), configuration: applicable, repository: repository, committer: { sender })
        options.subjectPrefix = subjectPrefix
        return try SeriesMailComposer(repository: repository)
            .mails(
                ids, cover: letter, base: SeriesMailComposer.Base(commit: base), options: options,
                mailboxThreading: (time: sender.time, email: sender.email))
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
