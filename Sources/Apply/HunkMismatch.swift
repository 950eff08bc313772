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
