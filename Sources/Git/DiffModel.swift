/// A tree-to-tree diff as plain values, detached from libgit2 handles, ready to be
/// rendered as a patch or a diffstat.
///
/// Paths and line contents are bytes: kernel files are not guaranteed to be UTF-8.
public struct TreeDiff: Sendable, Equatable {
    /// One entry per changed file, in git's order (by path).
    public var files: [FileDiff]

    public init(files: [FileDiff]) {
        self.files = files
    }
}

/// How one file changed between two trees.
public struct FileDiff: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case added, deleted, modified, renamed, copied, typeChanged
    }

    public var status: Status
    /// Path in the old tree (equals `newPath` unless renamed or copied).
    public var oldPath: [UInt8]
    /// Path in the new tree.
    public var newPath: [UInt8]
    /// Git file mode in the old tree (`0o100644`, `0o100755`, `0o120000`, …), 0 when added.
    public var oldMode: UInt32
    /// Git file mode in the new tree, 0 when deleted.
    public var newMode: UInt32
    /// Blob id in the old tree, all zero when added.
    public var oldID: ObjectID
    /// Blob id in the new tree, all zero when deleted.
    public var newID: ObjectID
    /// Similarity percentage for renames and copies (0–100), 0 otherwise.
    public var similarity: Int
    /// True when git considers either side binary; `hunks` is then empty.
    public var isBinary: Bool
    /// The text hunks, in order.
    public var hunks: [DiffHunk]

    public init(
        status: Status, oldPath: [UInt8], newPath: [UInt8], oldMode: UInt32, newMode: UInt32,
        oldID: ObjectID, newID: ObjectID, similarity: Int = 0, isBinary: Bool = false, hunks: [DiffHunk]
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldMode = oldMode
        self.newMode = newMode
        self.oldID = oldID
        self.newID = newID
        self.similarity = similarity
        self.isBinary = isBinary
        self.hunks = hunks
    }

    /// Lines added, counted as git's diffstat counts them.
    public var insertions: Int { hunks.reduce(0) { $0 + $1.lines.count { $0.origin == .addition } } }
    /// Lines removed, counted as git's diffstat counts them.
    public var deletions: Int { hunks.reduce(0) { $0 + $1.lines.count { $0.origin == .deletion } } }
}

/// One `@@ -a,b +c,d @@ context` hunk.
public struct DiffHunk: Sendable, Equatable {
    public var oldStart: Int
    public var oldCount: Int
    public var newStart: Int
    public var newCount: Int
    /// The full header line as git writes it, including `@@ … @@`, the function context
    /// and the trailing newline.
    public var header: [UInt8]
    public var lines: [DiffLine]

    public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, header: [UInt8], lines: [DiffLine]) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
        self.header = header
        self.lines = lines
    }
}

/// One line of a hunk.
public struct DiffLine: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        case context, addition, deletion
    }

    public var origin: Origin
    /// The line's bytes including its trailing `\n` when the file has one there.
    public var content: [UInt8]
    /// True when this is the last line of its side and that side has no final newline
    /// (git prints `\ No newline at end of file` after it).
    public var missingNewline: Bool { content.last != 0x0A }

    public init(origin: Origin, content: [UInt8]) {
        self.origin = origin
        self.content = content
    }
}
