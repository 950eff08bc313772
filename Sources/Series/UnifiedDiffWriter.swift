import Git

/// Writes a tree diff as `git diff --binary` text, the form `git format-patch` puts after the
/// diffstat: `diff --git` headers with mode, rename and `index` lines, `---`/`+++` labels,
/// the hunks, and `GIT binary patch` data for binary files.
///
/// A type change (regular file ⇄ symlink) must come as a deletion followed by an addition
/// of the same path (libgit2's default), which is how git prints it; a `.typeChanged` file is
/// written like a modification, which git never does.
public struct UnifiedDiffWriter: Sendable {
    /// git's unique abbreviation of a blob id (see `PatchFormat.abbreviate`).
    public var abbreviate: @Sendable (ObjectID) -> String
    /// Length of the all-zero id (see `PatchFormat.zeroAbbreviationLength`).
    public var zeroAbbreviationLength: Int?
    /// `a/` and `b/` by default; empty with `diff.noprefix`.
    public var oldPrefix: [UInt8] = Array("a/".utf8)
    public var newPrefix: [UInt8] = Array("b/".utf8)

    public init(abbreviate: @escaping @Sendable (ObjectID) -> String, zeroAbbreviationLength: Int? = nil) {
        self.abbreviate = abbreviate
        self.zeroAbbreviationLength = zeroAbbreviationLength
    }

    /// The whole diff; binary data is looked up by `FileDiff.newPath`.
    public func render(_ diff: TreeDiff, binaryPatches: [[UInt8]: BinaryFilePatch] = [:]) -> [UInt8] {
        var out: [UInt8] = []
        for file in diff.files {
            out += render(file, binaryPatch: binaryPatches[file.newPath])
        }
        return out
    }

    /// One file's part of the diff (`builtin_diff`).
    public func render(_ file: FileDiff, binaryPatch: BinaryFilePatch? = nil) -> [UInt8] {
        let oldValid = file.status != .added
        let newValid = file.status != .deleted
        let nameA = oldValid ? file.oldPath : file.newPath
        let nameB = newValid ? file.newPath : nameA
        let labelA = GitPathQuoting.quoted(prefix: oldPrefix, path: nameA)
        let labelB = GitPathQuoting.quoted(prefix: newPrefix, path: nameB)

        var header = Array("diff --git ".utf8) + labelA + [ByteText.space] + labelB + [ByteText.newline]
        var mustShowHeader = false
        if !oldValid {
            header += Array("new file mode ".utf8) + ByteText.octalMode(file.newMode) + [ByteText.newline]
            mustShowHeader = true
        } else if !newValid {
            header += Array("deleted file mode ".utf8) + ByteText.octalMode(file.oldMode) + [ByteText.newline]
            mustShowHeader = true
        } else if file.oldMode != file.newMode {
            header += Array("old mode ".utf8) + ByteText.octalMode(file.oldMode) + [ByteText.newline]
            header += Array("new mode ".utf8) + ByteText.octalMode(file.newMode) + [ByteText.newline]
            mustShowHeader = true
        }
        header += metaInformation(file, mustShowHeader: &mustShowHeader)

        let fromLabel = oldValid ? labelA : Array("/dev/null".utf8)
        let toLabel = newValid ? labelB : Array("/dev/null".utf8)

        if file.isBinary {
            if file.oldID == file.newID {
                return mustShowHeader ? header : []
            }
            var out = header
            if let binaryPatch {
                out += binaryPatch.rendered
            } else {
                // Without the blobs there is no patch data: git's form without `--binary`,
                // which `git am` cannot apply.
                out += Array("Binary files ".utf8) + fromLabel + Array(" and ".utf8) + toLabel
                    + Array(" differ\n".utf8)
            }
            return out
        }

        guard !file.hunks.isEmpty else { return mustShowHeader ? header : [] }
        var out = header
        out += Array("--- ".utf8) + fromLabel + (fromLabel.contains(ByteText.space) ? [0x09] : []) + [ByteText.newline]
        out += Array("+++ ".utf8) + toLabel + (toLabel.contains(ByteText.space) ? [0x09] : []) + [ByteText.newline]
        for hunk in file.hunks {
            out += hunk.header
            for line in hunk.lines {
                switch line.origin {
                case .context: out.append(ByteText.space)
                case .addition: out.append(UInt8(ascii: "+"))
                case .deletion: out.append(UInt8(ascii: "-"))
                }
                out += line.content
                if line.missingNewline {
                    out += Array("\n\\ No newline at end of file\n".utf8)
                }
            }
        }
        return out
    }

    /// `fill_metainfo`: similarity and rename/copy lines, then the `index` line.
    private func metaInformation(_ file: FileDiff, mustShowHeader: inout Bool) -> [UInt8] {
        var out: [UInt8] = []
        if file.status == .renamed || file.status == .copied {
            let verb = file.status == .renamed ? "rename" : "copy"
            out += Array("similarity index \(file.similarity)%\n".utf8)
            out += Array("\(verb) from ".utf8) + GitPathQuoting.quoted(file.oldPath) + [ByteText.newline]
            out += Array("\(verb) to ".utf8) + GitPathQuoting.quoted(file.newPath) + [ByteText.newline]
            mustShowHeader = true
        }
        if file.oldID != file.newID {
            let (old, new) = abbreviatedIDs(file)
            out += Array("index \(old)..\(new)".utf8)
            if file.oldMode == file.newMode { out += [ByteText.space] + ByteText.octalMode(file.oldMode) }
            out.append(ByteText.newline)
        }
        return out
    }

    /// Both ids of the `index` line: full for binary files (as `--binary` does), otherwise
    /// git's abbreviation; the all-zero id as zeros.
    private func abbreviatedIDs(_ file: FileDiff) -> (String, String) {
        if file.isBinary { return (file.oldID.hex, file.newID.hex) }
        let old = file.oldID.isZero ? nil : abbreviate(file.oldID)
        let new = file.newID.isZero ? nil : abbreviate(file.newID)
        func zeros(otherSide: String?) -> String {
            String(repeating: "0", count: zeroAbbreviationLength ?? otherSide?.count ?? 7)
        }
        return (old ?? zeros(otherSide: new), new ?? zeros(otherSide: old))
    }
}
