import CGit2

/// The outcome of a three-way merge of one file's contents.
public struct FileMergeResult: Sendable, Equatable {
    /// True when every change of both sides merged without a conflict.
    public var isClean: Bool
    /// The merged bytes; with conflicts they carry git's `<<<<<<<`/`>>>>>>>` markers.
    public var contents: [UInt8]
}

extension Repository {
    /// Merges the changes from `ancestor` to `theirs` into `ours`, as `git merge-file` (and a
    /// cherry-pick, file by file) does: libgit2's xdiff merge with git's defaults. No object,
    /// index or file is written.
    public func mergeFile(
        ancestor: [UInt8], ours: [UInt8], theirs: [UInt8], path: String
    ) throws(GitError) -> FileMergeResult {
        var result = git_merge_file_result()
        let status: Int32 = path.withCString { cPath in
            ancestor.withUnsafeBufferPointer { a in
                ours.withUnsafeBufferPointer { o in
                    theirs.withUnsafeBufferPointer { t in
                        func input(_ buffer: UnsafeBufferPointer<UInt8>) -> git_merge_file_input {
                            var value = git_merge_file_input()
                            git_merge_file_input_init(&value, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                            value.ptr = UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                            value.size = buffer.count
                            value.path = cPath
                            value.mode = 0o100644
                            return value
                        }
                        var ancestorInput = input(a)
                        var oursInput = input(o)
                        var theirsInput = input(t)
                        return git_merge_file(&result, &ancestorInput, &oursInput, &theirsInput, nil)
                    }
                }
            }
        }
        try check(status, "merging \(path) three ways in \(displayPath)")
        defer { git_merge_file_result_free(&result) }
        var contents: [UInt8] = []
        if let pointer = result.ptr, result.len > 0 {
            contents = Array(UnsafeRawBufferPointer(start: pointer, count: result.len))
        }
        return FileMergeResult(isClean: result.automergeable != 0, contents: contents)
    }
}
