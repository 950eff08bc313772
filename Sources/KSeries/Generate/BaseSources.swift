import CSource
import Git

/// The files a run reads at a commit, read and lexed once: a policy's preconditions and the
/// edits that follow look at the same files (`tree.c` is both a precondition and edited).
public final class BaseSources {
    /// By `<commit>:<path>`; nil for a path the commit does not have.
    private var files: [String: TreeFile?] = [:]
    private var finders: [String: ScopeFinder] = [:]

    public init() {}

    private static func key(_ path: String, _ commit: ObjectID) -> String { "\(commit.hex):\(path)" }

    /// The file at `path` in `commit`, nil when there is none (or it is not a file).
    func file(_ path: String, at commit: ObjectID, in repository: Repository) throws(GitError) -> TreeFile? {
        let key = Self.key(path, commit)
        if let known = files[key] { return known }
        let file = try PreconditionChecker.readIfPresent(repository, path, at: commit)
        files.updateValue(file, forKey: key)
        return file
    }

    /// The file at `path` in `commit` if it was read already.
    func readFile(_ path: String, at commit: ObjectID) -> TreeFile? {
        files[Self.key(path, commit)] ?? nil
    }

    /// The scopes of `file` as read from `commit`, lexed the first time they are asked for.
    func finder(for file: TreeFile, at commit: ObjectID) -> ScopeFinder {
        let key = Self.key(file.path, commit)
        if let known = finders[key] { return known }
        let finder = ScopeFinder(CLexer.lex(file.contents))
        finders[key] = finder
        return finder
    }
}
