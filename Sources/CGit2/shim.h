#ifndef KSERIES_CGIT2_SHIM_H
#define KSERIES_CGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic, which Swift cannot call. Keeps blobs of up to `limit` bytes
   in libgit2's object cache (it caches only commits, trees and tags by default), so a blob
   read twice is inflated and hash-checked once. */
static inline int kseries_git_cache_blobs(size_t limit) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, limit);
}
#endif
