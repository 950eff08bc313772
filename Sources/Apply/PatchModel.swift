/// Where something was read: the patch file (or mailbox) as the user named it, and a 1-based
/// line number in it. Every parse error and every failed hunk carries one, so a message can say
/// `0003-kvm-fix.patch:57`.
public struct PatchLocation: Sendable, Hashable, CustomStringConvertible {
    /// The patch file's display name.
    public var file: String
    /// The 1-based line in that file.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One commit read from a `git format-patch` mail (or a plain diff, which has no metadata):
/// what `git am` would commit, and the file patches it would apply.
public struct PatchCommit: Sendable, Hashable {
    /// The subject with the mail prefixes removed (`Re:`, `[PATCH v2 3/7]`), as `git am` takes
    /// it; nil for a plain diff.
    public var subject: String?
    /// The author, `Name <email>`, from the mail's (or the body's in-body) `From:`; nil for a plain diff.
    public var author: String?
    /// The `Date:` header as written; nil when absent.
    public var date: String?
    /// The commit message body: the lines after the headers, up to the `---` line that starts
    /// the diffstat (or up to the first diff). Not guaranteed UTF-8.
    public var message: [UInt8]
    /// The file patches, in the order they appear.
    public var files: [FilePatch]
    /// Where the mail (or the diff) starts.
    public var location: PatchLocation

    public init(
        subject: String? = nil, author: String? = nil, date: String? = nil, message: [UInt8] = [],
        files: [FilePatch], location: PatchLocation
    ) {
        self.subject = subject
        self.author = author
        self.date = date
        self.message = message
        self.files = files
        self.location = location
    }
}

/// The change one patch makes to one file: a `diff --git` section (or a traditional
/// `---`/`+++` one) with its extended headers and hunks.
public struct FilePatch: Sendable, Hashable {
    /// What the patch does to the file as a whole.
    public enum Operation: Sendable, Hashable {
        /// Changes an existing file in place (content and/or mode).
        case modify
        /// Creates `newPath`, which must not exist.
        case create
        /// Deletes `oldPath`, whose content must be exactly the hunks' preimage.
        case delete
        /// Moves `oldPath` to `newPath`, possibly changing it too.
        case rename
        /// Copies `oldPath` to `newPath`, possibly changing the copy.
        case copy
    }

    /// The path before the change (nil for a creation), without the `a/` prefix.
    public var oldPath: String?
    /// The path after the change (nil for a deletion), without the `b/` prefix.
    public var newPath: String?
    public var operation: Operation
    /// `old mode`, `deleted file mode` or the mode on the `index` line; nil when the patch does not say.
    public var oldMode: UInt32?
    /// `new mode` or `new file mode`; nil when the patch does not say.
    public var newMode: UInt32?
    /// `similarity index` / `dissimilarity index`, in percent.
    public var similarity: Int?
    /// The abbreviated (or full) blob ids of the `index` line.
    public var oldBlobPrefix: String?
    public var newBlobPrefix: String?
    /// The hunks, in order.
    public var hunks: [Hunk]
    /// Set for `GIT binary patch` and `Binary files … differ`: kseries does not apply binary
    /// hunks (see `BinaryPatch`).
    public var binary: BinaryPatch?
    /// True for a traditional (non-git) diff that does not say whether it creates or deletes the
    /// file; as in git, a missing file then means a creation.
    public var creationIsGuessed: Bool
    /// The line of the `diff --git` (or `---`) header.
    public var location: PatchLocation

    public init(
        oldPath: String?, newPath: String?, operation: Operation, oldMode: UInt32? = nil, newMode: UInt32? = nil,
        similarity: Int? = nil, oldBlobPrefix: String? = nil, newBlobPrefix: String? = nil, hunks: [Hunk] = [],
        binary: BinaryPatch? = nil, creationIsGuessed: Bool = false, location: PatchLocation
    ) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.operation = operation
        self.oldMode = oldMode
        self.newMode = newMode
        self.similarity = similarity
        self.oldBlobPrefix = oldBlobPrefix
        self.newBlobPrefix = newBlobPrefix
        self.hunks = hunks
        self.binary = binary
        self.creationIsGuessed = creationIsGuessed
        self.location = location
    }

    /// The path shown in messages: `new` for most patches, `old => new` for renames and copies.
    public var displayPath: String {
        switch (oldPath, newPath) {
        case let (old?, new?) where old != new: return "\(old) => \(new)"
        case let (_, new?): return new
        case let (old?, nil): return old
        default: return "?"
        }
    }

    /// Lines added and removed by the hunks.
    public var addedLines: Int { hunks.reduce(0) { $0 + $1.lines.count { $0.kind == .added } } }
    public var removedLines: Int { hunks.reduce(0) { $0 + $1.lines.count { $0.kind == .removed } } }
}

/// One `@@ -a,b +c,d @@` hunk. `lines` hold the bytes git uses when applying: each line's text
/// without its ` `/`+`/`-` marker, with its newline unless the next patch line is
/// `\ No newline at end of file`.
public struct Hunk: Sendable, Hashable {
    /// `a` and `b` of `-a,b`: the 1-based first line in the old file (0 for an empty side) and the count.
    public var oldStart: Int
    public var oldCount: Int
    /// `c` and `d` of `+c,d`.
    public var newStart: Int
    public var newCount: Int
    /// Context lines before the first change and after the last one, as git counts them.
    public var leadingContext: Int
    public var trailingContext: Int
    public var lines: [HunkLine]
    /// The text after the closing `@@` (git's function context), without the newline.
    public var section: [UInt8]
    /// The line of the `@@` header.
    public var location: PatchLocation

    public init(
        oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, leadingContext: Int, trailingContext: Int,
        lines: [HunkLine], section: [UInt8] = [], location: PatchLocation
    ) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
        self.leadingContext = leadingContext
        self.trailingContext = trailingContext
        self.lines = lines
        self.section = section
        self.location = location
    }

    /// The lines the hunk expects to find (context and removed), in order.
    public var preimage: [[UInt8]] { lines.compactMap { $0.kind == .added ? nil : $0.text } }
    /// The lines the hunk leaves (context and added), in order.
    public var postimage: [[UInt8]] { lines.compactMap { $0.kind == .removed ? nil : $0.text } }
}

/// One line of a hunk.
public struct HunkLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case context, removed, added
    }

    public var kind: Kind
    /// The line's bytes without the marker; ends with `\n` unless it is an incomplete last line.
    public var text: [UInt8]

    public init(_ kind: Kind, _ text: [UInt8]) {
        self.kind = kind
        self.text = text
    }
}

/// A binary change. kseries recognises it so a series that contains one can be reported
/// precisely; it applies one only when the result is already known (see `TreeApplier`).
public struct BinaryPatch: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// `GIT binary patch` / `literal <size>`: the whole new content, deflated and base85-encoded.
        case literal(size: Int)
        /// `GIT binary patch` / `delta <size>`: a git delta against the old content.
        case delta(size: Int)
        /// `Binary files a/x and b/x differ`: no data at all.
        case noData
    }

    /// The forward hunk's method.
    public var method: Method
    /// The base85 lines of the forward hunk, as written (without their newlines).
    public var encodedLines: [[UInt8]]

    public init(method: Method, encodedLines: [[UInt8]] = []) {
        self.method = method
        self.encodedLines = encodedLines
    }
}
