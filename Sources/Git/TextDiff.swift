import CGit2

/// A line diff of two in-memory texts through libgit2's `git_patch_from_buffers`, which runs
/// the same xdiff (Myers) as git: 3 lines of context, hunks merged only when they touch.
///
/// The buffer-to-buffer form of `Diff`: range-diff needs it for its costs and for the diff of
/// two patches it prints, `kseries check --build` for telling which patch wrote a line.
/// `package`: a tool of kseries' own modules, not public API.
package struct TextDiff {
    /// One `@@` hunk: where it starts in each text (1-based, as in its header) and its lines.
    package struct Hunk {
        package var oldStart: Int
        package var oldCount: Int
        package var newStart: Int = 0
        package var lines: [Line]
    }

    /// One line of a hunk: `' '`, `'+'` or `'-'`, and its bytes including the newline.
    package struct Line {
        package var origin: UInt8
        package var content: [UInt8]
    }

    /// With git's indent heuristic (`diff.indentHeuristic`, on by default) or plain Myers.
    var indentHeuristic: Bool

    package init(indentHeuristic: Bool) {
        self.indentHeuristic = indentHeuristic
    }

    /// The number of hunks plus the number of lines in them: what range-diff's `diffsize`
    /// counts from xdiff's callbacks.
    package func size(_ old: ArraySlice<UInt8>, _ new: ArraySlice<UInt8>) throws(GitError) -> Int {
        try withPatch(old, new) { (patch) throws(GitError) -> Int in
            let hunks = git_patch_num_hunks(patch)
            var count = hunks
            for index in 0..<hunks {
                let lines = git_patch_num_lines_in_hunk(patch, index)
                try check(lines, "counting the lines of a hunk")
                count += Int(lines)
            }
            return count
        }
    }

    /// The hunks that turn `old` into `new`.
    package func hunks(_ old: ArraySlice<UInt8>, _ new: ArraySlice<UInt8>) throws(GitError) -> [Hunk] {
        try withPatch(old, new) { (patch) throws(GitError) -> [Hunk] in
            var hunks: [Hunk] = []
            for hunkIndex in 0..<git_patch_num_hunks(patch) {
                var hunkPointer: UnsafePointer<git_diff_hunk>?
                var lineCount = 0
                try check(git_patch_get_hunk(&hunkPointer, &lineCount, patch, hunkIndex), "reading a hunk")
                guard let header = hunkPointer?.pointee else { continue }
                var lines: [Line] = []
                lines.reserveCapacity(lineCount)
                for lineIndex in 0..<lineCount {
                    var linePointer: UnsafePointer<git_diff_line>?
                    try check(
                        git_patch_get_line_in_hunk(&linePointer, patch, hunkIndex, lineIndex), "reading a diff line")
                    guard let line = linePointer?.pointee else { continue }
                    let content = line.content.map {
                        Array(UnsafeRawBufferPointer(start: $0, count: line.content_len))
                    } ?? []
                    lines.append(Line(origin: UInt8(bitPattern: line.origin), content: content))
                }
                hunks.append(Hunk(oldStart: Int(header.old_start), oldCount: Int(header.old_lines), newStart: Int(header.new_start), lines: lines))
            }
            return hunks
        }
    }

    private func withPatch<Result>(
        _ old: ArraySlice<UInt8>, _ new: ArraySlice<UInt8>, _ body: (OpaquePointer) throws(GitError) -> Result
    ) throws(GitError) -> Result {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing diff options")
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue | (indentHeuristic ? GIT_DIFF_INDENT_HEURISTIC.rawValue : 0)
        options.context_lines = 3
        options.interhunk_lines = 0
        var patch: OpaquePointer?
        let result = old.withUnsafeBytes { oldBuffer in
            new.withUnsafeBytes { newBuffer in
                git_patch_from_buffers(
                    &patch, oldBuffer.baseAddress, oldBuffer.count, "a", newBuffer.baseAddress, newBuffer.count, "b",
                    &options)
            }
        }
        try check(result, "diffing two patches")
        guard let patch else {
            throw GitError(code: .generic, message: "libgit2 gave no patch", operation: "diffing two patches")
        }
        defer { git_patch_free(patch) }
        return try body(patch)
    }
}
