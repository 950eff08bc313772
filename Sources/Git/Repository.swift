import CGit2
import Foundation

/// An open git repository (bare or with a work tree). Owns its `git_repository` handle.
///
/// kseries only ever adds objects and moves its own refs through this type: nothing here
/// writes HEAD, the index or the work tree.
public final class Repository {
    let handle: OpaquePointer
    /// The path the user gave, for messages.
    public let displayPath: String
    /// Tree diffs already computed (objects never change): a run that diffs a commit for the
    /// series state and again for its mail computes it once.
    let diffMemo = BoundedMemo<DiffKey, TreeDiff>(budget: 256, cost: { _ in 1 })
    /// File diffs already computed, by path, blobs and modes: a series' base-to-tip diff
    /// reuses those of the commits that changed each file once. Small, for a long `format`
    /// run would otherwise keep the diffs of commits its tree diffs have forgotten.
    let fileDiffMemo = BoundedMemo<FileDiffKey, FileDiff>(budget: 4 << 20, cost: \.approximateSize)
    /// The bytes of the blobs this process wrote, so diffing them does not read them back.
    let writtenBlobs = BoundedMemo<ObjectID, [UInt8]>(budget: 32 << 20, cost: \.count)

    /// Opens the repository at `path`. With `searchParents`, a sub-directory of a work tree
    /// opens its repository, as `git` itself does.
    public init(at path: String, searchParents: Bool = false) throws(GitError) {
        Runtime.ensureInitialised()
        var out: OpaquePointer?
        let flags = searchParents ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let result = git_repository_open_ext(&out, path, flags, nil)
        guard result == 0, let out else {
            if result == GIT_ENOTFOUND.rawValue {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                let message = !exists ? "does not exist" : isDirectory.boolValue ? "not a git repository" : "not a folder"
                throw GitError(code: .notFound, message: message, operation: "opening \(path)")
            }
            throw GitError.last(result, "opening repository \(path)")
        }
        handle = out
        displayPath = path
    }

    deinit {
        git_repository_free(handle)
    }

    /// True for a bare repository (no work tree).
    public var isBare: Bool { git_repository_is_bare(handle) == 1 }

    /// The `.git` directory (or the repository itself when bare), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(handle)) }

    /// The work tree, nil when bare.
    public var workTree: String? { git_repository_workdir(handle).map { String(cString: $0) } }

    // MARK: Revisions

    /// Resolves a revision (`v6.12-deb`, `HEAD~2`, a hex id, …) to the commit it names,
    /// peeling tags.
    public func commitID(forRevision revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        let result = git_revparse_single(&object, handle, revision)
        guard result == 0, let object else {
            if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue || result == GIT_EAMBIGUOUS.rawValue {
                let what = result == GIT_EAMBIGUOUS.rawValue ? "is ambiguous" : "is not a known revision"
                throw GitError(
                    code: GitError.Code(rawValue: result), message: "'\(revision)' \(what)",
                    operation: "resolving revision '\(revision)' in \(displayPath)")
            }
            throw GitError.last(result, "resolving revision '\(revision)' in \(displayPath)")
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peelResult = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        guard peelResult == 0, let peeled else {
            throw GitError(
                code: .wrongType, message: "'\(revision)' does not name a commit",
                operation: "resolving revision '\(revision)' in \(displayPath)")
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled).pointee)
    }

    /// Looks up a commit.
    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        var raw = id.raw
        var out: OpaquePointer?
        try check(git_commit_lookup(&out, handle, &raw), "reading commit \(id) in \(displayPath)")
        return Commit(handle: out!, repository: self)
    }

    /// Looks up a tree.
    public func tree(_ id: ObjectID) throws(GitError) -> Tree {
        var raw = id.raw
        var out: OpaquePointer?
        try check(git_tree_lookup(&out, handle, &raw), "reading tree \(id) in \(displayPath)")
        return Tree(handle: out!, repository: self)
    }

    /// Reads a blob's bytes.
    public func blobContents(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var raw = id.raw
        var out: OpaquePointer?
        try check(git_blob_lookup(&out, handle, &raw), "reading blob \(id) in \(displayPath)")
        defer { git_blob_free(out) }
        let size = Int(git_blob_rawsize(out))
        guard size > 0, let content = git_blob_rawcontent(out) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// Reads the file at `path` in the tree of `commit`: its bytes, blob id and mode.
    public func file(at path: String, inCommit commitID: ObjectID) throws(GitError) -> TreeFile {
        let tree = try commit(commitID).tree()
        guard let entry = try tree.entry(atPath: path) else {
            throw GitError(
                code: .notFound, message: "no file '\(path)' at \(commitID.hex.prefix(12))",
                operation: "reading \(path) in \(displayPath)")
        }
        guard entry.kind == .blob else {
            throw GitError(
                code: .wrongType, message: "'\(path)' is not a file at \(commitID.hex.prefix(12))",
                operation: "reading \(path) in \(displayPath)")
        }
        return TreeFile(path: path, id: entry.id, mode: entry.mode, contents: try blobContents(entry.id))
    }

    // MARK: Writing objects

    /// Writes bytes as a blob into the object database and returns its id.
    ///
    /// Like git's `write_object_file`, a blob the database has already is not written again:
    /// `git_odb_write` hashes the bytes first and only deflates them when the id is new.
    /// (`git_blob_create_from_buffer` streams every blob through deflate before it knows the
    /// id, about 2 ms for a 190 KB kernel file that a regenerated series writes again.)
    @discardableResult
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, handle), "opening the object database of \(displayPath)")
        defer { git_odb_free(odb) }
        var oid = git_oid()
        let result = bytes.isEmpty
            ? git_odb_write(&oid, odb, "", 0, GIT_OBJECT_BLOB)
            : bytes.withUnsafeBytes { buffer in git_odb_write(&oid, odb, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB) }
        try check(result, "writing a blob of \(bytes.count) bytes in \(displayPath)")
        let id = ObjectID(oid)
        writtenBlobs[id] = bytes
        return id
    }

    /// Writes a commit object (it does not move any ref) and returns its id.
    public func createCommit(
        tree treeID: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) throws(GitError) -> ObjectID {
        let tree = try self.tree(treeID)
        let parentCommits = try parents.map { (id) throws(GitError) -> Commit in try commit(id) }
        let authorHandle = try author.makeHandle()
        defer { git_signature_free(authorHandle) }
        let committerHandle = try committer.makeHandle()
        defer { git_signature_free(committerHandle) }
        var parentHandles: [OpaquePointer?] = parentCommits.map { $0.handle }
        var oid = git_oid()
        let result = parentHandles.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(
                &oid, handle, nil, authorHandle, committerHandle, "UTF-8", message, tree.handle,
                buffer.count, buffer.baseAddress)
        }
        try check(result, "writing a commit in \(displayPath)")
        withExtendedLifetime(parentCommits) {}
        return ObjectID(oid)
    }
}

/// A file read from a tree: path, blob id, mode and bytes.
public struct TreeFile: Sendable, Equatable {
    public var path: String
    public var id: ObjectID
    public var mode: UInt32
    public var contents: [UInt8]
}
