import CGit2
import Foundation

extension Repository {
    /// The minimum abbreviation length git uses by default in this repository: `core.abbrev`
    /// when set, else git's "auto" rule, derived from the number of packed objects (half the
    /// bits needed to count them, in hex digits, at least 7).
    ///
    /// Like git, only objects in packs are counted; loose objects do not raise the length.
    /// (A multi-pack-index is not read: its packs are counted through their `.idx` files.)
    public func defaultAbbreviationLength() throws(GitError) -> Int {
        if let configured = try configurationSnapshot().string("core.abbrev") {
            if configured == "no" { return 40 }
            if let value = Int(configured), (4...40).contains(value) { return value }
        }
        let count = packedObjectCount()
        guard count > 0 else { return 7 }
        let bits = (Int.bitWidth - count.leadingZeroBitCount - 1) + 1  // msb(count) + 1
        return max(7, (bits + 1) / 2)
    }

    /// The shortest prefix of `id`, at least `minimumLength` digits, that names no other object
    /// in the repository (for an id not in the repository: that names no object at all), as
    /// git's `find_unique_abbrev` computes it.
    public func uniqueAbbreviation(of id: ObjectID, minimumLength: Int) throws(GitError) -> String {
        let hex = id.hex
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, handle), "opening the object database of \(displayPath)")
        defer { git_odb_free(odb) }
        var raw = id.raw
        let exists = git_odb_exists(odb, &raw) == 1
        var length = max(4, minimumLength)
        while length < 40 {
            var prefix = raw
            var found = git_oid()
            let result = git_odb_exists_prefix(&found, odb, &prefix, length)
            if exists ? result == 0 : result == GIT_ENOTFOUND.rawValue { break }
            length += 1
        }
        return String(hex.prefix(length))
    }

    /// Objects in the repository's packs and in those of every object directory it borrows
    /// from, as git counts them (`repo_approximate_object_count` over all packs), read from
    /// the `.idx` headers.
    func packedObjectCount() -> Int {
        Self.objectDirectories(from: gitDirectory + "objects").reduce(0) { $0 + Self.packedObjectCount(in: $1 + "/pack") }
    }

    /// The object directory and, recursively, every alternate it names, as git's
    /// `link_alt_odb_entries` walks them: each `info/alternates` line is an object directory
    /// (relative paths from the directory whose file names it), `#` lines are comments, a
    /// directory already seen is skipped, and files nested deeper than 5 are ignored as in git.
    static func objectDirectories(from root: String) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func visit(_ directory: String, depth: Int) {
            let normalized = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
            guard seen.insert(normalized).inserted else { return }
            result.append(normalized)
            guard depth <= 5,
                let alternates = try? String(contentsOfFile: normalized + "/info/alternates", encoding: .utf8)
            else { return }
            for line in alternates.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
                let path = line.hasPrefix("/") ? String(line) : normalized + "/" + line
                visit(path, depth: depth + 1)
            }
        }
        visit(root, depth: 0)
        return result
    }

    private static func packedObjectCount(in packDirectory: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: packDirectory) else { return 0 }
        var total = 0
        for name in names where name.hasSuffix(".idx") {
            guard let handle = FileHandle(forReadingAtPath: "\(packDirectory)/\(name)") else { continue }
            defer { try? handle.close() }
            // Version 2: "\377tOc", version, then a 256-entry fan-out whose last entry is the count.
            guard let header = try? handle.read(upToCount: 8 + 256 * 4), header.count == 8 + 256 * 4 else { continue }
            let bytes = [UInt8](header)
            guard bytes[0] == 0xFF, bytes[1] == 0x74, bytes[2] == 0x4F, bytes[3] == 0x63 else { continue }
            let last = 8 + 255 * 4
            total += Int(bytes[last]) << 24 | Int(bytes[last + 1]) << 16 | Int(bytes[last + 2]) << 8 | Int(bytes[last + 3])
        }
        return total
    }
}
