import Git

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
