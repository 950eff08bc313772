import Git

/// git's `--stat` for a tree diff, as `git format-patch` prints it (72 columns): one line
/// per file with a scaled `+`/`-` graph, `.../` shortening of long names, `Bin` lines for
/// binary files, and the ` N files changed, …` summary line.
public struct Diffstat: Sendable, Equatable {
    /// One line of the stat.
    public struct Entry: Sendable, Equatable {
        /// The name as printed: quoted when needed, `{old => new}` for renames.
        public var name: [UInt8]
        /// Lines added; for a binary file, the size of the new blob in bytes.
        public var added: Int
        /// Lines removed; for a binary file, the size of the old blob in bytes.
        public var deleted: Int
        public var isBinary: Bool

        public init(name: [UInt8], added: Int, deleted: Int, isBinary: Bool) {
            self.name = name
            self.added = added
            self.deleted = deleted
            self.isBinary = isBinary
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The stat of `diff`. Binary files take their sizes from `binaryPatches` (keyed by
    /// `newPath`); without an entry git's ` Bin` line without sizes is printed. A file whose
    /// type changes (regular file ⇄ symlink) comes as a deletion followed by an addition of
    /// the same path, which git counts as one file.
    public init(_ diff: TreeDiff, binaryPatches: [[UInt8]: BinaryFilePatch] = [:]) {
        entries = TypeChange.pairs(in: diff.files).map { change in
            switch change {
            case .single(let file):
                return Diffstat.entry(for: file, binaryPatches: binaryPatches)
            case .typeChange(let deleted, let added):
                let old = Diffstat.entry(for: deleted, binaryPatches: binaryPatches)
                let new = Diffstat.entry(for: added, binaryPatches: binaryPatches)
                return Entry(name: new.name, added: old.added + new.added, deleted: old.deleted + new.deleted,
                             isBinary: old.isBinary || new.isBinary)
            }
        }
    }

    private static func entry(for file: FileDiff, binaryPatches: [[UInt8]: BinaryFilePatch]) -> Entry {
        let name: [UInt8]
        if file.oldPath != file.newPath && (file.status == .renamed || file.status == .copied) {
            name = Diffstat.renameName(from: file.oldPath, to: file.newPath)
        } else {
            name = GitPathQuoting.quoted(file.newPath)
        }
        if file.isBinary {
            let patch = binaryPatches[file.newPath]
            let same = file.oldID == file.newID
            return Entry(name: name, added: same ? 0 : patch?.newSize ?? 0,
                         deleted: same ? 0 : patch?.oldSize ?? 0, isBinary: true)
        }
        return Entry(name: name, added: file.insertions, deleted: file.deletions, isBinary: false)
    }

    public var filesChanged: Int { entries.count }
    public var insertions: Int { entries.reduce(0) { $0 + ($1.isBinary ? 0 : $1.added) } }
    public var deletions: Int { entries.reduce(0) { $0 + ($1.isBinary ? 0 : $1.deleted) } }

    /// The stat lines and the summary line, as `show_stats` writes them for `width` columns.
    public func rendered(width requestedWidth: Int = 72) -> [UInt8] {
        guard !entries.isEmpty else { return [] }
        var maxChange = 0
        var maxLength = 0
        var numberWidth = 0
        var binaryWidth = 0
        for entry in entries {
            maxLength = max(maxLength, TextWidth.width(of: entry.name))
            if entry.isBinary {
                // "Bin XXX -> YYY bytes"
                let width = 14 + ByteText.decimalWidth(entry.added) + ByteText.decimalWidth(entry.deleted)
                binaryWidth = max(binaryWidth, width)
                numberWidth = 3
                continue
            }
            maxChange = max(maxChange, entry.added + entry.deleted)
        }

        var width = requestedWidth
        numberWidth = max(ByteText.decimalWidth(maxChange), numberWidth)
        if width < 16 + 6 + numberWidth { width = 16 + 6 + numberWidth }
        var graphWidth = maxChange + 4 > binaryWidth ? maxChange : binaryWidth - 4
        var nameWidth = maxLength
        if nameWidth + numberWidth + 6 + graphWidth > width {
            if graphWidth > width * 3 / 8 - numberWidth - 6 {
                graphWidth = max(width * 3 / 8 - numberWidth - 6, 6)
            }
            if nameWidth > width - numberWidth - 6 - graphWidth {
                nameWidth = width - numberWidth - 6 - graphWidth
            } else {
                graphWidth = width - numberWidth - 6 - nameWidth
            }
        }

        var out: [UInt8] = []
        for entry in entries {
            var name = ArraySlice(entry.name)
            var prefix: [UInt8] = []
            var length = nameWidth
            let nameLength = TextWidth.width(of: entry.name)
            if nameWidth < nameLength {
                prefix = Array("...".utf8)
                length -= 3
                // git advances by the width difference counted in bytes, then to the next slash.
                name = name.dropFirst(nameLength - length)
                if let slash = name.firstIndex(of: UInt8(ascii: "/")) { name = name[slash...] }
            }
            let padding = max(length - TextWidth.width(of: Array(name)), 0)
            out.append(ByteText.space)
            out += prefix
            out += name
            out += repeatElement(ByteText.space, count: padding)
            out += Array(" | ".utf8)

            if entry.isBinary {
                out += ByteText.padLeft(Array("Bin".utf8), to: numberWidth)
                if entry.added != 0 || entry.deleted != 0 {
                    out += Array(" \(entry.deleted) -> \(entry.added) bytes".utf8)
                }
                out.append(ByteText.newline)
                continue
            }

            var add = entry.added
            var delete = entry.deleted
            if graphWidth <= maxChange {
                var total = Diffstat.scale(add + delete, width: graphWidth, maxChange: maxChange)
                if total < 2 && add != 0 && delete != 0 { total = 2 }
                if add < delete {
                    add = Diffstat.scale(add, width: graphWidth, maxChange: maxChange)
                    delete = total - add
                } else {
                    delete = Diffstat.scale(delete, width: graphWidth, maxChange: maxChange)
                    add = total - delete
                }
            }
            let changes = entry.added + entry.deleted
            out += ByteText.padLeft(ByteText.decimal(changes), to: numberWidth)
            if changes != 0 { out.append(ByteText.space) }
            out += repeatElement(UInt8(ascii: "+"), count: max(add, 0))
            out += repeatElement(UInt8(ascii: "-"), count: max(delete, 0))
            out.append(ByteText.newline)
        }
        out += summaryLine
        return out
    }

    /// ` 2 files changed, 3 insertions(+), 1 deletion(-)` with git's plurals and omissions.
    public var summaryLine: [UInt8] {
        let files = filesChanged
        guard files > 0 else { return Array(" 0 files changed\n".utf8) }
        var text = files == 1 ? " 1 file changed" : " \(files) files changed"
        if insertions != 0 || deletions == 0 {
            text += insertions == 1 ? ", 1 insertion(+)" : ", \(insertions) insertions(+)"
        }
        if deletions != 0 || insertions == 0 {
            text += deletions == 1 ? ", 1 deletion(-)" : ", \(deletions) deletions(-)"
        }
        return Array((text + "\n").utf8)
    }

    /// `scale_linear`: at least one column for any change.
    private static func scale(_ value: Int, width: Int, maxChange: Int) -> Int {
        value == 0 ? 0 : 1 + value * (width - 1) / maxChange
    }

    /// `pprint_rename`: `dir/{old => new}.c`, or both names quoted when either needs it.
    static func renameName(from old: [UInt8], to new: [UInt8]) -> [UInt8] {
        if GitPathQuoting.needsQuoting(old) || GitPathQuoting.needsQuoting(new) {
            return GitPathQuoting.quoted(old) + Array(" => ".utf8) + GitPathQuoting.quoted(new)
        }
        let slash = UInt8(ascii: "/")
        var prefixLength = 0
        var index = 0
        while index < old.count && index < new.count && old[index] == new[index] {
            if old[index] == slash { prefixLength = index + 1 }
            index += 1
        }
        // Walk back from the terminating NUL, one into the prefix to see its slash.
        func byte(_ bytes: [UInt8], _ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        var suffixLength = 0
        var oldIndex = old.count
        var newIndex = new.count
        let adjust = prefixLength > 0 ? 1 : 0
        while prefixLength - adjust <= oldIndex && prefixLength - adjust <= newIndex
            && byte(old, oldIndex) == byte(new, newIndex)
        {
            if byte(old, oldIndex) == slash { suffixLength = old.count - oldIndex }
            oldIndex -= 1
            newIndex -= 1
        }
        let oldMiddle = max(old.count - prefixLength - suffixLength, 0)
        let newMiddle = max(new.count - prefixLength - suffixLength, 0)
        var out: [UInt8] = []
        let braces = prefixLength + suffixLength > 0
        if braces {
            out += old[0..<prefixLength]
            out.append(UInt8(ascii: "{"))
        }
        out += old[prefixLength..<prefixLength + oldMiddle]
        out += Array(" => ".utf8)
        out += new[prefixLength..<prefixLength + newMiddle]
        if braces {
            out.append(UInt8(ascii: "}"))
            out += old[(old.count - suffixLength)...]
        }
        return out
    }
}

/// git's `--summary` lines: ` create mode 100644 path`, ` delete mode …`,
/// ` mode change 100644 => 100755 path`, ` rename dir/{a => b} (90%)`.
public enum DiffSummary {
    public static func rendered(_ diff: TreeDiff) -> [UInt8] {
        var out: [UInt8] = []
        for change in TypeChange.pairs(in: diff.files) {
            guard case .single(let file) = change else {
                if case .typeChange(let deleted, let added) = change {
                    out += Array(" mode change ".utf8) + ByteText.octalMode(deleted.oldMode) + Array(" => ".utf8)
                        + ByteText.octalMode(added.newMode) + [ByteText.space] + GitPathQuoting.quoted(added.newPath)
                        + [ByteText.newline]
                }
                continue
            }
            switch file.status {
            case .deleted:
                out += Array(" delete mode ".utf8) + ByteText.octalMode(file.oldMode) + [ByteText.space]
                    + GitPathQuoting.quoted(file.oldPath) + [ByteText.newline]
            case .added:
                out += Array(" create mode ".utf8) + ByteText.octalMode(file.newMode) + [ByteText.space]
                    + GitPathQuoting.quoted(file.newPath) + [ByteText.newline]
            case .renamed, .copied:
                let verb = file.status == .renamed ? " rename " : " copy "
                out += Array(verb.utf8) + Diffstat.renameName(from: file.oldPath, to: file.newPath)
                    + Array(" (\(file.similarity)%)\n".utf8)
                out += modeChange(file, withName: false)
            case .modified, .typeChanged:
                out += modeChange(file, withName: true)
            }
        }
        return out
    }

    private static func modeChange(_ file: FileDiff, withName: Bool) -> [UInt8] {
        guard file.oldMode != 0, file.newMode != 0, file.oldMode != file.newMode else { return [] }
        var out = Array(" mode change ".utf8) + ByteText.octalMode(file.oldMode) + Array(" => ".utf8)
            + ByteText.octalMode(file.newMode)
        if withName { out += [ByteText.space] + GitPathQuoting.quoted(file.newPath) }
        out.append(ByteText.newline)
        return out
    }
}

/// git keeps a type change (regular file ⇄ symlink) as one file pair and splits it into a
/// deletion and a creation only for the patch text; libgit2 (without
/// `GIT_DIFF_INCLUDE_TYPECHANGE`) hands over the split form. This pairs them back for the
/// diffstat and the summary.
enum TypeChange {
    case single(FileDiff)
    case typeChange(deleted: FileDiff, added: FileDiff)

    private static let typeMask: UInt32 = 0o170000

    static func pairs(in files: [FileDiff]) -> [TypeChange] {
        var result: [TypeChange] = []
        var index = 0
        while index < files.count {
            let file = files[index]
            if file.status == .deleted, index + 1 < files.count {
                let next = files[index + 1]
                if next.status == .added, next.newPath == file.oldPath,
                    next.newMode & typeMask != file.oldMode & typeMask
                {
                    result.append(.typeChange(deleted: file, added: next))
                    index += 2
                    continue
                }
            }
            result.append(.single(file))
            index += 1
        }
        return result
    }
}
