import Git
import Series

/// One commit as `git range-diff` compares it: the text `read_patches` (range-diff.c) makes
/// of the commit's `git log -p` entry, with `## Metadata ##`, `## Commit message ##` and one
/// `## path ##` section per file, hunk headers reduced to `@@ path: function`.
struct NormalisedPatch {
    /// The commit.
    var id: ObjectID
    /// Its position in the caller's list.
    var inputIndex: Int
    /// Its position among the series' non-merge commits, which range-diff prints (from 0).
    var position: Int
    /// The whole text, every line ending in `\n`.
    var text: [UInt8]
    /// Where the file sections start (0 for a commit without a diff, as in git).
    var diffOffset: Int
    /// The lines of the file sections: section and hunk headers and hunk lines.
    var diffSize: Int
    /// The one-line subject printed in range-diff's pair headers.
    var subject: [UInt8]

    /// The file sections, which git compares to find exact matches and costs.
    var diff: ArraySlice<UInt8> { text[diffOffset...] }
}

/// Builds `NormalisedPatch` values from commits read through libgit2, producing what
/// `read_patches` makes of `git log --no-color -p --no-merges --no-prefix --submodule=short
/// --output-indicator-{new,old,context}=… --pretty=medium --notes` output.
struct NormalisedPatchReader {
    let repository: Repository
    let notes: NotesReader
    let mailmap: AuthorMailmap?

    func patch(_ id: ObjectID, inputIndex: Int, position: Int) throws(GitError) -> NormalisedPatch {
        let commit = try repository.commit(id)
        let message = commit.message
        var text: [UInt8] = []
        text += Array(" ## Metadata ##\n".utf8)
        text += Array("Author: ".utf8) + authorLine(commit)
        text += Array("\n\n ## Commit message ##\n".utf8)
        for line in MediumMessage.lines(of: message) {
            text += line
            text.append(0x0A)
        }
        if let note = try notes.note(for: id) {
            text += Array("\n\n ## \(notes.heading) ##\n".utf8)
            for line in note {
                text += line
                text.append(0x0A)
            }
        }

        let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in
            try repository.commit(parent).treeID
        }
        let diff = try repository.diff(from: parentTree, to: commit.treeID)
        var diffOffset = 0
        var diffSize = 0
        for file in diff.files {
            text.append(0x0A)
            if diffOffset == 0 { diffOffset = text.count }
            text += Self.sectionHeader(file)
            diffSize += 1
            if file.isBinary {
                if file.oldID != file.newID {
                    text += Self.binaryLine(file)
                    diffSize += 1
                }
                continue
            }
            let currentName = file.status == .deleted ? file.oldPath : file.newPath
            for hunk in file.hunks {
                text += Self.hunkHeader(hunk.header, fileName: currentName)
                diffSize += 1
                for line in hunk.lines {
                    switch line.origin {
                    case .context: text.append(UInt8(ascii: " "))
                    case .addition: text.append(UInt8(ascii: "+"))
                    case .deletion: text.append(UInt8(ascii: "-"))
                    }
                    // git reads each line of `log`'s output as a C string.
                    var content = line.content.prefix { $0 != 0 }
                    if content.last == 0x0A { content = content.dropLast() }
                    text += content
                    text.append(0x0A)
                    diffSize += 1
                    if line.missingNewline {
                        text += Array(" \\ No newline at end of file\n".utf8)
                        diffSize += 1
                    }
                }
            }
        }
        return NormalisedPatch(
            id: id, inputIndex: inputIndex, position: position, text: text, diffOffset: diffOffset, diffSize: diffSize,
            subject: CommitMessage(message).title)
    }

    /// `Name <email>` as `--pretty=medium` prints it, through the mailmap as `log.mailmap` does.
    private func authorLine(_ commit: Commit) -> [UInt8] {
        var author = commit.rawAuthor
        if let mapped = mailmap?.resolve(name: author.name, email: author.email) {
            author.name = mapped.name
            author.email = mapped.email
        }
        return author.name + Array(" <".utf8) + author.email + [UInt8(ascii: ">")]
    }

    /// ` ## path ##` with git's notes for new, deleted and renamed files and mode changes,
    /// from what `parse_git_diff_header` reads back from the `diff --git` header.
    static func sectionHeader(_ file: FileDiff) -> [UInt8] {
        var out = Array(" ## ".utf8)
        switch file.status {
        case .added: out += file.newPath + Array(" (new)".utf8)
        case .deleted: out += file.oldPath + Array(" (deleted)".utf8)
        case .renamed: out += file.oldPath + Array(" => ".utf8) + file.newPath
        default: out += file.newPath
        }
        if file.status != .added && file.status != .deleted && file.oldMode != 0 && file.newMode != 0
            && file.oldMode != file.newMode
        {
            out += Array(" (mode change \(octal(file.oldMode)) => \(octal(file.newMode)))".utf8)
        }
        out += Array(" ##\n".utf8)
        return out
    }

    /// `%06o`.
    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// `Binary files x and y differ`, as `git log -p --no-prefix` writes it, as a context line.
    private static func binaryLine(_ file: FileDiff) -> [UInt8] {
        let old = file.status == .added ? Array("/dev/null".utf8) : GitPathQuoting.quoted(file.oldPath)
        let new = file.status == .deleted ? Array("/dev/null".utf8) : GitPathQuoting.quoted(file.newPath)
        return Array(" Binary files ".utf8) + old + Array(" and ".utf8) + new + Array(" differ\n".utf8)
    }

    /// `@@ -a,b +c,d @@ function` becomes `@@ path: function`, or `@@` without a function.
    static func hunkHeader(_ header: [UInt8], fileName: [UInt8]) -> [UInt8] {
        var line = header[...]
        while let last = line.last, last == 0x0A { line = line.dropLast() }
        var out = Array("@@".utf8)
        // range-diff looks for the closing `@@` after the opening `@@ `.
        var index = line.startIndex + 3
        while index + 1 < line.endIndex, !(line[index] == UInt8(ascii: "@") && line[index + 1] == UInt8(ascii: "@")) {
            index += 1
        }
        if index + 1 < line.endIndex {
            let rest = line[(index + 2)...]
            if !rest.isEmpty { out += [UInt8(ascii: " ")] + fileName + [UInt8(ascii: ":")] }
            out += rest
        }
        out.append(0x0A)
        return out
    }
}

/// The commit message as `--pretty=medium` indents it and range-diff then trims it.
enum MediumMessage {
    /// Each line of the message body: leading blank lines dropped, trailing whitespace
    /// removed, tabs expanded to 8 columns, indented by 4 spaces (blank lines stay empty),
    /// trailing blank lines dropped.
    static func lines(of message: [UInt8]) -> [[UInt8]] {
        let text = message.prefix { $0 != 0 }
        var lines: [[UInt8]] = []
        var start = text.startIndex
        var seenText = false
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? text.endIndex
            var line = text[start..<end]
            start = end
            while let last = line.last, isSpace(last) { line = line.dropLast() }
            if line.isEmpty {
                if seenText { lines.append([]) }
                continue
            }
            seenText = true
            lines.append(Array("    ".utf8) + expandingTabs(line))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// `strbuf_add_tabexpand` with a tab width of 8: widths count from the last tab; a
    /// segment git cannot measure (bad UTF-8, control characters) ends the expansion.
    static func expandingTabs(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var rest = line
        while let tab = rest.firstIndex(of: 0x09) {
            guard let width = TextWidth.strictWidth(of: rest[..<tab]) else { break }
            out += rest[..<tab]
            out += [UInt8](repeating: UInt8(ascii: " "), count: 8 - width % 8)
            rest = rest[(tab + 1)...]
        }
        out += rest
        return out
    }

    /// git's `isspace`: space, tab, newline and carriage return only.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
