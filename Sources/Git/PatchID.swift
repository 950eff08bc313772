import CGit2
import Foundation

extension Repository {
    /// The stable patch id of a commit, as `git format-patch --base` prints it on its
    /// `prerequisite-patch-id:` lines (`commit_patch_id`, `diff_get_patch_id`): nil for a
    /// merge commit, which has none.
    ///
    /// Each file's part is hashed on its own — `diff--git a/<old> b/<new>`, the mode lines,
    /// the `---`/`+++` labels and the hunk lines (3 lines of context, no hunk headers, no
    /// indent heuristic), all with whitespace removed; a binary file gives its two full blob
    /// ids instead of lines — and the SHA-1 digests are summed as 20-byte little-endian
    /// numbers, so the id does not depend on file order. Renames are detected as git does.
    public func patchID(of commitID: ObjectID) throws(GitError) -> ObjectID? {
        let commit = try self.commit(commitID)
        let parents = commit.parentIDs
        guard parents.count <= 1 else { return nil }
        let old = try parents.first.map { (parent) throws(GitError) -> Tree in try self.commit(parent).tree() }
        let new = try commit.tree()

        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing diff options")
        options.flags = GIT_DIFF_NORMAL.rawValue | GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        options.context_lines = 3
        options.interhunk_lines = 0
        var diff: OpaquePointer?
        try check(
            git_diff_tree_to_tree(&diff, handle, old?.handle, new.handle, &options),
            "diffing commit \(commitID.hex) for its patch id")
        defer { git_diff_free(diff) }
        var findOptions = git_diff_find_options()
        try check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing rename detection")
        GitRenameRules.configure(&findOptions, for: diff!)
        try check(git_diff_find_similar(diff, &findOptions), "detecting renames")

        var sum = [UInt8](repeating: 0, count: 20)
        for index in 0..<git_diff_num_deltas(diff) {
            var patch: OpaquePointer?
            try check(git_patch_from_diff(&patch, diff, index), "diffing file \(index) for a patch id")
            defer { git_patch_free(patch) }
            guard let patch, let delta = git_patch_get_delta(patch)?.pointee else { continue }
            let digest = SHA1.digest(try patchIDInput(patch: patch, delta: delta))
            var carry: UInt16 = 0
            for byte in 0..<20 {
                carry += UInt16(sum[byte]) + UInt16(digest[byte])
                sum[byte] = UInt8(carry & 0xFF)
                carry >>= 8
            }
        }
        return ObjectID(bytes: sum)
    }

    /// What git hashes for one file pair.
    private func patchIDInput(patch: OpaquePointer, delta: git_diff_delta) throws(GitError) -> [UInt8] {
        func path(_ file: git_diff_file) -> [UInt8] {
            guard let raw = file.path else { return [] }
            return PatchIDText.removingSpace(Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw))))
        }
        let added = delta.status == GIT_DELTA_ADDED
        let deleted = delta.status == GIT_DELTA_DELETED
        // git names an added file by its new path on both sides, a deleted one by its old path.
        let oldPath = path(added ? delta.new_file : delta.old_file)
        let newPath = path(deleted ? delta.old_file : delta.new_file)
        let oldMode = added ? 0 : UInt32(delta.old_file.mode)
        let newMode = deleted ? 0 : UInt32(delta.new_file.mode)

        var input = Array("diff--gita/".utf8) + oldPath + Array("b/".utf8) + newPath
        if oldMode == 0 {
            input += Array("newfilemode".utf8) + PatchIDText.octal(newMode)
        } else if newMode == 0 {
            input += Array("deletedfilemode".utf8) + PatchIDText.octal(oldMode)
        } else if oldMode != newMode {
            input += Array("oldmode".utf8) + PatchIDText.octal(oldMode) + Array("newmode".utf8) + PatchIDText.octal(newMode)
        }
        if (delta.flags & GIT_DIFF_FLAG_BINARY.rawValue) != 0 {
            let oldID = added ? ObjectID.zero : ObjectID(delta.old_file.id)
            let newID = deleted ? ObjectID.zero : ObjectID(delta.new_file.id)
            return input + Array(oldID.hex.utf8) + Array(newID.hex.utf8)
        }
        if oldMode == 0 {
            input += Array("---/dev/null+++b/".utf8) + newPath
        } else if newMode == 0 {
            input += Array("---a/".utf8) + oldPath + Array("+++/dev/null".utf8)
        } else {
            input += Array("---a/".utf8) + oldPath + Array("+++b/".utf8) + newPath
        }
        for hunkIndex in 0..<git_patch_num_hunks(patch) {
            let lineCount = git_patch_num_lines_in_hunk(patch, hunkIndex)
            guard lineCount > 0 else { continue }
            for lineIndex in 0..<Int(lineCount) {
                var linePointer: UnsafePointer<git_diff_line>?
                try check(git_patch_get_line_in_hunk(&linePointer, patch, hunkIndex, lineIndex), "reading a diff line")
                guard let line = linePointer?.pointee else { continue }
                let origin = UInt8(bitPattern: line.origin)
                guard origin == UInt8(ascii: " ") || origin == UInt8(ascii: "+") || origin == UInt8(ascii: "-") else {
                    continue  // `\ No newline at end of file`: git skips it too
                }
                let content = line.content.map { Array(UnsafeRawBufferPointer(start: $0, count: line.content_len)) } ?? []
                input += PatchIDText.removingSpace([origin] + content)
            }
        }
        return input
    }
}

/// The text rules of git's patch id.
enum PatchIDText {
    /// `remove_space`: drops every C-locale whitespace byte.
    static func removingSpace(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }
    }

    /// `%06o`.
    static func octal(_ mode: UInt32) -> [UInt8] {
        let digits = String(mode, radix: 8)
        return Array((String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8)
    }
}

/// SHA-1, for patch ids (git hashes them with the repository's hash, SHA-1 here).
enum SHA1 {
    static func digest(_ input: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var message = input
        let bitLength = UInt64(input.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for index in 0..<16 {
                let base = chunk + index * 4
                w[index] = UInt32(message[base]) << 24 | UInt32(message[base + 1]) << 16
                    | UInt32(message[base + 2]) << 8 | UInt32(message[base + 3])
            }
            for index in 16..<80 {
                let value = w[index - 3] ^ w[index - 8] ^ w[index - 14] ^ w[index - 16]
                w[index] = value << 1 | value >> 31
            }
            var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
            for index in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch index {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[index]
                e = d
                d = c
                c = b << 30 | b >> 2
                b = a
                a = temp
            }
            state[0] &+= a
            state[1] &+= b
            state[2] &+= c
            state[3] &+= d
            state[4] &+= e
        }
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
    }
}
