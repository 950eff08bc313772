import CGit2
import Foundation

extension Repository {
    /// Diffs two trees the way `git diff`/`git format-patch` does by default (3 lines of
    /// context, the indent heuristic, rename detection at 50% similarity unless
    /// `detectRenames` is false), returning plain values.
    ///
    /// Only subtrees whose ids differ are read, so on a kernel tree the cost follows the size
    /// of the change, not of the tree. (libgit2 1.5's own tree-to-tree diff walks both whole
    /// trees, about 40 ms on a kernel; it is used only to pair renames among the changed paths.)
    public func diff(
        from oldTree: ObjectID?, to newTree: ObjectID, contextLines: Int = 3, detectRenames: Bool = true
    ) throws(GitError) -> TreeDiff {
        let key = DiffKey(old: oldTree, new: newTree, contextLines: contextLines, detectRenames: detectRenames)
        if let known = diffMemo[key] { return known }
        let diff = try computeDiff(from: oldTree, to: newTree, contextLines: contextLines, detectRenames: detectRenames)
        diffMemo[key] = diff
        return diff
    }

    private func computeDiff(
        from oldTree: ObjectID?, to newTree: ObjectID, contextLines: Int, detectRenames: Bool
    ) throws(GitError) -> TreeDiff {
        var changes: [ChangedPath] = []
        try collectChanges(old: oldTree, new: newTree, prefix: "", into: &changes)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing diff options")
        options.flags = GIT_DIFF_NORMAL.rawValue | GIT_DIFF_INDENT_HEURISTIC.rawValue
        options.context_lines = UInt32(contextLines)
        options.interhunk_lines = 0

        let needsLibgit2Pairing = changes.contains { $0.needsLibgit2 }
            || (detectRenames && changes.contains { $0.old == nil } && changes.contains { $0.new == nil })
        if needsLibgit2Pairing {
            return try pairedDiff(from: oldTree, to: newTree, paths: changes.map(\.path), options: options, detectRenames: detectRenames)
        }
        var files: [FileDiff] = []
        for change in changes {
            // A file one commit of a series changes has the same two blobs in that commit's
            // diff and in the series' base-to-tip diff (the cover letter's diffstat): xdiff
            // runs once for both.
            let key = FileDiffKey(
                path: change.path, old: change.old?.id, oldMode: change.old?.mode ?? 0, new: change.new?.id,
                newMode: change.new?.mode ?? 0, contextLines: contextLines)
            if let known = fileDiffMemo[key] {
                files.append(known)
                continue
            }
            let file = try blobDiff(change, options: &options)
            fileDiffMemo[key] = file
            files.append(file)
        }
        return TreeDiff(files: files)
    }

    /// A path whose entry differs between two trees, with its blob id and mode on each side.
    private struct ChangedPath {
        var path: String
        var old: (id: ObjectID, mode: UInt32)?
        var new: (id: ObjectID, mode: UInt32)?

        /// Submodules and file/symlink type changes are left to libgit2's own diff.
        var needsLibgit2: Bool {
            let modes = [old?.mode, new?.mode].compactMap { $0 }
            if modes.contains(0o160000) { return true }
            if let old, let new, (old.mode == 0o120000) != (new.mode == 0o120000) { return true }
            return false
        }
    }

    /// Walks both trees in git's order, descending only into subtrees whose ids differ.
    private func collectChanges(old: ObjectID?, new: ObjectID?, prefix: String, into changes: inout [ChangedPath]) throws(GitError) {
        if old == new { return }
        let (oldEntries, newEntries) = Self.differingEntries(
            try old.map { (id) throws(GitError) -> Tree in try tree(id) },
            try new.map { (id) throws(GitError) -> Tree in try tree(id) })
        // git orders tree entries by name, comparing directories as if they ended in '/'.
        func key(_ entry: TreeEntry) -> [UInt8] { Array(entry.name.utf8) + (entry.kind == .tree ? [0x2F] : []) }
        var merged: [(old: TreeEntry?, new: TreeEntry?)] = []
        var oldByName: [String: TreeEntry] = [:]
        for entry in oldEntries { oldByName[entry.name] = entry }
        var seen = Set<String>()
        for entry in newEntries {
            merged.append((oldByName[entry.name], entry))
            seen.insert(entry.name)
        }
        for entry in oldEntries where !seen.contains(entry.name) { merged.append((entry, nil)) }
        merged.sort { lhs, rhs in
            let a = (lhs.new ?? lhs.old).map(key) ?? [], b = (rhs.new ?? rhs.old).map(key) ?? []
            return a.lexicographicallyPrecedes(b)
        }
        for (oldEntry, newEntry) in merged {
            let name = (newEntry ?? oldEntry)!.name
            let path = prefix + name
            let oldTree = oldEntry?.kind == .tree ? oldEntry : nil
            let newTree = newEntry?.kind == .tree ? newEntry : nil
            let oldFile = oldEntry.flatMap { $0.kind == .tree ? nil : $0 }
            let newFile = newEntry.flatMap { $0.kind == .tree ? nil : $0 }
            // A file replaced by a directory (or back): git shows the deletion, then the additions.
            if let oldFile, newFile == nil || oldFile.id != newFile!.id || oldFile.mode != newFile!.mode {
                if let newFile {
                    changes.append(ChangedPath(path: path, old: (oldFile.id, oldFile.mode), new: (newFile.id, newFile.mode)))
                } else {
                    changes.append(ChangedPath(path: path, old: (oldFile.id, oldFile.mode), new: nil))
                }
            } else if oldFile == nil, let newFile {
                changes.append(ChangedPath(path: path, old: nil, new: (newFile.id, newFile.mode)))
            }
            if oldTree != nil || newTree != nil {
                try collectChanges(old: oldTree?.id, new: newTree?.id, prefix: path + "/", into: &changes)
            }
        }
    }

    /// The entries of two trees minus those both have alike (same name, kind, id and
    /// mode), which can make no change: both trees are in git's order, so one pass pairs
    /// them, and only the rest become values.
    private static func differingEntries(_ old: Tree?, _ new: Tree?) -> (old: [TreeEntry], new: [TreeEntry]) {
        let oldCount = old.map { git_tree_entrycount($0.handle) } ?? 0
        let newCount = new.map { git_tree_entrycount($0.handle) } ?? 0
        var oldOut: [TreeEntry] = []
        var newOut: [TreeEntry] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < oldCount || newIndex < newCount {
            let a = oldIndex < oldCount ? git_tree_entry_byindex(old!.handle, oldIndex) : nil
            let b = newIndex < newCount ? git_tree_entry_byindex(new!.handle, newIndex) : nil
            guard let a, let b else {
                if let a { oldOut.append(TreeEntry(a)) }
                if let b { newOut.append(TreeEntry(b)) }
                if oldIndex < oldCount { oldIndex += 1 } else { newIndex += 1 }
                continue
            }
            let order = git_tree_entry_cmp(a, b)
            if order == 0 {
                if git_oid_cmp(git_tree_entry_id(a), git_tree_entry_id(b)) != 0
                    || git_tree_entry_filemode(a) != git_tree_entry_filemode(b)
                {
                    oldOut.append(TreeEntry(a))
                    newOut.append(TreeEntry(b))
                }
                oldIndex += 1
                newIndex += 1
            } else if order < 0 {
                oldOut.append(TreeEntry(a))
                oldIndex += 1
            } else {
                newOut.append(TreeEntry(b))
                newIndex += 1
            }
        }
        return (oldOut, newOut)
    }

    /// One file's diff from its two blobs.
    private func blobDiff(_ change: ChangedPath, options: inout git_diff_options) throws(GitError) -> FileDiff {
        func lookup(_ id: ObjectID?) throws(GitError) -> OpaquePointer? {
            guard var raw = id?.raw else { return nil }
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, handle, &raw), "reading blob \(id!.hex) for \(change.path)")
            return blob
        }
        let oldBlob = try lookup(change.old?.id)
        defer { git_blob_free(oldBlob) }
        var patch: OpaquePointer?
        if let id = change.new?.id, let written = writtenBlobs[id] {
            // A blob this run wrote: diff its bytes rather than read them back from the odb.
            try check(
                written.withUnsafeBytes { buffer in
                    git_patch_from_blob_and_buffer(&patch, oldBlob, change.path, buffer.baseAddress, buffer.count, change.path, &options)
                },
                "diffing \(change.path)")
        } else {
            let newBlob = try lookup(change.new?.id)
            defer { git_blob_free(newBlob) }
            try check(
                git_patch_from_blobs(&patch, oldBlob, change.path, newBlob, change.path, &options),
                "diffing \(change.path)")
        }
        defer { git_patch_free(patch) }
        guard let patch, let delta = git_patch_get_delta(patch)?.pointee else {
            throw GitError(code: .generic, message: "libgit2 gave no patch", operation: "diffing \(change.path)")
        }
        var file = try fileDiff(patch: patch, delta: delta)
        file.status = change.old == nil ? .added : change.new == nil ? .deleted : .modified
        file.oldPath = Array(change.path.utf8)
        file.newPath = Array(change.path.utf8)
        file.oldMode = change.old?.mode ?? 0
        file.newMode = change.new?.mode ?? 0
        file.oldID = change.old?.id ?? .zero
        file.newID = change.new?.id ?? .zero
        file.similarity = 0
        return file
    }

    /// libgit2's tree diff limited to `paths`, with rename pairing: for series that add and
    /// delete files, or touch submodules and symlinks.
    private func pairedDiff(
        from oldTree: ObjectID?, to newTree: ObjectID, paths: [String], options: git_diff_options, detectRenames: Bool
    ) throws(GitError) -> TreeDiff {
        let old = try oldTree.map { (id) throws(GitError) -> Tree in try tree(id) }
        let new = try tree(newTree)
        var options = options
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        var cPaths = paths.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var diff: OpaquePointer?
        let result = cPaths.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_diff_tree_to_tree(&diff, handle, old?.handle, new.handle, &options)
        }
        try check(result, "diffing \(oldTree?.hex ?? "empty tree") to \(newTree.hex)")
        defer { git_diff_free(diff) }
        if detectRenames {
            var findOptions = git_diff_find_options()
            try check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing rename detection")
            GitRenameRules.configure(&findOptions, for: diff!)
            try check(git_diff_find_similar(diff, &findOptions), "detecting renames")
        }
        var files: [FileDiff] = []
        for index in 0..<git_diff_num_deltas(diff) {
            var patch: OpaquePointer?
            try check(git_patch_from_diff(&patch, diff, index), "rendering diff of file \(index)")
            defer { git_patch_free(patch) }
            guard let patch, let delta = git_patch_get_delta(patch)?.pointee else { continue }
            files.append(try fileDiff(patch: patch, delta: delta))
        }
        return detectRenames ? TreeDiff(files: files).pairingExactSymlinkRenames() : TreeDiff(files: files)
    }

    /// The hunk header as git's xdiff writes it. git cuts the function line to the 80 bytes
    /// of its buffer first and then drops trailing whitespace (`def_ff`, `ff_regexp` in
    /// xemit.c/xdiff-interface.c); libgit2 drops trailing whitespace first and then cuts, so
    /// a long line whose 80th byte falls after a space or tab keeps it there. Trimming
    /// libgit2's text again gives git's.
    static func gitHunkHeader(_ header: [UInt8]) -> [UInt8] {
        let at = UInt8(ascii: "@")
        // "@@ -a,b +c,d @@ <function>\n": the function text starts after the second "@@ ".
        guard header.count > 4, header[0] == at, header[1] == at else { return header }
        var index = 2
        while index + 1 < header.count, !(header[index] == at && header[index + 1] == at) { index += 1 }
        let functionStart = index + 3
        guard functionStart < header.count, header[index + 2] == UInt8(ascii: " ") else { return header }
        var end = header.count
        if header[end - 1] == 0x0A { end -= 1 }
        var trimmedEnd = end
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        while trimmedEnd > functionStart, isSpace(header[trimmedEnd - 1]) { trimmedEnd -= 1 }
        guard trimmedEnd != end else { return header }
        // No function text left: git writes no space after "@@" either.
        let keep = trimmedEnd > functionStart ? trimmedEnd : index + 2
        return Array(header[..<keep]) + Array(header[end...])
    }

    private func fileDiff(patch: OpaquePointer, delta: git_diff_delta) throws(GitError) -> FileDiff {
        let status: FileDiff.Status
        switch delta.status {
        case GIT_DELTA_ADDED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_COPIED: status = .copied
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        var hunks: [DiffHunk] = []
        let isBinary = (delta.flags & GIT_DIFF_FLAG_BINARY.rawValue) != 0
        if !isBinary {
            for hunkIndex in 0..<git_patch_num_hunks(patch) {
                var hunkPointer: UnsafePointer<git_diff_hunk>?
                var lineCount = 0
                try check(git_patch_get_hunk(&hunkPointer, &lineCount, patch, hunkIndex), "reading hunk \(hunkIndex)")
                guard let hunk = hunkPointer?.pointee else { continue }
                var lines: [DiffLine] = []
                lines.reserveCapacity(lineCount)
                for lineIndex in 0..<lineCount {
                    var linePointer: UnsafePointer<git_diff_line>?
                    try check(git_patch_get_line_in_hunk(&linePointer, patch, hunkIndex, lineIndex), "reading a diff line")
                    guard let line = linePointer?.pointee else { continue }
                    let origin: DiffLine.Origin
                    switch UInt8(bitPattern: line.origin) {
                    case UInt8(ascii: "+"): origin = .addition
                    case UInt8(ascii: "-"): origin = .deletion
                    case UInt8(ascii: " "): origin = .context
                    default: continue  // end-of-file newline markers: implied by content
                    }
                    let content = line.content.map {
                        UnsafeRawBufferPointer(start: $0, count: line.content_len).map { $0 }
                    } ?? []
                    lines.append(DiffLine(origin: origin, content: content))
                }
                let header = Self.gitHunkHeader(
                    withUnsafeBytes(of: hunk.header) { raw in Array(raw.prefix(hunk.header_len)) })
                hunks.append(
                    DiffHunk(
                        oldStart: Int(hunk.old_start), oldCount: Int(hunk.old_lines),
                        newStart: Int(hunk.new_start), newCount: Int(hunk.new_lines),
                        header: header, lines: lines))
            }
        }
        func path(_ file: git_diff_file) -> [UInt8] {
            guard let raw = file.path else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
        }
        return FileDiff(
            status: status, oldPath: path(delta.old_file), newPath: path(delta.new_file),
            oldMode: UInt32(delta.old_file.mode), newMode: UInt32(delta.new_file.mode),
            oldID: status == .added ? .zero : ObjectID(delta.old_file.id),
            newID: status == .deleted ? .zero : ObjectID(delta.new_file.id),
            similarity: Int(delta.similarity), isBinary: isBinary, hunks: hunks)
    }
}

/// The key of a tree diff a `Repository` memoises.
struct DiffKey: Hashable {
    var old: ObjectID?
    var new: ObjectID
    var contextLines: Int
    var detectRenames: Bool
}

/// The key of a file diff a `Repository` memoises: the path (libgit2 reads the diff driver
/// from its attributes), each side's blob and mode, and the context asked for. Every other
/// option of `blobDiff` is the same on every call.
struct FileDiffKey: Hashable {
    var path: String
    var old: ObjectID?
    var oldMode: UInt32
    var new: ObjectID?
    var newMode: UInt32
    var contextLines: Int
}

extension FileDiff {
    /// About the bytes a file diff holds, for the memo's budget.
    var approximateSize: Int {
        hunks.reduce(oldPath.count + newPath.count + 64) { total, hunk in
            hunk.lines.reduce(total + hunk.header.count + 64) { $0 + $1.content.count + 32 }
        }
    }
}

/// Values kept by key within a budget (a count, or bytes), forgotten all at once past it;
/// thread-safe. Git objects never change, so what is derived from them stays true.
final class BoundedMemo<Key: Hashable, Value>: @unchecked Sendable {
    private let budget: Int
    private let cost: (Value) -> Int
    private var values: [Key: Value] = [:]
    private var spent = 0
    private let lock = NSLock()

    init(budget: Int, cost: @escaping (Value) -> Int) {
        self.budget = budget
        self.cost = cost
    }

    subscript(key: Key) -> Value? {
        get { lock.withLock { values[key] } }
        set {
            guard let newValue, cost(newValue) <= budget else { return }
            lock.withLock {
                if spent + cost(newValue) > budget {
                    values.removeAll()
                    spent = 0
                }
                if let old = values.updateValue(newValue, forKey: key) { spent -= cost(old) }
                spent += cost(newValue)
            }
        }
    }
}
