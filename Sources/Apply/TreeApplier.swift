import Git

/// Applies a series (patches in order, as `git am` would) onto a commit of a libgit2
/// repository, wholly in memory: it reads only the blobs the patches touch, never the work
/// tree, the index or HEAD, and writes objects only when asked for trees.
///
///     let series = try PatchParser.parse(mbox, name: "series.mbox")
///     let outcome = try TreeApplier(repository: repo).apply(series, onto: base, writeTrees: true)
///     if outcome.allApplied { /* commit outcome.patches[i].tree for each patch */ }
///
/// Each patch applies as a whole or not at all, with `git apply --cached` rules (see
/// `PatchApplier`). Like `git am`, the series stops at the first patch that fails; the patches
/// after it are reported as not attempted.
public struct TreeApplier {
    public let repository: Repository
    public var options: ApplyOptions

    public init(repository: Repository, options: ApplyOptions = ApplyOptions()) {
        self.repository = repository
        self.options = options
    }

    /// The outcome of a whole series.
    public struct SeriesOutcome: Sendable, Hashable {
        /// One entry per patch, in order.
        public var patches: [PatchOutcome]
        /// The tree after the last patch, when every patch applied and trees were written.
        public var tree: ObjectID?

        public var allApplied: Bool { patches.allSatisfy { $0.verdict == .applied } }
        /// The first patch that failed, if any.
        public var firstFailure: PatchOutcome? { patches.first { $0.verdict == .failed } }
    }

    /// The outcome of one patch of a series.
    public struct PatchOutcome: Sendable, Hashable, CustomStringConvertible {
        public enum Verdict: Sendable, Hashable {
            /// Every file applied (see each file's verdict for offsets).
            case applied
            /// At least one file failed; nothing of this patch was applied.
            case failed
            /// An earlier patch failed.
            case notAttempted
        }

        /// The 1-based position in the series.
        public var number: Int
        public var subject: String?
        /// Where the patch starts in its file.
        public var location: PatchLocation
        public var verdict: Verdict
        /// One result per file patch (empty when not attempted).
        public var files: [FileApplyResult]
        /// The tree after this patch, when it applied and trees were written: commit it to
        /// replay the series.
        public var tree: ObjectID?
        /// Tried after an earlier patch failed (`continueAfterFailure`): on the tree as far as
        /// the series got, or on the base for files a failed patch touches.
        public var afterFailure = false
        /// The files this patch wrote (new contents) or removed (nil), when it applied.
        public var changes: [PatchApplier.Change] = []

        public var description: String {
            let name = "patch \(number)" + (subject.map { " \"\($0)\"" } ?? "") + " (\(location))"
            switch verdict {
            case .notAttempted: return "\(name): not attempted"
            case .applied, .failed:
                let status = verdict == .applied ? "applied" : "does not apply"
                return ([name + ": " + status] + files.map { "  " + $0.description }).joined(separator: "\n")
            }
        }
    }

    /// Applies `series` in order on top of the tree of `commit`. With `writeTrees`, writes the
    /// changed blobs and trees and reports the tree after each applied patch.
    ///
    /// A failed patch ends the series (`git am` stops there), and the later ones are not
    /// attempted, unless `continueAfterFailure`: then each later patch is still tried, so that a
    /// developer sees every conflict at once, on the tree as far as the series got, except
    /// that files a failed patch touches are read from the base. Those verdicts are marked
    /// `afterFailure`, and no trees are written after the first failure.
    public func apply(
        _ series: [PatchCommit], onto commit: ObjectID, writeTrees: Bool = false, continueAfterFailure: Bool = false
    ) throws(GitError) -> SeriesOutcome {
        let baseTree = try repository.commit(commit).tree()
        var currentTree = baseTree.id
        /// Paths changed by the patches applied so far: new content, or nil once removed.
        var overlay: [String: FileContent?] = [:]
        var baseCache: [String: FileContent?] = [:]
        let repository = self.repository

        /// Files a failed patch touches: later patches read them from the base.
        var failedPaths = Set<String>()

        func read(_ path: String) throws(GitError) -> FileContent? {
            if !failedPaths.contains(path), let changed = overlay[path] { return changed }
            if let cached = baseCache[path] { return cached }
            var content: FileContent?
            if let entry = try baseTree.entry(atPath: path) {
                switch entry.kind {
                case .blob: content = FileContent(bytes: try repository.blobContents(entry.id), mode: entry.mode)
                case .commit: content = FileContent(bytes: Array("Subproject commit \(entry.id.hex)\n".utf8), mode: entry.mode)
                case .tree, .other: content = nil
                }
            }
            baseCache[path] = .some(content)
            return content
        }
        let blobs: PatchApplier.BlobLookup = { hex in
            guard let id = ObjectID(hex: hex) else { return nil }
            return try? repository.blobContents(id)
        }

        var outcomes: [PatchOutcome] = []
        var failed = false
        for (index, commit) in series.enumerated() {
            var outcome = PatchOutcome(
                number: index + 1, subject: commit.subject, location: commit.location, verdict: .notAttempted, files: [])
            if failed && !continueAfterFailure {
                outcomes.append(outcome)
                continue
            }
            outcome.afterFailure = failed
            let applied = try PatchApplier(options: options).apply(commit.files, reading: read, blobs: blobs)
            outcome.files = applied.files
            guard applied.applied else {
                outcome.verdict = .failed
                failed = true
                for file in commit.files {
                    for path in [file.oldPath, file.newPath].compactMap({ $0 }) { failedPaths.insert(path) }
                }
                outcomes.append(outcome)
                continue
            }
            outcome.verdict = .applied
            outcome.changes = applied.changes
            for change in applied.changes where !failedPaths.contains(change.path) { overlay[change.path] = .some(change.content) }
            if writeTrees && !failed {
                var editor = TreeEditor(repository: repository, base: currentTree)
                for change in applied.changes {
                    if let content = change.content {
                        editor.write(blob: try repository.writeBlob(content.bytes), at: change.path, mode: content.mode)
                    } else {
                        editor.remove(change.path)
                    }
                }
                currentTree = try editor.commitTrees()
                outcome.tree = currentTree
            }
            outcomes.append(outcome)
        }
        let all = !failed
        return SeriesOutcome(patches: outcomes, tree: all && writeTrees ? currentTree : nil)
    }
}
