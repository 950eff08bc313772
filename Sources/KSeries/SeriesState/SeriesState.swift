import Foundation
import Git

/// What kseries remembers about a series across its versions: its b4 `change-id`, each
/// version's base, commits and cover letter, stable keys and fingerprints of its patches, the
/// trailers reviewers gave, and the author's notes for the next cover letter.
///
/// It lives in the kernel repository itself, readable with plain git:
///
///     git show refs/kseries/series/<name>:series.json
///     git log -p refs/kseries/series/<name>        # every change, newest first
///
/// Each change is a commit on that ref whose parent is the previous state, moved with
/// compare-and-swap, so of two concurrent kseries runs one wins and the other refuses. The
/// commits of version N are on `refs/heads/kseries/<name>/v<N>`; the state is the record of
/// which commits make a version, so a version ref the state does not record (left by a run
/// that was killed before it wrote the state) is overwritten by the next run.
public struct SeriesState: Codable, Equatable, Sendable {
    /// The layout of `series.json`; a newer one is refused rather than misread.
    public static let currentFormat = 1

    /// Where the series comes from.
    public struct Origin: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable {
            /// A policy under `Templates/`: every version is regenerated from it.
            case policy
            /// Hand-written patches (an mbox, a folder of patches or a revision range):
            /// versions after the first are the previous version's patches, reapplied.
            case patches
        }

        public var kind: Kind
        /// The policy's name, or what was imported (a path or a revision range).
        public var source: String

        public init(kind: Kind, source: String) {
            self.kind = kind
            self.source = source
        }
    }

    /// The cover letter's own text, as the author wrote it (kseries adds the changes, the
    /// shortlog, the diffstat, the range-diff, `base-commit:` and `change-id:`).
    public struct Cover: Codable, Equatable, Sendable {
        public var subject: String
        public var body: String

        public init(subject: String, body: String) {
            self.subject = subject
            self.body = body
        }
    }

    /// One patch of a version.
    public struct Patch: Codable, Equatable, Sendable {
        /// Stable across versions and rebases (unlike a patch-id): given when the patch first
        /// appears (from its subject) and inherited by the patch it becomes in later versions.
        public var key: String
        public var subject: String
        /// The commit (hex).
        public var commit: String
        /// A fingerprint of the lines the patch adds and removes, per file, without context
        /// or line numbers: a rebase that only moves the patch keeps it.
        public var code: String
        /// A fingerprint of the commit message without its trailers.
        public var message: String
        /// For a policy series: a fingerprint of the patch's edits in the template, which
        /// stays the same when the edits re-resolve on a kernel that changed around them.
        public var template: String?
        /// Trailers carried into this version's commit (`Reviewed-by: Name <email>`).
        public var trailers: [String]
        /// Trailers reviewers gave on this version (`kseries trailers`), carried into the
        /// next version if the patch does not change in substance.
        public var received: [String]

        public init(
            key: String, subject: String, commit: String, code: String, message: String, template: String? = nil,
            trailers: [String] = [], received: [String] = []
        ) {
            self.key = key
            self.subject = subject
            self.commit = commit
            self.code = code
            self.message = message
            self.template = template
            self.trailers = trailers
            self.received = received
        }

        /// Whether `other`, a later form of this patch, has the same substance: the same
        /// added and removed lines, or the same template edits.
        public func hasSameSubstance(as other: Patch) -> Bool {
            if code == other.code { return true }
            if let template, template == other.template { return true }
            return false
        }
    }

    /// One version of the series.
    public struct Version: Codable, Equatable, Sendable {
        /// How a version was made.
        public enum Making: String, Codable, Sendable {
            case generate, rebase, `import`
        }

        public var number: Int
        /// The ref the user named as base (`v6.12-deb`), and the commit it was (hex).
        public var baseRef: String
        public var baseCommit: String
        /// The patches, in series order.
        public var patches: [Patch]
        /// `RFC PATCH`: the mails say `[RFC PATCH v<N> i/n]`.
        public var subjectPrefix: String
        public var cover: Cover
        public var made: Making
        /// Seconds since the epoch (the committer time of the run that made it).
        public var created: Int64
        /// Patches (1-based) that a plain apply refused and git's three-way merge placed.
        public var threeWayPatches: [Int]
        /// The folder the mails were written to, when they were.
        public var mailFolder: String?
        /// The cover letter's `Message-Id` once sent, for the next version's `Link to v<N>`.
        public var sentMessageID: String?

        public init(
            number: Int, baseRef: String, baseCommit: String, patches: [Patch], subjectPrefix: String, cover: Cover,
            made: Making, created: Int64, threeWayPatches: [Int] = [], mailFolder: String? = nil,
            sentMessageID: String? = nil
        ) {
            self.number = number
            self.baseRef = baseRef
            self.baseCommit = baseCommit
            self.patches = patches
            self.subjectPrefix = subjectPrefix
            self.cover = cover
            self.made = made
            self.created = created
            self.threeWayPatches = threeWayPatches
            self.mailFolder = mailFolder
            self.sentMessageID = sentMessageID
        }

        /// The commits, oldest first.
        public var commits: [String] { patches.map(\.commit) }
        /// The last commit, or the base for an empty series.
        public var tip: String { patches.last?.commit ?? baseCommit }
    }

    public var format: Int
    /// The series' name: the policy's for a policy series.
    public var name: String
    /// b4's `change-id:`, the same for every version.
    public var changeID: String
    public var origin: Origin
    /// Every version made, oldest first.
    public var versions: [Version]
    /// The author's notes for "Changes since v<N-1>" by version number (`"2"`), kept across
    /// regenerations; set before or after the version is made.
    public var notes: [String: String]

    public init(name: String, changeID: String, origin: Origin, versions: [Version] = [], notes: [String: String] = [:]) {
        self.format = Self.currentFormat
        self.name = name
        self.changeID = changeID
        self.origin = origin
        self.versions = versions
        self.notes = notes
    }

    /// The highest version, nil before the first.
    public var latest: Version? { versions.max { $0.number < $1.number } }

    public func version(_ number: Int) -> Version? { versions.first { $0.number == number } }

    /// The highest version below `number`: the one a new version `number` follows.
    public func version(before number: Int) -> Version? {
        versions.filter { $0.number < number }.max { $0.number < $1.number }
    }

    /// Puts `version` in place of the one with the same number, or adds it.
    public mutating func record(_ version: Version) {
        versions.removeAll { $0.number == version.number }
        versions.append(version)
        versions.sort { $0.number < $1.number }
    }

    public func notes(for version: Int) -> String { notes[String(version)] ?? "" }

    /// A b4-compatible change-id, `<yyyymmdd>-<slug>-<12 hex>` (b4 0.12 `ez.py`: today's date,
    /// the series name with runs of non-word characters turned into `-`, 12 hex digits). The
    /// digits come from the name, the author and the moment rather than from randomness, so a
    /// run with a fixed identity and date (`GIT_COMMITTER_DATE`) always gives the same id.
    public static func newChangeID(name: String, identity: Signature, base: ObjectID) -> String {
        // The UTC day as yyyyMMdd, with the C library rather than an ICU DateFormatter.
        var time = time_t(identity.time)
        var utc = tm()
        gmtime_r(&time, &utc)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let day = padded(utc.tm_year + 1900, 4) + padded(utc.tm_mon + 1, 2) + padded(utc.tm_mday, 2)
        let digest = Fingerprint.hex(["change-id", name, identity.name, identity.email, String(identity.time), base.hex])
        return "\(day)-\(slug(name))-\(digest.prefix(12))"
    }

    /// b4's slug: runs of characters other than letters, digits and `_` become `-`, trimmed,
    /// lowercased.
    public static func slug(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(character)
            } else {
                pendingDash = true
            }
        }
        return out
    }
}
