extension TreeDiff {
    /// The diff with each unchanged symbolic link that moved shown as a rename, as git shows
    /// it (`similarity index 100%`, `find_identical_files`): libgit2's rename detection looks
    /// at regular files only, so it leaves a deletion and an addition.
    ///
    /// Each added link takes a deleted link with the same target, preferring one with the
    /// same base name; the rename takes the added link's place, as in git's diff queue.
    func pairingExactSymlinkRenames() -> TreeDiff {
        let link: UInt32 = 0o120000
        var deleted = files.indices.filter { files[$0].status == .deleted && files[$0].oldMode == link }
        guard !deleted.isEmpty else { return self }
        func baseName(_ path: [UInt8]) -> ArraySlice<UInt8> {
            path.lastIndex(of: UInt8(ascii: "/")).map { path[($0 + 1)...] } ?? path[...]
        }
        var result = files
        var consumed = Set<Int>()
        for index in files.indices where files[index].status == .added && files[index].newMode == link {
            let added = files[index]
            let candidates = deleted.filter { files[$0].oldID == added.newID }
            guard let source = candidates.first(where: { baseName(files[$0].oldPath) == baseName(added.newPath) })
                ?? candidates.first
            else { continue }
            deleted.removeAll { $0 == source }
            consumed.insert(source)
            result[index] = FileDiff(
                status: .renamed, oldPath: files[source].oldPath, newPath: added.newPath, oldMode: link, newMode: link,
                oldID: added.newID, newID: added.newID, similarity: 100, hunks: [])
        }
        return TreeDiff(files: result.indices.filter { !consumed.contains($0) }.map { result[$0] })
    }
}
