import Foundation
import Git
import Series

/// The options of `kseries format`, named after `git format-patch`'s. A nil option was not
/// given: the repository's `format.*` configuration decides (`FormatConfiguration`), else
/// git's default.
public struct FormatOptions: Sendable {
    /// `--cover-letter` / `--no-cover-letter`: a `0000-cover-letter.patch` with git's
    /// placeholders, the shortlog and the diffstat of the series.
    public var coverLetter: Bool?
    /// `-v <n>`: `[PATCH v<n> …]` and `v<n>-` file names.
    public var rerollCount: String?
    /// `--rfc`: git 2.39's `--subject-prefix="RFC PATCH"`, unless `subjectPrefix` came later
    /// on the command line (`rfcAfterSubjectPrefix`).
    public var rfc = false
    /// Whether `--rfc` came after `--subject-prefix` (git: the last one wins).
    public var rfcAfterSubjectPrefix = false
    /// `--subject-prefix`, `PATCH` by default.
    public var subjectPrefix: String?
    /// `-n` / `-N`.
    public var numbering: PatchNumbering?
    /// `--thread[=shallow|deep]`; `.some(nil)` for `--no-thread`.
    public var thread: SeriesThreading.Style??
    /// `--in-reply-to`: the id the first mail answers, with or without angle brackets.
    public var inReplyTo: String?
    /// `--base=<rev>`: `base-commit:` and `prerequisite-patch-id:` lines.
    public var base: String?
    /// `--to`, `--cc`: header values, in order, after the configuration's.
    public var to: [String] = []
    public var cc: [String] = []
    /// `--no-to`, `--no-cc`: drop the configuration's (and earlier) values.
    public var clearTo = false
    public var clearCc = false
    /// `--add-header`: whole header lines (`To: `/`Cc: ` ones join `to`/`cc`).
    public var headers: [String] = []
    /// `--signoff` / `--no-signoff`: a `Signed-off-by:` trailer with the committer identity.
    public var signoff: Bool?
    /// `--signature=<text>`; `.some(nil)` for `--no-signature`.
    public var signature: String??
    /// `--signature-file=<path>`.
    public var signatureFile: String?
    /// `--suffix`: `.patch` by default.
    public var suffix: String?
    /// `--from[=<ident>]`: `.committer` without a value; `.off` for `--no-from`.
    public var from: FormatConfiguration.FromSetting?
    /// `--force-in-body-from` / `--no-force-in-body-from`.
    public var forceInBodyFrom: Bool?
    /// `--encode-email-headers` / `--no-encode-email-headers`.
    public var encodeEmailHeaders: Bool?
    /// `--cover-from-description`.
    public var coverFromDescription: FormatConfiguration.CoverFromDescription?
    /// `--no-merges`: skip merge commits as `git format-patch` silently does, instead of
    /// refusing the range.
    public var skipMerges = false

    public init() {}

    /// The bracketed prefix before `v<n>` is added: `--rfc` is `RFC PATCH` in git 2.39,
    /// whatever the configuration says, unless `--subject-prefix` came after it.
    func effectiveSubjectPrefix(configured: String?) -> String {
        if rfc && (subjectPrefix == nil || rfcAfterSubjectPrefix) { return "RFC PATCH" }
        return subjectPrefix ?? configured ?? "PATCH"
    }
}
