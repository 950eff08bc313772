/// Why a patch file could not be read, with the file and line to look at.
///
/// `description` reads like git's own messages with the place in front, e.g.
/// `0002-fix.patch:41: truncated hunk "@@ -10,7 +10,8 @@" (line 35): expected 7 old and 8 new lines, found 5 and 6`.
public struct PatchParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the input.
    public enum Kind: Sendable, Hashable {
        /// The input holds no diff at all (git: `No valid patches in input`).
        case notAPatch
        /// The patch file could not be read.
        case unreadable
        /// Every mail of the mailbox is a cover letter (`[PATCH 0/N]`) or has no diff.
        case coverLetterOnly(mails: Int)
        /// A hunk has fewer lines than its header announces (a cut-off mail, a hand-edited hunk).
        /// `header` is the `@@` line; the counts are the lines seen before the hunk ended.
        case truncatedHunk(header: String, headerLine: Int, expectedOld: Int, expectedNew: Int, foundOld: Int, foundNew: Int)
        /// A line inside a hunk starts with something else than ` `, `+`, `-` or `\`.
        case corruptHunk(header: String, headerLine: Int, reason: String)
        /// A `@@` hunk header with no file header before it.
        case hunkWithoutHeader
        /// A file header names a path git refuses (`verify_path`): `invalid path '…'`, with why.
        case unsafePath(String, reason: PathProblem)
        /// A `---`/`+++` file header with no `@@` hunk after it (git: `No valid patches in input`).
        case headerWithoutHunk(path: String)
        /// The mail itself is malformed, e.g. a multipart mail whose boundary never appears
        /// (git am: `Patch is empty`).
        case corruptMail(String)
        /// A `diff --git` header git would refuse: names missing or inconsistent, two of
        /// new/deleted/rename/copy, an invalid mode.
        case badHeader(String)
        /// A file header followed by neither hunks nor any change of name or mode.
        case onlyGarbage
        /// A `GIT binary patch` whose data is malformed.
        case corruptBinary
    }

    public var kind: Kind
    /// The offending place.
    public var location: PatchLocation

    public init(_ kind: Kind, at location: PatchLocation) {
        self.kind = kind
        self.location = location
    }

    public var description: String { "\(location): \(problem)" }

    private var problem: String {
        switch kind {
        case .notAPatch:
            return "not a patch: no `diff --git` or `---`/`+++` file header found"
        case .unreadable:
            return "cannot read the file"
        case .coverLetterOnly(let mails):
            return mails == 1
                ? "the mailbox holds only a cover letter, no patch"
                : "none of the \(mails) mails in the mailbox holds a diff (cover letter only?)"
        case .truncatedHunk(let header, let headerLine, let expectedOld, let expectedNew, let foundOld, let foundNew):
            return "truncated hunk \"\(header)\" (line \(headerLine)): expected \(expectedOld) old and \(expectedNew) new lines, "
                + "found \(foundOld) and \(foundNew)"
        case .corruptHunk(let header, let headerLine, let reason):
            return "corrupt hunk \"\(header)\" (line \(headerLine)): \(reason)"
        case .hunkWithoutHeader:
            return "hunk without a file header (`diff --git` or `---`/`+++`) before it"
        case .unsafePath(let path, let reason):
            return "invalid path '\(path)': \(reason)"
        case .headerWithoutHunk(let path):
            return "the `---`/`+++` file header of '\(path)' has no hunk (no `@@` line after it)"
        case .corruptMail(let reason):
            return "corrupt mail: \(reason)"
        case .badHeader(let reason):
            return "bad diff header: \(reason)"
        case .onlyGarbage:
            return "file header with neither hunks nor a name or mode change (patch with only garbage)"
        case .corruptBinary:
            return "corrupt binary patch"
        }
    }
}

/// Why git's `verify_path` refuses a path named by a patch.
public enum PathProblem: Sendable, Hashable, CustomStringConvertible {
    /// `/etc/passwd`: outside the tree.
    case absolute
    /// A `.git` component (any case): git's own directory is a forbidden path.
    case gitDirectory
    /// A `.` or `..` component, an empty component (`a//b`) or a trailing slash.
    case notNormalised(component: String)
    /// No name at all.
    case empty

    public var description: String {
        switch self {
        case .absolute: return "an absolute path is outside the tree"
        case .gitDirectory: return "a forbidden path (inside .git, git's own directory)"
        case .notNormalised(let component):
            return component.isEmpty
                ? "a non-normalised path (an empty component: '//' or a trailing '/')"
                : "a non-normalised path (a '\(component)' component)"
        case .empty: return "an empty path"
        }
    }
}
