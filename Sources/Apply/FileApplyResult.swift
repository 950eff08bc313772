/// A file's bytes and git mode (`0o100644`, `0o100755`, `0o120000` for a symlink).
public struct FileContent: Sendable, Hashable {
    public var bytes: [UInt8]
    public var mode: UInt32

    public init(bytes: [UInt8], mode: UInt32 = 0o100644) {
        self.bytes = bytes
        self.mode = mode
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
