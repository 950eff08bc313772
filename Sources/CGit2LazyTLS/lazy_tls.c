/*
 * libgit2's TLS stream, set up when it is first used rather than in git_libgit2_init().
 *
 * Debian's libgit2 1.5 initialises its mbedTLS stream inside git_libgit2_init(): it parses
 * every certificate of /etc/ssl/certs/ca-certificates.crt, about 7 ms and 2–7 MiB on every
 * start of every command. kseries never talks to a remote through libgit2 (send uses libcurl),
 * so release builds link libgit2 statically with these symbols wrapped (`ld --wrap`, see
 * Package.swift): git_libgit2_init() now skips that step, and the entry points that need TLS
 * run it once, first. HTTPS through libgit2 keeps working; it just pays the set-up when used.
 *
 * `ld --wrap=SYMBOL` sends every reference to SYMBOL from another object file to
 * __wrap_SYMBOL, and __real_SYMBOL to the original. libgit2.a refers to these four across
 * object files (libgit2.c.o: the init table and GIT_OPT_SET_SSL_CERT_LOCATIONS; tls.c.o:
 * the TLS stream constructors). Debug builds link the shared libgit2, where --wrap has no
 * effect: Package.swift defines KSERIES_LAZY_TLS for Linux release builds only, and without
 * it this file is empty. (The __real_ references must stay strong: a weak one would not pull
 * libgit2's mbedTLS stream out of the archive, and HTTPS would silently be gone.)
 */
#ifdef KSERIES_LAZY_TLS
#include <pthread.h>
#include <stddef.h>

struct git_stream;

extern int __real_git_mbedtls_stream_global_init(void);
extern int __real_git_mbedtls_stream_new(struct git_stream **out, const char *host, const char *port);
extern int __real_git_mbedtls_stream_wrap(struct git_stream **out, struct git_stream *in, const char *host);
extern int __real_git_mbedtls__set_cert_location(const char *file, const char *path);

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_result;

static void tls_initialise(void) {
    tls_result = __real_git_mbedtls_stream_global_init();
}

/* The real initialisation, exactly once; its result (0, or -1 with libgit2's error set by
   the first attempt) for every caller. */
static int tls_ready(void) {
    pthread_once(&tls_once, tls_initialise);
    return tls_result;
}

int __wrap_git_mbedtls_stream_global_init(void) {
    return 0;
}

int __wrap_git_mbedtls_stream_new(struct git_stream **out, const char *host, const char *port) {
    int error = tls_ready();
    return error ? error : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(struct git_stream **out, struct git_stream *in, const char *host) {
    int error = tls_ready();
    return error ? error : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path) {
    int error = tls_ready();
    return error ? error : __real_git_mbedtls__set_cert_location(file, path);
}
#endif
