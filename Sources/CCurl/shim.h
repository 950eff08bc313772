#ifndef KSERIES_CCURL_SHIM_H
#define KSERIES_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* libcurl is loaded with dlopen the first time a transport needs it, not linked: linking it
   made every command (not only `send`) load it and its TLS, LDAP, Kerberos and SSH libraries
   at start-up. Swift calls only the kseries_curl_ functions below, never curl's own. */

struct kseries_curl_functions {
    void *library;
    const char *error;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

/* The table. Each object file calling these has its own copy (they are static); dlopen gives
   each the same library. */
static inline struct kseries_curl_functions *kseries_curl_table(void) {
    static struct kseries_curl_functions table;
    return &table;
}

static inline void kseries_curl_load_once(void) {
    struct kseries_curl_functions *f = kseries_curl_table();
#ifdef __APPLE__
    static const char *const names[] = {"libcurl.4.dylib", "libcurl.dylib"};
#else
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
#endif
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !f->library; i++)
        f->library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!f->library) {
        const char *why = dlerror();
        f->error = why ? why : "libcurl.so.4 not found";
        return;
    }
#define KSERIES_CURL_SYMBOL(field, name) \
    if (!(*(void **)&f->field = dlsym(f->library, name))) { f->error = "libcurl lacks " name; return; }
    KSERIES_CURL_SYMBOL(global_init, "curl_global_init")
    KSERIES_CURL_SYMBOL(easy_init, "curl_easy_init")
    KSERIES_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    KSERIES_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    KSERIES_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    KSERIES_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    KSERIES_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    KSERIES_CURL_SYMBOL(slist_append, "curl_slist_append")
    KSERIES_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef KSERIES_CURL_SYMBOL
}

/* The loaded functions, or NULL when libcurl could not be loaded (see kseries_curl_load_error). */
static inline struct kseries_curl_functions *kseries_curl(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, kseries_curl_load_once);
    struct kseries_curl_functions *f = kseries_curl_table();
    return f->error ? NULL : f;
}

/* Why libcurl could not be loaded, or NULL when it was. */
static inline const char *kseries_curl_load_error(void) {
    return kseries_curl() ? NULL : kseries_curl_table()->error;
}

static inline CURLcode kseries_curl_global_init(long flags) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->global_init(flags) : CURLE_FAILED_INIT;
}
static inline CURL *kseries_curl_easy_init(void) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_init() : NULL;
}
static inline void kseries_curl_easy_cleanup(CURL *handle) {
    struct kseries_curl_functions *f = kseries_curl();
    if (f) f->easy_cleanup(handle);
}
static inline CURLcode kseries_curl_easy_perform(CURL *handle) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_perform(handle) : CURLE_FAILED_INIT;
}
static inline const char *kseries_curl_easy_strerror(CURLcode code) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_strerror(code) : "libcurl is not loaded";
}
static inline struct curl_slist *kseries_curl_slist_append(struct curl_slist *list, const char *text) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->slist_append(list, text) : NULL;
}
static inline void kseries_curl_slist_free_all(struct curl_slist *list) {
    struct kseries_curl_functions *f = kseries_curl();
    if (f) f->slist_free_all(list);
}

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper per argument kind. */
static inline CURLcode kseries_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_setopt_read_function(CURL *handle, curl_read_callback function) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, CURLOPT_READFUNCTION, function) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_setopt_debug_function(CURL *handle, curl_debug_callback function) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_setopt(handle, CURLOPT_DEBUGFUNCTION, function) : CURLE_FAILED_INIT;
}
static inline CURLcode kseries_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    struct kseries_curl_functions *f = kseries_curl();
    return f ? f->easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}
#endif
