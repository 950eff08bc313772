/// A file's bytes and git mode (`0o100644`, `0o100755`, `0o120000` for a symlink).
public struct FileContent: Sendable, Hashable {
    public var bytes: [UInt8]
    public var mode: UInt32

    public init(bytes: [UInt8], mode: UInt32 = 0o100644) {
        self.bytes = bytes
        self.mode = mode
    }
}

/// Where a hunk landed.
public struct HunkPlacement: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based hunk number in its file patch.
    public var hunk: Int
    /// The 1-based line, in the file as patched by the earlier hunks, where the hunk's preimage
    /// started (git's "Hunk #n succeeded at LINE").
    public var line: Int
    /// How far that is from where git looked first (the `+c` of `@@ -a,b +c,d @@`): git's
    /// "(offset N lines)". 0 when the hunk landed where the patch said.
    public var offset: Int
    /// The context actually used when `ApplyOptions.minimumContext` let git drop some; nil when
    /// all of it matched.
    public var reducedContext: ReducedContext?

    public init(hunk: Int, line: Int, offset: Int, reducedContext: ReducedContext? = nil) {
        self.hunk = hunk
        self.line = line
        self.offset = offset
        self.reducedContext = reducedContext
    }

    public var description: String {
        var text = "hunk #\(hunk) at line \(line)"
        if offset != 0 { text += " (offset \(offset) line\(abs(offset) == 1 ? "" : "s"))" }
        if let reducedContext { text += " with context reduced to \(reducedContext.leading)/\(reducedContext.trailing)" }
        return text
    }
}

/// Leading and trailing context lines that matched after a reduction.
public struct ReducedContext: Sendable, Hashable {
    public var leading: Int
    public var trailing: Int

    public init(leading: Int, trailing: Int) {
        self.leading = leading
        self.trailing = trailing
    }
}

/// A hunk that matched nowhere, with what it looked for and where it came closest.
public struct HunkMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based hunk number in its file patch.
    public var hunk: Int
    /// The hunk's `@@` line in the patch file.
    public var location: PatchLocation
    /// The `@@` line itself, e.g. `@@ -10,7 +10,8 @@ static int kvm_vcpu_run(…)`.
    public var header: String
    /// The 1-based line where git started looking.
    public var expectedLine: Int
    /// The lines the hunk looked for (context and removed lines, as in the patch).
    public var preimage: [[UInt8]]
    /// The place that came closest, nil when the file is empty or the hunk has no preimage.
    public var nearest: NearMatch?
    /// Set when the hunk would match but for its line endings.
    public var lineEndings: LineEndingMismatch?

    public init(
        hunk: Int, location: PatchLocation, header: String, expectedLine: Int, preimage: [[UInt8]], nearest: NearMatch?,
        lineEndings: LineEndingMismatch? = nil
    ) {
        self.hunk = hunk
        self.location = location
        self.header = header
        self.expectedLine = expectedLine
        self.preimage = preimage
        self.nearest = nearest
        self.lineEndings = lineEndings
    }

    public var description: String {
        var text = "hunk #\(hunk) (\(header), \(location)) does not apply at or near line \(expectedLine)"
        if let nearest { text += "; nearest: \(nearest)" } else if preimage.isEmpty { text += "; it has no context to match" }
        if let lineEndings { text += "; hint: \(lineEndings)" }
        return text
    }
}

/// A hunk that would match once carriage returns are ignored: the file and the patch disagree
/// on line endings. `line` is the 1-based line where it would match.
public enum LineEndingMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The file has CRLF line endings and the patch LF (a mail's CRs are removed on reading, as
    /// `git am` does).
    case fileHasCRLF(line: Int)
    /// The patch has CRLF line endings and the file LF.
    case patchHasCRLF(line: Int)

    public var description: String {
        switch self {
        case .fileHasCRLF(let line):
            return "line endings differ: the file has CRLF (\\r\\n) line endings and the patch LF; it would apply at line \(line) "
                + "with the file's line endings (a mail's CRs are removed as `git am` does)"
        case .patchHasCRLF(let line):
            return "line endings differ: the patch has CRLF (\\r\\n) line endings and the file LF; it would apply at line \(line) "
                + "as LF text (save the mail as an mbox, or convert the patch with dos2unix)"
        }
    }
}

/// The position where a failed hunk's preimage matched the most lines.
public struct NearMatch: Sendable, Hashable, CustomStringConvertible {
    /// Why the position was rejected even though it is the closest.
    public enum Reason: Sendable, Hashable {
        /// Some lines differ; `firstDifference` says which.
        case linesDiffer
        /// Every line matches, but the hunk has no leading context (it starts at line 1 of the
        /// old file) so git only accepts it at the start of the file.
        case notAtStartOfFile
        /// Every line matches, but the hunk has no trailing context so git only accepts it at
        /// the end of the file.
        case notAtEndOfFile
        /// Every line matches, but some were written by an earlier hunk of the same patch.
        case overlapsEarlierHunk
    }

    /// The 1-based line of the file where the compared lines start.
    public var line: Int
    /// How many of the preimage lines are identical there.
    public var matchingLines: Int
    public var totalLines: Int
    public var reason: Reason
    /// The 0-based index in the preimage of the first line that differs, if any.
    public var firstDifference: Int?
    /// That line as the hunk has it, and as the file has it (nil past the end of the file).
    public var expected: [UInt8]?
    public var found: [UInt8]?

    public init(
        line: Int, matchingLines: Int, totalLines: Int, reason: Reason, firstDifference: Int? = nil,
        expected: [UInt8]? = nil, found: [UInt8]? = nil
    ) {
        self.line = line
        self.matchingLines = matchingLines
        self.totalLines = totalLines
        self.reason = reason
        self.firstDifference = firstDifference
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var text = "line \(line) matches \(matchingLines) of \(totalLines) lines"
        switch reason {
        case .linesDiffer:
            if let firstDifference {
                text += "; hunk line \(firstDifference + 1) differs: expected \(Self.show(expected))"
                text += ", found \(found.map { Self.show($0) } ?? "end of file")"
            }
        case .notAtStartOfFile: text += ", but the hunk has no leading context and must match at the start of the file"
        case .notAtEndOfFile: text += ", but the hunk has no trailing context and must match at the end of the file"
        case .overlapsEarlierHunk: text += ", but they were written by an earlier hunk"
        }
        return text
    }

    static func show(_ line: [UInt8]?) -> String {
        guard let line else { return "nothing" }
        let missingNewline = line.last != Bytes.newline
        return "\"\(Bytes.lineText(line))\"" + (missingNewline ? " (no newline)" : "")
    }
}

/// Why a file patch did not apply.
public enum ApplyFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A hunk matched nowhere.
    case hunkFailed(HunkMismatch)
    /// The patch changes, deletes, renames or copies a file that does not exist
    /// (git: `does not exist in index` / `No such file or directory`).
    case fileMissing(String)
    /// The patch creates (or renames/copies to) a file that already exists (git: `already exists`).
    case fileExists(String)
    /// An earlier file patch of the same patch deleted or renamed the file away
    /// (git: `path … has been renamed/deleted`).
    case renamedOrDeleted(String)
    /// The file is not of the type the patch says: a symlink where a regular file was expected,
    /// or the reverse (git: `wrong type`).
    case wrongType(String, expected: UInt32, found: UInt32)
    /// The patch changes a file's type in place (git: `new mode … does not match old mode`).
    case typeChange(String, old: UInt32, new: UInt32)
    /// A deletion whose hunks leave bytes behind: the file has more than the patch removes
    /// (git: `removal patch leaves file contents`).
    case removalLeavesContents(String, remainingBytes: Int)
    /// The file would be written below a symbolic link `link` (of the tree, or made by an
    /// earlier file patch): outside the tree, as likely as not (git: `affected file '…' is
    /// beyond a symbolic link`).
    case beyondSymlink(String, link: String)
    /// A binary patch kseries cannot apply (only a postimage already in the repository is used).
    case binaryUnsupported(String)
    /// A submodule (gitlink) change.
    case submoduleUnsupported(String)

    public var description: String {
        switch self {
        case .hunkFailed(let mismatch): return mismatch.description
        case .fileMissing(let path): return "\(path): does not exist"
        case .fileExists(let path): return "\(path): already exists"
        case .renamedOrDeleted(let path): return "\(path): was renamed or deleted by an earlier change of the same patch"
        case .wrongType(let path, let expected, let found):
            return "\(path): wrong type: the patch expects mode \(String(expected, radix: 8)), the file has \(String(found, radix: 8))"
        case .typeChange(let path, let old, let new):
            return "\(path): new mode (\(String(new, radix: 8))) does not match old mode (\(String(old, radix: 8)))"
        case .removalLeavesContents(let path, let remaining):
            return "\(path): the deletion leaves \(remaining) byte\(remaining == 1 ? "" : "s") behind"
        case .beyondSymlink(let path, let link): return "affected file '\(path)' is beyond a symbolic link ('\(link)')"
        case .binaryUnsupported(let path): return "\(path): binary patches are not supported"
        case .submoduleUnsupported(let path): return "\(path): submodule changes are not supported"
        }
    }
}

/// The verdict for one file patch.
public enum FileVerdict: Sendable, Hashable {
    /// Every hunk applied exactly where the patch said (or the patch has no hunks).
    case clean
    /// Every hunk applied; some moved (`HunkPlacement.offset` ≠ 0) or needed reduced context.
    case appliedWithOffset
    /// Not applied.
    case failed(ApplyFailure)
}

/// The outcome of one file patch.
public struct FileApplyResult: Sendable, Hashable, CustomStringConvertible {
    /// `old => new` for renames and copies, else the path.
    public var path: String
    /// The file patch's header in the patch file.
    public var location: PatchLocation
    public var verdict: FileVerdict
    /// Where each hunk landed, in order; for a failure, the hunks placed before it.
    public var placements: [HunkPlacement]
    /// The file afterwards: nil when the patch deletes it or failed.
    public var result: FileContent?
    /// What git would warn about without failing, e.g. a mode that differs from the patch's.
    public var warnings: [String]

    public init(
        path: String, location: PatchLocation, verdict: FileVerdict, placements: [HunkPlacement] = [],
        result: FileContent? = nil, warnings: [String] = []
    ) {
        self.path = path
        self.location = location
        self.verdict = verdict
        self.placements = placements
        self.result = result
        self.warnings = warnings
    }

    public var applied: Bool {
        if case .failed = verdict { return false }
        return true
    }

    public var description: String {
        switch verdict {
        case .clean: return "\(path): applied cleanly"
        case .appliedWithOffset:
            let moved = placements.filter { $0.offset != 0 || $0.reducedContext != nil }
            return "\(path): applied with " + moved.map(\.description).joined(separator: ", ")
        case .failed(.hunkFailed(let mismatch)): return "\(location): \(path): \(mismatch)"
        case .failed(let failure): return "\(location): \(failure)"
        }
    }
}
