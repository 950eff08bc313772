import Foundation
import Git

#if canImport(Glibc)
import Glibc
#endif
import Series

/// Reads commits of a repository as the `MailCommit`s the `Series` writers take, the way
/// `git format-patch` sees them: message and identities re-encoded to UTF-8 when the commit
/// declares another encoding, the diff against the first parent (against the empty tree for
/// a root commit) with renames detected, and the `GIT binary patch` data of binary files
/// made from their blobs.
struct CommitMailReader {
    let repository: Repository

    /// The commit as a mail's input; throws when a header of its mail cannot be written.
    func mailCommit(_ id: ObjectID) throws(KSeriesError) -> MailCommit {
        let commit: Commit
        let diff: TreeDiff
        do {
            commit = try repository.commit(id)
            let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in
                try repository.commit(parent).treeID
            }
            diff = try repository.diff(from: parentTree, to: commit.treeID)
        } catch {
            throw .git(error)
        }
        var author = commit.rawAuthor
        var committer = commit.rawCommitter
        var message = commit.message
        if let encoding = commit.messageEncoding, !TextReencoder.isUTF8(encoding),
            let names = TextReencoder.toUTF8([author.name, author.email, committer.name, committer.email, message], from: encoding)
        {
            author.name = names[0]
            author.email = names[1]
            committer.name = names[2]
            committer.email = names[3]
            message = names[4]
        }
        try Self.checkEncodable(author: author, message: message, commit: id)
        return MailCommit(
            id: id, author: PatchIdentity(author), committer: PatchIdentity(committer), message: message, diff: diff,
            binaryPatches: try binaryPatches(for: diff), rawHeader: commit.rawHeader)
    }

    /// `GIT binary patch` data for every binary file of `diff`, keyed by `FileDiff.newPath`.
    func binaryPatches(for diff: TreeDiff) throws(KSeriesError) -> [[UInt8]: BinaryFilePatch] {
        var patches: [[UInt8]: BinaryFilePatch] = [:]
        do {
            for file in diff.files where file.isBinary && file.oldID != file.newID {
                let old = file.oldID.isZero ? [] : try repository.blobContents(file.oldID)
                let new = file.newID.isZero ? [] : try repository.blobContents(file.newID)
                patches[file.newPath] = BinaryFilePatch(oldContent: old, newContent: new)
            }
        } catch {
            throw .git(error)
        }
        return patches
    }

    /// The diff between two commits' trees, with binary data, for a cover letter's diffstat.
    func seriesDiff(from base: ObjectID, to tip: ObjectID) throws(KSeriesError) -> (TreeDiff, [[UInt8]: BinaryFilePatch]) {
        let diff: TreeDiff
        do {
            diff = try repository.diff(from: try repository.commit(base).treeID, to: try repository.commit(tip).treeID)
        } catch {
            throw .git(error)
        }
        return (diff, try binaryPatches(for: diff))
    }

    /// Refuses what no mail header can carry faithfully: an author address that is not plain
    /// ASCII, and an author name or subject that is not UTF-8 while the commit declares no
    /// other encoding (git would label those bytes UTF-8 in `From:` and `Subject:`).
    static func checkEncodable(author: RawIdentity, message: [UInt8], commit: ObjectID) throws(KSeriesError) {
        let short = String(commit.hex.prefix(12))
        if let bad = author.email.first(where: { $0 < 0x21 || $0 > 0x7E || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            throw .header(
                commit: short,
                problem: "the author address '\(String(decoding: author.email, as: UTF8.self))' has a byte (0x\(String(bad, radix: 16))) no mail header can carry")
        }
        if !TextReencoder.isValidUTF8(author.name) {
            throw .header(
                commit: short,
                problem: "the author name is not UTF-8 and the commit declares no encoding, so its From: header cannot be encoded; set the name in UTF-8 (git commit --amend --reset-author) or record i18n.commitEncoding")
        }
        if !TextReencoder.isValidUTF8(CommitMessage(message).title) {
            throw .header(
                commit: short,
                problem: "the subject is not UTF-8 and the commit declares no encoding, so its Subject: header cannot be encoded")
        }
    }
}

extension PatchIdentity {
    init(_ identity: RawIdentity) {
        self.init(name: identity.name, email: identity.email, time: identity.time, timezoneOffsetMinutes: identity.offsetMinutes)
    }
}
