import CSource
import Git
import Policy

/// Turns a policy template into commits on top of a kernel ref: reads only the blobs the
/// edits touch, edits them at their C anchors, and writes blobs, trees and commits. No work
/// tree, no index, no ref is touched here.
public struct SeriesBuilder {
    public let repository: Repository
    /// The files read (and lexed) at the base already, by the preconditions.
    public let sources: BaseSources

    public init(repository: Repository, sources: BaseSources = BaseSources()) {
        self.repository = repository
        self.sources = sources
    }

    /// One patch of a policy with its edits resolved: the new contents of the files it changes.
    public struct EditedPatch {
        public var template: PatchTemplate
        /// The files the patch changes, with their contents after the patch, in edit order.
        public var files: [TreeFile]
    }

    /// A commit made from one patch template.
    public struct BuiltPatch {
        public var template: PatchTemplate
        public var commit: ObjectID
        public var parent: ObjectID
    }

    /// Resolves every edit of `policy` on `base` and applies it in memory, patch after patch.
    /// Nothing is written. `ref` is the name the user gave for `base`, used in messages.
    public func edit(policy: PolicyTemplate, base: ObjectID, ref: String) throws(KSeriesError) -> [EditedPatch] {
        // The same blobs give the same edits: a ref that has the files of one edited before
        // (check on many refs) reuses its result. Failures are worked out again, for their
        // messages name the ref.
        var paths: [String] = []
        for patch in policy.patches {
            for edit in patch.edits where !paths.contains(edit.file) { paths.append(edit.file) }
        }
        var blobs: [ObjectID?] = []
        for path in paths {
            blobs.append((try? sources.file(path, at: base, in: repository))?.id)
        }
        if let known = sources.edits(of: policy.sourcePath, from: blobs) { return known }
        let patches = try editFiles(policy: policy, base: base, ref: ref)
        sources.remember(patches, of: policy.sourcePath, from: blobs)
        return patches
    }

    private func editFiles(policy: PolicyTemplate, base: ObjectID, ref: String) throws(KSeriesError) -> [EditedPatch] {
        var files: [String: TreeFile] = [:]  // current contents of every file touched so far
        // The editor of each file, kept from edit to edit within a patch: it knows the file's
        // lexing after an edit of whole lines without lexing it all again.
        var editors: [String: CSourceEditor] = [:]
        var patches: [EditedPatch] = []
        for patch in policy.patches {
            var changed: [String] = []
            for edit in patch.edits {
                var file: TreeFile
                var editor: CSourceEditor
                // Taken out of the table while it edits: held only here, the editor changes its
                // lexing and bracket tables in place.
                if let current = files[edit.file], let kept = editors.removeValue(forKey: edit.file) {
                    file = current
                    editor = kept
                } else if let current = files[edit.file] {
                    // Edited by an earlier patch, whose editor is gone: lexed again as it is now.
                    file = current
                    editor = CSourceEditor(bytes: current.contents, path: edit.file)
                } else if let read = try? sources.file(edit.file, at: base, in: repository) {
                    file = read
                    editor = CSourceEditor(finder: sources.finder(for: read, keep: false), path: edit.file)
                } else {
                    do {
                        file = try repository.file(at: edit.file, inCommit: base)
                    } catch {
                        throw .policy(PolicyError(path: policy.sourcePath, line: edit.line, message: "at \(ref): \(error.message)"))
                    }
                    editor = CSourceEditor(bytes: file.contents, path: edit.file)
                }
                do {
                    try editor.apply(edit.sourceEdit)
                } catch {
                    throw .anchor(template: policy.sourcePath, line: edit.line, ref: ref, error: error)
                }
                file.contents = editor.bytes
                files[edit.file] = file
                editors[edit.file] = editor
                if !changed.contains(edit.file) { changed.append(edit.file) }
            }
            patches.append(EditedPatch(template: patch, files: changed.compactMap { files[$0] }))
            // A later patch that edits one of these files again lexes it again: holding the
            // lexing of every file edited so far cost more memory than that costs time.
            editors.removeAll()
        }
        return patches
    }

    /// Builds one commit per patch of `policy` on top of `base`, in order.
    public func build(
        policy: PolicyTemplate, base: ObjectID, ref: String, author: Signature, committer: Signature
    ) throws(KSeriesError) -> [BuiltPatch] {
        let edited = try edit(policy: policy, base: base, ref: ref)
        var built: [BuiltPatch] = []
        do {
            var parent = base
            var parentTree = try repository.commit(base).treeID
            for patch in edited {
                var tree = TreeEditor(repository: repository, base: parentTree)
                for file in patch.files {
                    tree.write(blob: try repository.writeBlob(file.contents), at: file.path, mode: file.mode)
                }
                let newTree = try tree.commitTrees()
                guard newTree != parentTree else {
                    throw KSeriesError.emptyPatch(
                        template: policy.sourcePath, line: patch.template.line, ref: ref, subject: patch.template.subject)
                }
                let commit = try repository.createCommit(
                    tree: newTree, parents: [parent], author: author, committer: committer,
                    message: Self.commitMessage(patch.template, signedOffBy: author))
                built.append(BuiltPatch(template: patch.template, commit: commit, parent: parent))
                parent = commit
                parentTree = newTree
            }
        } catch let error as GitError {
            throw .git(error)
        } catch let error as KSeriesError {
            throw error
        } catch {
            throw .output(path: policy.sourcePath, message: "\(error)")
        }
        return built
    }

    /// The commit message of a patch: subject, body, and the author's Signed-off-by.
    static func commitMessage(_ patch: PatchTemplate, signedOffBy author: Signature) -> String {
        var body = patch.body
        while let last = body.last, last.isWhitespace { body.removeLast() }
        let signoff = "Signed-off-by: \(author.name) <\(author.email)>"
        if body.isEmpty { return "\(patch.subject)\n\n\(signoff)\n" }
        return "\(patch.subject)\n\n\(body)\n\n\(signoff)\n"
    }
}
