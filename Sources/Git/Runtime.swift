import CGit2

/// libgit2's global state, initialised exactly once per process before any handle exists.
enum Runtime {
    private static let initialised: Bool = {
        git_libgit2_init()
        // git trusts the objects it reads; libgit2 hashes each one again unless told not to.
        _ = kseries_git_skip_hash_verification()
        return true
    }()

    /// Call before the first libgit2 call; cheap after the first time.
    static func ensureInitialised() {
        _ = initialised
    }
}
