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
