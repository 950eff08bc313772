import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock(2)` on a workspace's `lock` file, holding the owner's pid for the
/// message another run prints. The kernel drops the lock when the process dies, so a killed
/// run never leaves a stale lock behind.
public final class CacheLock {
    private let descriptor: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock or throws `BuildError.Code.locked` naming the pid that holds it.
    public init(path: String) throws(BuildError) {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BuildError(.io, path: path, message: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw BuildError(
                .locked(holder: holder), path: path,
                message: "another kseries run (\(holder.isEmpty ? "pid unknown" : holder)) is using this build workspace; wait for it to finish")
        }
        self.descriptor = descriptor
        let owner = Array("pid \(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = owner.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Whether some process holds the lock on `path` right now (for trimming).
    public static func isHeld(_ path: String) -> Bool {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
