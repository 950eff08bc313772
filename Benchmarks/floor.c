/* The floor for `kseries generate` and `kseries check`: what any libgit2 tool must do for the
 * run-loop series, and nothing more. Opens the repository, resolves a ref to its commit and
 * tree, and reads the touched blobs (their bytes are summed so the read cannot be skipped).
 * Built and run by scripts/benchmark-generate and scripts/benchmark-check:
 *
 *   cc -O2 -o floor Benchmarks/floor.c $(pkg-config --cflags --libs libgit2)
 *   floor <repository> <ref>... -- <path>...
 *
 * Every ref gets every path read. Exits 1 on any failure (a missing path included).
 */
#include <git2.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, const char *name) {
    const git_error *error = git_error_last();
    fprintf(stderr, "floor: %s %s: %s\n", what, name, error ? error->message : "failed");
    return 1;
}

int main(int argc, char **argv) {
    int separator = 0;
    for (int i = 2; i < argc; i++) if (strcmp(argv[i], "--") == 0) { separator = i; break; }
    if (argc < 4 || separator < 3 || separator == argc - 1) {
        fprintf(stderr, "usage: floor <repository> <ref>... -- <path>...\n");
        return 2;
    }
    git_libgit2_init();
    git_repository *repository = NULL;
    if (git_repository_open(&repository, argv[1]) != 0) return fail("opening", argv[1]);
    unsigned long long sum = 0;
    for (int r = 2; r < separator; r++) {
        git_object *commit = NULL;
        git_tree *tree = NULL;
        if (git_revparse_single(&commit, repository, argv[r]) != 0) return fail("resolving", argv[r]);
        git_object *peeled = NULL;
        if (git_object_peel(&peeled, commit, GIT_OBJECT_COMMIT) != 0) return fail("peeling", argv[r]);
        if (git_commit_tree(&tree, (git_commit *)peeled) != 0) return fail("reading the tree of", argv[r]);
        for (int p = separator + 1; p < argc; p++) {
            git_tree_entry *entry = NULL;
            git_blob *blob = NULL;
            if (git_tree_entry_bypath(&entry, tree, argv[p]) != 0) return fail("finding", argv[p]);
            if (git_blob_lookup(&blob, repository, git_tree_entry_id(entry)) != 0) return fail("reading", argv[p]);
            const unsigned char *bytes = git_blob_rawcontent(blob);
            git_object_size_t size = git_blob_rawsize(blob);
            for (git_object_size_t i = 0; i < size; i++) sum += bytes[i];
            git_blob_free(blob);
            git_tree_entry_free(entry);
        }
        git_tree_free(tree);
        git_object_free(peeled);
        git_object_free(commit);
    }
    printf("%llu\n", sum);
    git_repository_free(repository);
    git_libgit2_shutdown();
    return 0;
}
