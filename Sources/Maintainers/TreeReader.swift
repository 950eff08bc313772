import Git

/// Answers the file-system questions `get_maintainer.pl` asks of a checkout (`-d`, `-f`,
/// reading a file) from a commit's tree instead, following symbolic links inside the tree as
/// `stat` would.
final class TreeReader {
    enum Kind { case directory, file }

    private let repository: Repository
    private let rootID: ObjectID
    /// Directory listings by tree id.
    private var listings: [ObjectID: [String: TreeEntry]] = [:]

    private static let symlinkMode: UInt32 = 0o120000
    private static let maximumLinks = 40

    init(repository: Repository, commit: ObjectID) throws(GitError) {
        self.repository = repository
        rootID = try repository.commit(commit).treeID
    }

    /// What `path` (relative to the top of the tree) is, links followed; nil when nothing.
    func kind(of path: String) -> Kind? {
        guard let entry = resolve(path) else { return nil }
        switch entry {
        case .tree: return .directory
        case .blob: return .file
        }
    }

    /// The bytes of the file at `path`, links followed; nil when it is not a file.
    func contents(of path: String) -> [UInt8]? {
        guard case .blob(let id) = resolve(path) else { return nil }
        return try? repository.blobContents(id)
    }

    /// The names in the directory at `path`, in git's order; empty when not a directory.
    func names(in path: String) -> [String] {
        guard case .tree(let id) = resolve(path), let tree = try? repository.tree(id) else { return [] }
        return tree.entries.map(\.name)
    }

    private enum Resolved { case tree(ObjectID), blob(ObjectID) }

    private func resolve(_ path: String) -> Resolved? {
        guard !path.hasPrefix("/") else { return nil }
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var directory: [(name: String, id: ObjectID)] = []  // the walk so far, below the root
        var links = 0
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == "." { continue }
            if name == ".." {
                guard !directory.isEmpty else { return nil }
                directory.removeLast()
                continue
            }
            guard let listing = listing(directory.last?.id ?? rootID), let entry = listing[name] else { return nil }
            if entry.mode == Self.symlinkMode {
                links += 1
                guard links <= Self.maximumLinks, let target = try? repository.blobContents(entry.id) else { return nil }
                let text = String(decoding: target, as: UTF8.self)
                guard !text.hasPrefix("/") else { return nil }  // outside the tree
                pending = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init) + pending
                continue
            }
            switch entry.kind {
            case .tree:
                directory.append((name, entry.id))
            case .blob:
                return pending.isEmpty ? .blob(entry.id) : nil
            case .commit:
                // A submodule checks out as a (possibly empty) directory.
                return pending.isEmpty ? .tree(entry.id) : nil
            case .other:
                return nil
            }
        }
        return .tree(directory.last?.id ?? rootID)
    }

    private func listing(_ id: ObjectID) -> [String: TreeEntry]? {
        if let cached = listings[id] { return cached }
        guard let tree = try? repository.tree(id) else { return nil }
        let listing = Dictionary(tree.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        listings[id] = listing
        return listing
    }
}
