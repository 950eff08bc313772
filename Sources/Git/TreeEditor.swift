import CGit2

/// Builds a new tree from a base tree plus a set of changed paths, writing only the trees on
/// the changed paths. No index or work tree is involved.
///
///     var editor = TreeEditor(repository: repo, base: commit.treeID)
///     editor.write(blob: id, at: "virt/kvm/kvm_main.c")
///     let newTree = try editor.commitTrees()
public struct TreeEditor {
    /// A change to one path.
    public enum Change: Sendable, Equatable {
        case file(ObjectID, mode: UInt32)
        case delete
    }

    public let repository: Repository
    public let base: ObjectID?
    /// Pending changes by slash-separated path.
    public private(set) var changes: [String: Change] = [:]

    /// Starts from `base`, or from an empty tree when nil.
    public init(repository: Repository, base: ObjectID?) {
        self.repository = repository
        self.base = base
    }

    /// Puts a blob at `path` (creating intermediate directories), with mode 100644 by default.
    public mutating func write(blob id: ObjectID, at path: String, mode: UInt32 = 0o100644) {
        changes[path] = .file(id, mode: mode)
    }

    /// Removes `path`; directories left empty disappear, as in git.
    public mutating func remove(_ path: String) {
        changes[path] = .delete
    }

    /// Writes the changed trees and returns the id of the new root tree.
    public func commitTrees() throws(GitError) -> ObjectID {
        var nested: [String: Change] = [:]
        for (path, change) in changes {
            let components = path.split(separator: "/", omittingEmptySubsequences: true)
            guard !components.isEmpty, !components.contains(where: { $0 == "." || $0 == ".." }) else {
                throw GitError(code: .invalidSpec, message: "invalid path '\(path)'", operation: "building a tree")
            }
            nested[components.joined(separator: "/")] = change
        }
        if let root = try write(directory: base, prefix: "", changes: nested) { return root }
        return try emptyTree()
    }

    /// Writes one directory level; returns nil when the directory ends up empty.
    private func write(directory: ObjectID?, prefix: String, changes: [String: Change]) throws(GitError) -> ObjectID? {
        var baseTree: Tree?
        if let directory { baseTree = try repository.tree(directory) }
        var builder: OpaquePointer?
        try check(
            git_treebuilder_new(&builder, repository.handle, baseTree?.handle),
            "starting a tree for '\(prefix.isEmpty ? "/" : prefix)'")
        defer { git_treebuilder_free(builder) }

        var direct: [String: Change] = [:]
        var below: [String: [String: Change]] = [:]
        for (path, change) in changes {
            if let slash = path.firstIndex(of: "/") {
                below[String(path[..<slash]), default: [:]][String(path[path.index(after: slash)...])] = change
            } else {
                direct[path] = change
            }
        }
        for (name, change) in direct.sorted(by: { $0.key < $1.key }) {
            switch change {
            case .file(let id, let mode):
                var raw = id.raw
                try check(
                    git_treebuilder_insert(nil, builder, name, &raw, git_filemode_t(mode)),
                    "putting '\(prefix)\(name)' in a tree")
            case .delete:
                let result = git_treebuilder_remove(builder, name)
                if result < 0 && result != GIT_ENOTFOUND.rawValue {
                    throw GitError.last(result, "removing '\(prefix)\(name)' from a tree")
                }
            }
        }
        for (name, subchanges) in below.sorted(by: { $0.key < $1.key }) {
            var existing: ObjectID?
            if let entry = git_treebuilder_get(builder, name) {
                let kind = git_tree_entry_type(entry)
                if kind == GIT_OBJECT_TREE {
                    existing = ObjectID(git_tree_entry_id(entry).pointee)
                } else if subchanges.values.contains(where: { $0 != .delete }) {
                    throw GitError(
                        code: .wrongType, message: "'\(prefix)\(name)' is a file, not a directory",
                        operation: "building a tree")
                }
            }
            if let subtree = try write(directory: existing, prefix: "\(prefix)\(name)/", changes: subchanges) {
                var raw = subtree.raw
                try check(
                    git_treebuilder_insert(nil, builder, name, &raw, GIT_FILEMODE_TREE),
                    "putting directory '\(prefix)\(name)' in a tree")
            } else if existing != nil {
                try check(git_treebuilder_remove(builder, name), "removing empty directory '\(prefix)\(name)'")
            }
        }
        if git_treebuilder_entrycount(builder) == 0 && !prefix.isEmpty { return nil }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "writing tree '\(prefix.isEmpty ? "/" : prefix)'")
        return ObjectID(oid)
    }

    private func emptyTree() throws(GitError) -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, repository.handle, nil), "starting an empty tree")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "writing an empty tree")
        return ObjectID(oid)
    }
}
