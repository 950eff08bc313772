import Git

/// Applies the file patches of one patch (one mail, one `git apply` run) to a set of files, with
/// the file-level rules of `git apply --cached` (apply.c's `check_patch` and `apply_data`):
///
/// - a created file must not exist; a changed, deleted, renamed or copied one must;
/// - no file is written beyond a symbolic link (`tmp -> ../..` then `tmp/foo`);
/// - a deletion must remove every byte; a mode the patch does not expect is a warning, a
///   type (regular file vs symlink) it does not expect is an error;
/// - a second file patch of the same path applies on top of the first one's result; a path
///   an earlier file patch deleted or renamed away cannot be patched again;
/// - the patch applies as a whole or not at all: every file is checked, and `changes` is
///   empty unless all applied.
public struct PatchApplier: Sendable {
    public var options: ApplyOptions

    public init(options: ApplyOptions = ApplyOptions()) {
        self.options = options
    }

    /// A file's new state after the patch: its content, or nil when it is removed.
    public struct Change: Sendable, Hashable {
        public var path: String
        public var content: FileContent?

        public init(path: String, content: FileContent?) {
            self.path = path
            self.content = content
        }
    }

    /// The outcome of one patch.
    public struct Outcome: Sendable, Hashable {
        /// One result per file patch, in order.
        public var files: [FileApplyResult]
        /// The paths to write (content) or remove (nil), in git's order (removals first); empty
        /// when any file failed.
        public var changes: [Change]

        public var applied: Bool { files.allSatisfy(\.applied) }
    }

    /// How a binary patch's postimage may be found: given the full 40-hex blob id of the
    /// postimage, its bytes, or nil when unknown. `TreeApplier` reads the repository.
    public typealias BlobLookup = (String) -> [UInt8]?

    /// Applies `files` to the files `read` returns (nil for a path that does not exist).
    public func apply<Failure: Error>(
        _ files: [FilePatch], reading read: (String) throws(Failure) -> FileContent?, blobs: BlobLookup? = nil
    ) throws(Failure) -> Outcome {
        var table: [String: PathState] = [:]
        for file in files where file.newPath == nil || file.operation == .rename {
            if let old = file.oldPath { table[old] = .toBeDeleted }
        }
        var results: [FileApplyResult] = []
        var written: [(FilePatch, FileContent?)] = []
        for file in files {
            let result = try check(file, table: &table, read: read, blobs: blobs)
            results.append(result)
            if result.applied { written.append((file, result.result)) }
        }
        guard results.allSatisfy(\.applied) else { return Outcome(files: results, changes: []) }
        // write_out_results: phase 0 removes, phase 1 creates.
        var changes: [Change] = []
        for (file, _) in written where file.operation != .create && file.operation != .copy {
            if let old = file.oldPath { changes.append(Change(path: old, content: nil)) }
        }
        for (file, content) in written where file.operation != .delete {
            if let new = file.newPath { changes.append(Change(path: new, content: content)) }
        }
        return Outcome(files: results, changes: changes)
    }

    /// What earlier file patches of the same patch did to a path (git's `fn_table`).
    private enum PathState {
        case result(FileContent)
        case wasDeleted
        case toBeDeleted
    }

    private static let typeMask: UInt32 = 0o170000
    private static let gitlinkMode: UInt32 = 0o160000
    private static let symlinkMode: UInt32 = 0o120000

    private func check<Failure: Error>(
        _ file: FilePatch, table: inout [String: PathState], read: (String) throws(Failure) -> FileContent?,
        blobs: BlobLookup?
    ) throws(Failure) -> FileApplyResult {
        let display = file.displayPath
        func failed(_ failure: ApplyFailure, placed: [HunkPlacement] = []) -> FileApplyResult {
            FileApplyResult(path: display, location: file.location, verdict: .failed(failure), placements: placed)
        }
        var warnings: [String] = []
        var isNew = file.operation == .create
        var oldPath = file.oldPath
        var oldMode = file.oldMode
        var newMode = file.newMode
        var preimage: FileContent?

        // check_preimage
        if let old = oldPath {
            var previous: PathState?
            if file.operation != .rename && file.operation != .copy { previous = table[old] }
            switch previous {
            case .wasDeleted?:
                return failed(.renamedOrDeleted(old))
            case .result(let content)?:
                preimage = content
            case .toBeDeleted?, nil:
                preimage = try read(old)
            }
            if let current = preimage {
                if oldMode == nil { oldMode = current.mode }
                if let expected = oldMode, (expected ^ current.mode) & Self.typeMask != 0 {
                    return failed(.wrongType(old, expected: expected, found: current.mode))
                }
                if let expected = oldMode, expected != current.mode {
                    warnings.append("\(old) has type \(String(current.mode, radix: 8)), expected \(String(expected, radix: 8))")
                }
                if newMode == nil && file.operation != .delete { newMode = current.mode }
            } else if file.creationIsGuessed {
                isNew = true
                oldPath = nil
            } else {
                return failed(.fileMissing(old))
            }
        }

        // check_patch: the target of a creation, rename or copy must be free.
        if let new = file.newPath, isNew || file.operation == .rename || file.operation == .copy {
            var okIfExists = false
            switch table[new] {
            case .wasDeleted?, .toBeDeleted?: okIfExists = true
            default: break
            }
            if !okIfExists, try read(new) != nil { return failed(.fileExists(new)) }
            if newMode == nil { newMode = isNew ? 0o100644 : oldMode }
        }
        if let new = file.newPath, oldPath != nil {
            if newMode == nil { newMode = oldMode }
            if let old = oldMode, let newValue = newMode, (old ^ newValue) & Self.typeMask != 0 {
                return failed(.typeChange(new, old: old, new: newValue))
            }
        }
        if (oldMode ?? 0) & Self.typeMask == Self.gitlinkMode || (newMode ?? 0) & Self.typeMask == Self.gitlinkMode {
            return failed(.submoduleUnsupported(display))
        }
        if let new = file.newPath, let link = try symlinkAbove(new, table: table, read: read) {
            return failed(.beyondSymlink(new, link: link))
        }

        // apply_data
        let source = preimage?.bytes ?? []
        var bytes: [UInt8]
        var placements: [HunkPlacement] = []
        if file.binary != nil {
            guard let resolved = resolveBinary(file, preimage: oldPath == nil ? nil : source, blobs: blobs) else {
                return failed(.binaryUnsupported(display))
            }
            bytes = resolved
        } else {
            switch HunkApplier(options: options).apply(file.hunks, to: source) {
            case .applied(let result, let placed):
                bytes = result
                placements = placed
            case .failed(let mismatch, let placed):
                return failed(.hunkFailed(mismatch), placed: placed)
            }
        }
        let mode = newMode ?? 0o100644
        if let new = file.newPath { table[new] = .result(FileContent(bytes: bytes, mode: mode)) }
        if file.newPath == nil || file.operation == .rename, let old = oldPath { table[old] = .wasDeleted }
        if file.operation == .delete && !bytes.isEmpty {
            return failed(.removalLeavesContents(display, remainingBytes: bytes.count), placed: placements)
        }
        let moved = placements.contains { $0.offset != 0 || $0.reducedContext != nil }
        return FileApplyResult(
            path: display, location: file.location, verdict: moved ? .appliedWithOffset : .clean, placements: placements,
            result: file.operation == .delete ? nil : FileContent(bytes: bytes, mode: mode), warnings: warnings)
    }

    /// apply.c's `path_is_beyond_symlink`: the nearest leading directory of `path` that is a
    /// symbolic link, after what the earlier file patches of this patch did (a link they
    /// create counts, one they delete does not); nil when there is none.
    private func symlinkAbove<Failure: Error>(
        _ path: String, table: [String: PathState], read: (String) throws(Failure) -> FileContent?
    ) throws(Failure) -> String? {
        var prefix = Substring(path)
        while let slash = prefix.lastIndex(of: "/") {
            prefix = prefix[..<slash]
            let directory = String(prefix)
            switch table[directory] {
            case .result(let content)?:
                if content.mode & Self.typeMask == Self.symlinkMode { return directory }
            case .wasDeleted?, .toBeDeleted?:
                continue
            case nil:
                if let content = try read(directory), content.mode & Self.typeMask == Self.symlinkMode { return directory }
            }
        }
        return nil
    }

    /// git's shortcut for binary patches (`apply_binary`): with full blob ids on the `index`
    /// line, a preimage that hashes to the old id, and a postimage already known, the result is
    /// that postimage (or nothing, for a deletion).
    private func resolveBinary(_ file: FilePatch, preimage: [UInt8]?, blobs: BlobLookup?) -> [UInt8]? {
        guard let old = file.oldBlobPrefix, let new = file.newBlobPrefix, old.count == 40, new.count == 40 else {
            return nil
        }
        if let preimage {
            guard ObjectID(hashingBlob: preimage).hex == old.lowercased() else { return nil }
        } else if old != String(repeating: "0", count: 40) {
            return nil
        }
        if new == String(repeating: "0", count: 40) { return [] }
        return blobs?(new.lowercased())
    }
}
