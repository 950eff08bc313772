import Apply
import Git
import Series

/// Moves hand-written patches onto another commit, wholly in memory: each patch is written
/// as `git format-patch` would write it and applied with the applier of `kseries check`
/// (`git apply` rules, offsets allowed) on top of the patches before it. A patch that does
/// not apply as text is merged three ways instead, file by file, as a cherry-pick does
/// (base: the patch's parent, ours: the new tip, theirs: the patch). In a file where that
/// conflicts, each hunk that does not apply as text is re-anchored semantically
/// (`HunkReanchoring`). Objects are written; no ref moves.
struct PatchReplayer {
    let repository: Repository

    /// A patch that neither applied nor merged.
    struct Failure: Sendable, CustomStringConvertible {
        var number: Int
        var subject: String
        /// Every hunk that does not apply: file, line, and the nearest near-miss.
        var hunks: [String]
        /// Why the three-way merge did not resolve it.
        var merge: [String]

        var description: String {
            (["patch \(number) \"\(subject)\" does not apply:"] + hunks.map { "  " + $0 }
                + merge.map { "  three-way merge: " + $0 }).joined(separator: "\n")
        }
    }

    struct Outcome {
        /// The new commits, oldest first (only those that applied or merged).
        var commits: [ObjectID]
        /// For each new commit, the index of the patch it came from.
        var sources: [Int]
        /// Patches (1-based) that needed the three-way merge.
        var threeWay: [Int]
        /// Hunks placed by re-anchoring: `patch N: re-anchored semantically: <file> hunk #k`.
        var reanchored: [String]
        /// The largest offset a patch's hunks moved by, by patch (1-based), when not zero.
        var offsets: [Int: Int]
        var failures: [Failure]
    }

    func replay(_ ids: [ObjectID], onto base: ObjectID, committer: Signature) throws(KSeriesError) -> Outcome {
        var outcome = Outcome(commits: [], sources: [], threeWay: [], reanchored: [], offsets: [:], failures: [])
        var tip = base
        do {
            var tipTree = try repository.commit(base).treeID
            for (index, id) in ids.enumerated() {
                let number = index + 1
                let commit = try repository.commit(id)
                let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in
                    try repository.commit(parent).treeID
                }
                var newTree: ObjectID?
                if parentTree == commit.treeID {
                    newTree = tipTree  // an empty commit stays empty
                } else {
                    let patch = try patchText(id, number: number)
                    let applied = try TreeApplier(repository: repository).apply([patch], onto: tip, writeTrees: true)
                    if let first = applied.patches.first, first.verdict == .applied, let tree = first.tree {
                        newTree = tree
                        let largest = first.files.flatMap(\.placements).map { abs($0.offset) }.max() ?? 0
                        if largest > 0 { outcome.offsets[number] = largest }
                    } else {
                        var merged = try mergeThreeWays(ancestor: parentTree, ours: tipTree, theirs: commit.treeID)
                        if merged.conflicts.isEmpty {
                            newTree = try merged.editor.commitTrees()
                            outcome.threeWay.append(number)
                        } else if let hunks = try reanchor(patch, conflicts: merged.conflicts, tip: tipTree, editor: &merged.editor) {
                            newTree = try merged.editor.commitTrees()
                            outcome.reanchored += hunks.map { "patch \(number): re-anchored semantically: \($0)" }
                        } else {
                            outcome.failures.append(
                                Failure(
                                    number: number, subject: PatchRecords.subject(commit.message),
                                    hunks: try failingHunks(patch, outcome: applied.patches.first, tip: tipTree),
                                    merge: merged.conflicts.map(\.message)))
                        }
                    }
                }
                guard let newTree else { continue }
                tip = try repository.createCommit(
                    tree: newTree, parents: [tip], author: commit.author, committer: committer,
                    message: String(decoding: commit.message, as: UTF8.self))
                tipTree = newTree
                outcome.commits.append(tip)
                outcome.sources.append(index)
            }
        } catch let error as GitError {
            throw .git(error)
        } catch let error as KSeriesError {
            throw error
        } catch let error as PatchParseError {
            throw .patchText(error)
        } catch {
            throw .git(GitError(code: .generic, message: "\(error)", operation: "replaying the series onto \(base.hex.prefix(12))"))
        }
        return outcome
    }

    /// The commit as `git format-patch` writes it (full blob ids), parsed back as `git am` reads it.
    private func patchText(_ id: ObjectID, number: Int) throws(KSeriesError) -> PatchCommit {
        let mail: MailCommit
        do {
            mail = try CommitMailReader(repository: repository).mailCommit(id)
        } catch {
            throw .output(path: id.hex, message: "cannot write patch \(number) as text: \(error)")
        }
        let format = PatchFormat(signature: nil, abbreviate: { $0.hex }, zeroAbbreviationLength: 40)
        let bytes = PatchEmailWriter(format: format).write(mail, position: nil)
        do {
            guard let patch = try PatchParser.parse(bytes, name: "patch \(number) (\(id.hex.prefix(12)))").first else {
                throw KSeriesError.output(path: id.hex, message: "patch \(number) has no diff")
            }
            return patch
        } catch let error as KSeriesError {
            throw error
        } catch {
            throw .output(path: id.hex, message: "cannot read patch \(number) back: \(error)")
        }
    }

    /// Every hunk that does not apply on its own to the file at the tip, with its nearest
    /// near-miss; other file failures (a missing file, …) as the applier words them.
    private func failingHunks(_ patch: PatchCommit, outcome: TreeApplier.PatchOutcome?, tip: ObjectID) throws(GitError) -> [String] {
        var lines: [String] = []
        let tree = try repository.tree(tip)
        for (file, result) in zip(patch.files, outcome?.files ?? []) {
            guard case .failed(let failure) = result.verdict else { continue }
            guard case .hunkFailed = failure, let path = file.oldPath,
                let entry = try tree.entry(atPath: path), entry.kind == .blob
            else {
                lines.append("\(result.path): \(failure)")
                continue
            }
            let contents = try repository.blobContents(entry.id)
            for (index, hunk) in file.hunks.enumerated() {
                guard case .failed(let mismatch, _) = HunkApplier().apply([hunk], to: contents) else { continue }
                var line = "\(path):\(mismatch.expectedLine): hunk #\(index + 1) (\(mismatch.header)) does not apply"
                if let nearest = mismatch.nearest { line += "; nearest: \(nearest)" }
                lines.append(line)
            }
        }
        return lines
    }

    /// A path where the three-way merge did not resolve.
    struct Conflict {
        var path: String
        var message: String
        /// The mode of the file at the tip, when both sides changed its text (and only then).
        var textMode: UInt32?
    }

    /// Places, in each file whose text conflicts, every hunk of the patch: as text when it
    /// applies so, else re-anchored. The hunks re-anchored (`<file> hunk #k`), or nil when a
    /// conflict remains; `editor` then is not to be used.
    private func reanchor(
        _ patch: PatchCommit, conflicts: [Conflict], tip: ObjectID, editor: inout TreeEditor
    ) throws(GitError) -> [String]? {
        let tree = try repository.tree(tip)
        var placed: [String] = []
        for conflict in conflicts {
            guard let mode = conflict.textMode,
                let file = patch.files.first(where: { $0.operation == .modify && $0.oldPath == conflict.path }),
                let entry = try tree.entry(atPath: conflict.path)
            else { return nil }
            var contents = try repository.blobContents(entry.id)
            for (index, hunk) in file.hunks.enumerated() {
                if case .applied(let bytes, _) = HunkApplier().apply([hunk], to: contents) {
                    contents = bytes
                } else if let bytes = HunkReanchoring.place(hunk, in: contents, path: conflict.path) {
                    contents = bytes
                    placed.append("\(conflict.path) hunk #\(index + 1)")
                } else {
                    return nil
                }
            }
            editor.write(blob: try repository.writeBlob(contents), at: conflict.path, mode: mode)
        }
        return placed
    }

    /// A cherry-pick's merge restricted to the paths the patch changes: every other path is
    /// the tip's. The editor holds every path that merged; the conflicts say where it did not.
    func mergeThreeWays(ancestor: ObjectID?, ours: ObjectID, theirs: ObjectID) throws(GitError) -> (editor: TreeEditor, conflicts: [Conflict]) {
        let changes = try repository.diff(from: ancestor, to: theirs, detectRenames: false)
        let oursTree = try repository.tree(ours)
        var editor = TreeEditor(repository: repository, base: ours)
        var conflicts: [Conflict] = []
        for file in changes.files {
            let path = String(decoding: file.oldID.isZero ? file.newPath : file.oldPath, as: UTF8.self)
            let current = try oursTree.entry(atPath: path)
            let currentID = current?.kind == .blob ? current?.id : nil
            switch (file.oldID.isZero, file.newID.isZero) {
            case (true, false):  // added by the patch
                if currentID == nil {
                    editor.write(blob: file.newID, at: path, mode: file.newMode)
                } else if currentID != file.newID {
                    conflicts.append(Conflict(path: path, message: "\(path): added by the patch, but it exists on the new base"))
                }
            case (false, true):  // deleted by the patch
                if currentID == file.oldID {
                    editor.remove(path)
                } else if currentID != nil {
                    conflicts.append(Conflict(path: path, message: "\(path): deleted by the patch, but changed on the new base"))
                }
            default:
                guard let currentID else {
                    conflicts.append(Conflict(path: path, message: "\(path): changed by the patch, but gone from the new base"))
                    continue
                }
                if currentID == file.newID { continue }
                if currentID == file.oldID {
                    editor.write(blob: file.newID, at: path, mode: file.newMode)
                    continue
                }
                let merged = try repository.mergeFile(
                    ancestor: try repository.blobContents(file.oldID), ours: try repository.blobContents(currentID),
                    theirs: try repository.blobContents(file.newID), path: path)
                if merged.isClean {
                    editor.write(blob: try repository.writeBlob(merged.contents), at: path, mode: current?.mode ?? file.newMode)
                } else {
                    let markers = String(decoding: merged.contents, as: UTF8.self)
                        .split(separator: "\n", omittingEmptySubsequences: false)
                        .enumerated().filter { $0.element.hasPrefix("<<<<<<<") }.map { $0.offset + 1 }
                    let at = markers.map { String($0) }.joined(separator: ", ")
                    conflicts.append(
                        Conflict(
                            path: path, message: "\(path): conflicts with the new base at line\(markers.count == 1 ? "" : "s") \(at)",
                            textMode: current?.mode ?? file.newMode))
                }
            }
        }
        return (editor, conflicts)
    }
}
