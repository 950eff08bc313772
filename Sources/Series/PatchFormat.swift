import Git

/// How git numbers subjects (`[PATCH 2/5]`).
public enum PatchNumbering: Sendable, Equatable {
    /// git's default: numbered when the series has more than one patch or a cover letter.
    case automatic
    /// `-n`: always numbered, `[PATCH 1/1]` for a single patch.
    case always
    /// `-N`: never numbered, `[PATCH]`.
    case never
}

/// The options of `git format-patch` that kseries uses.
public struct PatchFormat: Sendable {
    /// `--subject-prefix`, "PATCH" by default ("RFC PATCH", "PATCH net-next", …).
    public var subjectPrefix: String
    /// `-v <n>`: appended to the prefix as ` v<n>` and put in front of file names as `v<n>-`.
    public var rerollCount: String?
    public var numbering: PatchNumbering
    /// The text after `-- ` at the end of each mail; nil or empty writes no signature.
    public var signature: String?
    /// git's unique abbreviation of a blob id for `index` lines, as `git diff` prints it with
    /// the repository's `core.abbrev` (e.g. `Repository.uniqueAbbreviation(of:minimumLength:)`
    /// with `defaultAbbreviationLength()`). Never called with the all-zero id.
    public var abbreviate: @Sendable (ObjectID) -> String
    /// The length git uses for the all-zero id of an added or deleted file: git's *default*
    /// abbreviation length (`defaultAbbreviationLength()`), not the other side's, which grows
    /// when a shorter prefix is ambiguous (checked with git 2.39: `index 0000000..7b00d6cd`).
    /// nil uses the other side's length, which is the same unless that side grew.
    public var zeroAbbreviationLength: Int?
    /// `--suffix`/`format.suffix`: the end of every file name, `.patch` by default.
    public var fileNameSuffix = PatchFileName.defaultSuffix
    /// `format.filenameMaxLength`: the longest file name, suffix included.
    public var fileNameMaxLength = PatchFileName.defaultMaxLength
    /// The path prefixes of the diff (`diff --git a/x b/x`); empty with `diff.noprefix`.
    public var oldPathPrefix = "a/"
    public var newPathPrefix = "b/"
    /// `--from`/`format.from`: the identity in each patch's `From:` header. When it is not
    /// the author (or `forceInBodyFrom`), the author goes into the body as `From: …`
    /// (`pp_user_info`); the `Date:` stays the author's.
    public var sender: (name: [UInt8], email: [UInt8])?
    /// `--force-in-body-from`: the in-body `From:` even when the sender is the author.
    public var forceInBodyFrom = false
    /// `--[no-]encode-email-headers`: RFC 2047 for a non-ASCII `From:` name and `Subject:`.
    public var encodeEmailHeaders = true

    /// The signature git writes by default is its version; kseries writes its own.
    public static func defaultSignature(version: String) -> String { "kseries \(version)" }

    public init(
        subjectPrefix: String = "PATCH", rerollCount: String? = nil, numbering: PatchNumbering = .automatic,
        signature: String?, abbreviate: @escaping @Sendable (ObjectID) -> String,
        zeroAbbreviationLength: Int? = nil
    ) {
        self.subjectPrefix = subjectPrefix
        self.rerollCount = rerollCount
        self.numbering = numbering
        self.signature = signature
        self.abbreviate = abbreviate
        self.zeroAbbreviationLength = zeroAbbreviationLength
    }

    /// The `From: <author>` line `pp_user_info` puts at the top of the body when the sender
    /// is not the author (or `forceInBodyFrom`), with the blank line after it; empty otherwise.
    public func inBodyFrom(for author: PatchIdentity) -> [UInt8] {
        guard let sender, forceInBodyFrom || sender.name != author.name || sender.email != author.email else { return [] }
        return Array("From: ".utf8) + author.name + Array(" <".utf8) + author.email + Array(">\n\n".utf8)
    }

    /// The prefix as written in brackets: `--subject-prefix` plus ` v<n>` for a reroll.
    public var effectiveSubjectPrefix: String {
        guard let rerollCount else { return subjectPrefix }
        return "\(subjectPrefix) v\(rerollCount)"
    }
}
