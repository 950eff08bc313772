import CGit2

/// libgit2's global state, initialised exactly once per process before any handle exists.
enum Runtime {
    private static let initialised: Bool = {
        git_libgit2_init()
        // kseries reads the same few blobs and trees several times in a run (preconditions,
        // edits, the diffs of the state's fingerprints and of the mails): keep them once read.
        // A kernel's include/linux tree alone is 60 KiB.
        _ = kseries_git_cache_objects(GIT_OBJECT_BLOB, Runtime.cachedObjectLimit)
        _ = kseries_git_cache_objects(GIT_OBJECT_TREE, Runtime.cachedObjectLimit)
        // A few files are read twice; a long format run reads thousands once: a small cache
        // serves the first without holding the second (256 MiB by default).
        _ = kseries_git_cache_max_size(Runtime.cacheSize)
        // git trusts the objects it reads; libgit2 hashes each one again unless told not to.
        _ = kseries_git_skip_hash_verification()
        return true
    }()

    /// The largest blob or tree kept in libgit2's object cache (kernel sources are well
    /// below it; the cache as a whole stays within libgit2's 256 MiB).
    static let cachedObjectLimit = 4 << 20

    /// The whole object cache's size.
    static let cacheSize = 16 << 20

    /// Call before the first libgit2 call; cheap after the first time.
    static func ensureInitialised() {
        _ = initialised
    }
}
