import CGit2

/// libgit2's global state, initialised exactly once per process before any handle exists.
enum Runtime {
    private static let initialised: Bool = {
        git_libgit2_init()
        // kseries reads the same few blobs several times in a run (preconditions, edits, the
        // diffs of the state's fingerprints and of the mails): keep them once read.
        _ = kseries_git_cache_blobs(Runtime.cachedBlobLimit)
        return true
    }()

    /// The largest blob kept in libgit2's object cache (kernel sources are well below it;
    /// the cache as a whole stays within libgit2's 256 MiB).
    static let cachedBlobLimit = 4 << 20

    /// Call before the first libgit2 call; cheap after the first time.
    static func ensureInitialised() {
        _ = initialised
    }
}
