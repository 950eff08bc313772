#ifndef KSERIES_CGIT2_SHIM_H
#define KSERIES_CGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per setting used. */

/* Keeps objects of `type` of up to `limit` bytes in libgit2's object cache (by default it
   keeps no blob, and no tree over 4 KiB), so an object read twice is inflated once. */
static inline int kseries_git_cache_objects(git_object_t type, size_t limit) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, limit);
}

/* Caps the object cache as a whole at `bytes` (libgit2's default is 256 MiB). */
static inline int kseries_git_cache_max_size(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

/* Reading an object does not hash it again to check its id (git does not either). */
static inline int kseries_git_skip_hash_verification(void) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
#endif
