import Foundation
import Git

#if canImport(Glibc)
    import Glibc
#endif

/// A kernel source tree materialised from git objects into the build cache, shared by every
/// configuration built from it, and the object folders (`O=`) of those configurations.
///
/// Layout, below `<cache>/<tree id>/`:
///
/// | path | what |
/// |---|---|
/// | `lock` | held (`flock`) for the whole run; holds the owner's pid |
/// | `source/` | the tree, written from its blobs; present only once complete |
/// | `source.partial/` | a materialisation in progress (removed on the next start) |
/// | `source.journal` | the paths a run wrote over the base, one a line, written *before* them |
/// | `<arch>-<config hash>/` | one `O=` folder per configuration (see `KbuildConfiguration`) |
///
/// Crash safety: the tree is written into `source.partial/` and renamed to `source/` only when
/// complete, so a killed extraction is thrown away. Files of a patch are listed in
/// `source.journal` before they are written; a run that starts and finds the journal restores
/// those paths from the tree's own blobs, so a killed run never leaves patched sources behind.
public final class SourceWorkspace {
    public let repository: Repository
    public let treeID: ObjectID
    /// `<cache>/<tree id>`.
    public let root: String
    /// The ref the user named, for messages.
    public let ref: String
    private let lock: CacheLock
    private var written: Set<String> = []

    /// What a start had to do: nothing, restore a killed run's files, or extract the tree.
    public struct Preparation: Sendable, Equatable {
        /// Paths a killed run had left patched, now restored.
        public var restored: [String] = []
        /// Whether the tree was written out (a cold start, or a killed extraction redone).
        public var materialised = false
        /// A killed extraction that was thrown away.
        public var discardedPartial = false
    }

    /// Opens (and locks) the workspace of `treeID` below `cacheRoot`; call `prepare()` next.
    public init(cacheRoot: String, repository: Repository, treeID: ObjectID, ref: String) throws(BuildError) {
        self.repository = repository
        self.treeID = treeID
        self.ref = ref
        root = (cacheRoot as NSString).appendingPathComponent(treeID.hex)
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.io, path: root, ref: ref, message: "cannot create the build workspace: \(error.localizedDescription)")
        }
        lock = try CacheLock(path: (root as NSString).appendingPathComponent("lock"))
        _ = FileManager.default.createFile(atPath: (root as NSString).appendingPathComponent("last-used"), contents: Data("\(Date().timeIntervalSince1970)\n".utf8))
    }

    /// The materialised tree (Kbuild's source tree).
    public var sourcePath: String { (root as NSString).appendingPathComponent("source") }
    var partialPath: String { (root as NSString).appendingPathComponent("source.partial") }
    var journalPath: String { (root as NSString).appendingPathComponent("source.journal") }

    /// The `O=` folder for a configuration key (`KbuildConfiguration.key`).
    public func objectPath(key: String) -> String { (root as NSString).appendingPathComponent(key) }

    /// Repairs what a killed run left and writes the tree out if it is not there yet.
    public func prepare() throws(BuildError) -> Preparation {
        var preparation = Preparation()
        let files = FileManager.default
        if files.fileExists(atPath: partialPath) {
            try remove(partialPath)
            preparation.discardedPartial = true
        }
        if files.fileExists(atPath: sourcePath) {
            if let journal = try? String(contentsOfFile: journalPath, encoding: .utf8) {
                written = Set(journal.split(separator: "\n").map(String.init))
                preparation.restored = written.sorted()
                try restore()
            }
            return preparation
        }
        try? files.removeItem(atPath: journalPath)
        do {
            try files.createDirectory(atPath: partialPath, withIntermediateDirectories: true)
            try materialise(tree: treeID, into: partialPath)
            try files.moveItem(atPath: partialPath, toPath: sourcePath)
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(.io, path: partialPath, ref: ref, message: "cannot write the kernel tree: \(error.localizedDescription)")
        }
        preparation.materialised = true
        return preparation
    }

    /// Writes the files of one patch boundary over the tree (nil contents: the file is
    /// removed), after listing them in the journal.
    public func write(_ files: [(path: String, contents: [UInt8]?, mode: UInt32)]) throws(BuildError) {
        written.formUnion(files.map(\.path))
        try writeJournal()
        for file in files {
            let target = (sourcePath as NSString).appendingPathComponent(file.path)
            if let contents = file.contents {
                try writeFile(target, contents, mode: file.mode)
            } else {
                try? FileManager.default.removeItem(atPath: target)
            }
        }
    }

    /// Puts back the base tree's version of every file written since the last restore, then
    /// removes the journal.
    public func restore() throws(BuildError) {
        let tree: Tree
        do {
            tree = try repository.tree(treeID)
        } catch {
            throw BuildError(.git(error), path: root, ref: ref, message: error.message)
        }
        for path in written.sorted() {
            let target = (sourcePath as NSString).appendingPathComponent(path)
            do {
                if let entry = try tree.entry(atPath: path), entry.kind == .blob {
                    try writeFile(target, try repository.blobContents(entry.id), mode: entry.mode)
                } else {
                    try? FileManager.default.removeItem(atPath: target)
                }
            } catch let error as BuildError {
                throw error
            } catch let error as GitError {
                throw BuildError(.git(error), path: target, ref: ref, message: error.message)
            } catch {
                throw BuildError(.io, path: target, ref: ref, message: "\(error)")
            }
        }
        written = []
        try? FileManager.default.removeItem(atPath: journalPath)
    }

    private func writeJournal() throws(BuildError) {
        let text = written.sorted().joined(separator: "\n") + "\n"
        guard FileManager.default.createFile(atPath: journalPath, contents: Data(text.utf8)) else {
            throw BuildError(.io, path: journalPath, ref: ref, message: "cannot write the journal of patched files")
        }
    }

    private func remove(_ path: String) throws(BuildError) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw BuildError(.io, path: path, ref: ref, message: "cannot remove: \(error.localizedDescription)")
        }
    }

    /// Writes every blob of `tree` below `directory`: files with their executable bit,
    /// symlinks as symlinks; submodules become empty folders.
    private func materialise(tree id: ObjectID, into directory: String) throws(BuildError) {
        let tree: Tree
        do {
            tree = try repository.tree(id)
        } catch {
            throw BuildError(.git(error), path: directory, ref: ref, message: error.message)
        }
        for entry in tree.entries {
            let target = (directory as NSString).appendingPathComponent(entry.name)
            switch entry.kind {
            case .tree, .commit:
                guard mkdir(target, 0o755) == 0 || errno == EEXIST else {
                    throw BuildError(.io, path: target, ref: ref, message: "cannot create a folder: \(String(cString: strerror(errno)))")
                }
                if entry.kind == .tree { try materialise(tree: entry.id, into: target) }
            case .blob:
                let contents: [UInt8]
                do {
                    contents = try repository.blobContents(entry.id)
                } catch {
                    throw BuildError(.git(error), path: target, ref: ref, message: error.message)
                }
                try writeFile(target, contents, mode: entry.mode)
            case .other:
                continue
            }
        }
    }

    /// Writes a regular file (mode 100644/100755) or a symlink (120000), replacing what is there.
    private func writeFile(_ path: String, _ contents: [UInt8], mode: UInt32) throws(BuildError) {
        unlink(path)
        if mode == 0o120000 {
            let destination = String(decoding: contents, as: UTF8.self)
            guard symlink(destination, path) == 0 else {
                throw BuildError(.io, path: path, ref: ref, message: "cannot create a symlink: \(String(cString: strerror(errno)))")
            }
            return
        }
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0o111 != 0 ? 0o755 : 0o644)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0o111 != 0 ? 0o755 : 0o644)
        }
        guard descriptor >= 0 else {
            throw BuildError(.io, path: path, ref: ref, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < contents.count {
            let count = contents.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard count > 0 else {
                throw BuildError(.io, path: path, ref: ref, message: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += count
        }
    }
}
