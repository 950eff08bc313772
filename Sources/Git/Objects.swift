import CGit2
import Foundation

/// A commit read from a repository. Owns its `git_commit` handle and keeps the repository alive.
public final class Commit {
    let handle: OpaquePointer
    public let repository: Repository

    init(handle: OpaquePointer, repository: Repository) {
        self.handle = handle
        self.repository = repository
    }

    deinit { git_commit_free(handle) }

    public var id: ObjectID { ObjectID(git_commit_id(handle).pointee) }
    public var treeID: ObjectID { ObjectID(git_commit_tree_id(handle).pointee) }
    public var parentIDs: [ObjectID] {
        (0..<git_commit_parentcount(handle)).compactMap { index in
            git_commit_parent_id(handle, index).map { ObjectID($0.pointee) }
        }
    }

    /// The raw message bytes, exactly as stored.
    public var message: [UInt8] {
        guard let raw = git_commit_message_raw(handle) else { return [] }
        return Array(UnsafeBufferPointer(start: raw, count: strlen(raw))).map { UInt8(bitPattern: $0) }
    }

    public var author: Signature { Signature(git_commit_author(handle).pointee) }
    public var committer: Signature { Signature(git_commit_committer(handle).pointee) }

    public func tree() throws(GitError) -> Tree {
        var out: OpaquePointer?
        try check(git_commit_tree(&out, handle), "reading the tree of commit \(id)")
        return Tree(handle: out!, repository: repository)
    }
}

/// A tree read from a repository. Owns its `git_tree` handle and keeps the repository alive.
public final class Tree {
    let handle: OpaquePointer
    public let repository: Repository

    init(handle: OpaquePointer, repository: Repository) {
        self.handle = handle
        self.repository = repository
    }

    deinit { git_tree_free(handle) }

    public var id: ObjectID { ObjectID(git_tree_id(handle).pointee) }

    /// The entry at a slash-separated path below this tree, nil when there is none.
    public func entry(atPath path: String) throws(GitError) -> TreeEntry? {
        var out: OpaquePointer?
        let result = git_tree_entry_bypath(&out, handle, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "looking up '\(path)' in tree \(id)")
        defer { git_tree_entry_free(out) }
        return TreeEntry(out!)
    }

    /// The entries directly in this tree, in git's order.
    public var entries: [TreeEntry] {
        (0..<git_tree_entrycount(handle)).compactMap { index in
            git_tree_entry_byindex(handle, index).map { TreeEntry($0) }
        }
    }
}

/// One entry of a tree, as a value.
public struct TreeEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case blob, tree, commit, other }

    public var name: String
    public var id: ObjectID
    public var mode: UInt32
    public var kind: Kind

    init(_ entry: OpaquePointer) {
        name = String(cString: git_tree_entry_name(entry))
        id = ObjectID(git_tree_entry_id(entry).pointee)
        mode = git_tree_entry_filemode(entry).rawValue
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_BLOB: kind = .blob
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_COMMIT: kind = .commit
        default: kind = .other
        }
    }
}
