import Foundation
import Git

/// The notes `git log --notes` shows under a commit, from the default notes ref
/// (`$GIT_NOTES_REF`, else `core.notesRef`, else `refs/notes/commits`).
///
/// `notes.displayRef` and `$GIT_NOTES_DISPLAY_REF` (extra refs git also shows) are not read.
struct NotesReader {
    let repository: Repository
    /// The notes tree, nil when the ref does not exist.
    private let tree: Tree?
    /// `Notes` for the default ref, `Notes (name)` for another, as git heads the section.
    let heading: String

    init(repository: Repository, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GitError) {
        self.repository = repository
        let configured = try repository.configurationSnapshot().string("core.notesRef")
        let reference = environment["GIT_NOTES_REF"].flatMap { $0.isEmpty ? nil : $0 } ?? configured ?? "refs/notes/commits"
        if reference == "refs/notes/commits" {
            heading = "Notes"
        } else {
            var name = Substring(reference)
            if name.hasPrefix("refs/") { name = name.dropFirst(5) }
            if name.hasPrefix("notes/") { name = name.dropFirst(6) }
            heading = "Notes (\(name))"
        }
        if let target = try repository.referenceTarget(reference) {
            tree = try repository.commit(target).tree()
        } else {
            tree = nil
        }
    }

    /// The note's lines as range-diff keeps them (`format_note`, then range-diff's trim):
    /// indented by 4 spaces, trailing whitespace removed, blank lines empty. Nil when the
    /// commit has no note.
    func note(for id: ObjectID) throws(GitError) -> [[UInt8]]? {
        guard let tree, let blob = try noteBlob(in: tree, for: id.hex) else { return nil }
        var text = try repository.blobContents(blob)[...]
        if text.last == 0x0A { text = text.dropLast() }
        var lines: [[UInt8]] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: 0x0A) ?? text.endIndex
            var line = text[start..<end]
            while let last = line.last, MediumMessage.isSpace(last) { line = line.dropLast() }
            lines.append(line.isEmpty ? [] : Array("    ".utf8) + line)
            start = end + 1
        }
        return lines
    }

    /// The note blob for a commit, with or without fan-out directories (`ab/cdef…`).
    private func noteBlob(in tree: Tree, for hex: String) throws(GitError) -> ObjectID? {
        var rest = Substring(hex)
        var directory = tree
        while true {
            for entry in directory.entries where entry.name == rest && entry.kind == .blob {
                return entry.id
            }
            guard rest.count > 2,
                let subtree = directory.entries.first(where: { $0.name == rest.prefix(2) && $0.kind == .tree })
            else { return nil }
            directory = try repository.tree(subtree.id)
            rest = rest.dropFirst(2)
        }
    }
}
