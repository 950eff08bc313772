import CGit2
import Foundation

extension Repository {
    /// Diffs two trees the way `git diff`/`git format-patch` does by default (3 lines of
    /// context, the indent heuristic, rename detection at 50% similarity unless
    /// `detectRenames` is false), returning plain values.
    ///
    /// Only subtrees whose ids differ are read, so on a kernel tree the cost follows the
    /// size of the change, not of the tree.
    public func diff(
        from oldTree: ObjectID?, to newTree: ObjectID, contextLines: Int = 3, detectRenames: Bool = true
    ) throws(GitError) -> TreeDiff {
        let old = try oldTree.map { (id) throws(GitError) -> Tree in try tree(id) }
        let new = try tree(newTree)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing diff options")
        options.flags = GIT_DIFF_NORMAL.rawValue | GIT_DIFF_INDENT_HEURISTIC.rawValue
        options.context_lines = UInt32(contextLines)
        options.interhunk_lines = 0
        var diff: OpaquePointer?
        try check(
            git_diff_tree_to_tree(&diff, handle, old?.handle, new.handle, &options),
            "diffing \(oldTree?.hex ?? "empty tree") to \(newTree.hex)")
        defer { git_diff_free(diff) }
        if detectRenames {
            var findOptions = git_diff_find_options()
            try check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing rename detection")
            findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue
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
        return TreeDiff(files: files)
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
                let header = withUnsafeBytes(of: hunk.header) { raw in Array(raw.prefix(hunk.header_len)) }
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
