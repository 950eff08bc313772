import CSource
import Git

/// The files a run reads, read and lexed once: a policy's preconditions and the edits that
/// follow look at the same files (`tree.c` is both a precondition and edited), and `check`
/// on many refs meets the same blobs again on every ref that did not change them.
public final class BaseSources {
    /// By `<commit>:<path>`; nil for a path the commit does not have.
    private var files: [String: TreeFile?] = [:]
    /// By blob id: a blob is lexed once whichever refs have it.
    private var finders: [ObjectID: ScopeFinder] = [:]
    /// The edits of a policy, by its path and the ids of the blobs they start from.
    private var edited: [String: [SeriesBuilder.EditedPatch]] = [:]

    /// Past these many entries a table starts over: a check on a hundred releases keeps the
    /// files of a few, not of all (a lexed kernel file takes a few MiB).
    static let limits = (files: 64, finders: 16, edited: 8)

    public init() {}

    /// The file at `path` in `commit`, nil when there is none (or it is not a file).
    func file(_ path: String, at commit: ObjectID, in repository: Repository) throws(GitError) -> TreeFile? {
        let key = "\(commit.hex):\(path)"
        if let known = files[key] { return known }
        let file = try PreconditionChecker.readIfPresent(repository, path, at: commit)
        if files.count >= Self.limits.files { files.removeAll() }
        files.updateValue(file, forKey: key)
        return file
    }

    /// The scopes of `file`, lexed the first time its blob is asked for. `keep: false` (an
    /// edit, which lexes its file anew as it changes it) does not keep a new one.
    func finder(for file: TreeFile, keep: Bool = true) -> ScopeFinder {
        if let known = finders[file.id] { return known }
        let finder = ScopeFinder(CLexer.lex(file.contents))
        guard keep else { return finder }
        if finders.count >= Self.limits.finders { finders.removeAll() }
        finders[file.id] = finder
        return finder
    }

    /// What `SeriesBuilder.edit` made of `policy` from these blobs before (edits depend only
    /// on the files' bytes), nil the first time.
    func edits(of policy: String, from blobs: [ObjectID?]) -> [SeriesBuilder.EditedPatch]? {
        edited[Self.key(policy, blobs)]
    }

    func remember(_ patches: [SeriesBuilder.EditedPatch], of policy: String, from blobs: [ObjectID?]) {
        if edited.count >= Self.limits.edited { edited.removeAll() }
        edited[Self.key(policy, blobs)] = patches
    }

    private static func key(_ policy: String, _ blobs: [ObjectID?]) -> String {
        ([policy] + blobs.map { $0?.hex ?? "-" }).joined(separator: " ")
    }
}
