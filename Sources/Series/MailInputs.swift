import Git

/// Who wrote or sent something, and when: the `name <email> seconds ±hhmm` of a git
/// author or committer line.
public struct PatchIdentity: Sendable, Equatable {
    /// The name bytes, as stored in the commit (usually UTF-8).
    public var name: [UInt8]
    /// The email address bytes, without angle brackets.
    public var email: [UInt8]
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// Offset from UTC in minutes, e.g. 60 for `+0100`, -330 for `-0530`.
    public var timezoneOffsetMinutes: Int

    public init(name: [UInt8], email: [UInt8], time: Int64, timezoneOffsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.timezoneOffsetMinutes = timezoneOffsetMinutes
    }

    public init(name: String, email: String, time: Int64, timezoneOffsetMinutes: Int) {
        self.init(name: Array(name.utf8), email: Array(email.utf8), time: time,
                  timezoneOffsetMinutes: timezoneOffsetMinutes)
    }
}

/// One commit of a series, with everything needed to write it as a patch mail.
public struct MailCommit: Sendable, Equatable {
    /// The commit id, written on the mbox `From <id> Mon Sep 17 00:00:00 2001` line.
    public var id: ObjectID
    /// The author: the mail's `From:` and `Date:` headers.
    public var author: PatchIdentity
    /// The committer. git reads it only to decide whether a cover letter needs MIME
    /// headers (any non-ASCII byte in any commit of the series).
    public var committer: PatchIdentity
    /// The raw commit message (subject paragraph, blank line, body).
    public var message: [UInt8]
    /// The diff against the parent.
    public var diff: TreeDiff
    /// `GIT binary patch` data for the binary files of `diff`, keyed by `FileDiff.newPath`;
    /// make it from the blobs with `BinaryFilePatch(oldContent:newContent:)`. A binary file
    /// without an entry is written as `Binary files a/x and b/x differ`.
    public var binaryPatches: [[UInt8]: BinaryFilePatch]
    /// The commit's header lines as stored (tree, parents, author, committer, encoding, …):
    /// a cover letter gets MIME headers when any commit's whole buffer is not ASCII. nil
    /// looks at the identities and the message only.
    public var rawHeader: [UInt8]?

    public init(
        id: ObjectID, author: PatchIdentity, committer: PatchIdentity? = nil, message: [UInt8], diff: TreeDiff,
        binaryPatches: [[UInt8]: BinaryFilePatch] = [:], rawHeader: [UInt8]? = nil
    ) {
        self.rawHeader = rawHeader
        self.id = id
        self.author = author
        self.committer = committer ?? author
        self.message = message
        self.diff = diff
        self.binaryPatches = binaryPatches
    }
}

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

/// Where a mail sits in its series: `[PATCH number/total]`, the cover letter being number 0.
public struct SeriesPosition: Sendable, Equatable {
    public var number: Int
    public var total: Int

    public init(number: Int, total: Int) {
        self.number = number
        self.total = total
    }
}

/// The threading headers of `git format-patch --thread`, written right after the mbox
/// `From ` line, in git's order: `Message-Id:`, `In-Reply-To:` (the last reference),
/// `References:` (all, one per line).
public struct ThreadingHeaders: Sendable, Equatable {
    /// Without angle brackets.
    public var messageID: String?
    /// Oldest first, without angle brackets.
    public var references: [String]

    public init(messageID: String? = nil, references: [String] = []) {
        self.messageID = messageID
        self.references = references
    }

    public static let none = ThreadingHeaders()

    var rendered: [UInt8] {
        var out = ""
        if let messageID { out += "Message-Id: <\(messageID)>\n" }
        if let last = references.last {
            out += "In-Reply-To: <\(last)>\n"
            for (index, reference) in references.enumerated() {
                out += (index == 0 ? "References: " : "\t") + "<\(reference)>\n"
            }
        }
        return Array(out.utf8)
    }
}
