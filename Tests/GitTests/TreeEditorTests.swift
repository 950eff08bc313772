import Foundation
import Git
import Testing
import TestSupport

@Suite("Building trees from a base tree plus changed paths")
struct TreeEditorTests {
    /// The tree git itself builds for the same changes, through a temporary index.
    func gitTree(_ fixture: GitFixture, base: String, changes: [(path: String, blob: String?, mode: String)]) throws -> String {
        let index = "\(fixture.scratch.path)/oracle-index"
        var environment = fixture.environment
        environment["GIT_INDEX_FILE"] = index
        func git(_ arguments: [String]) throws -> String {
            try ProcessRunner.checked(["git", "-C", fixture.path] + arguments, environment: environment).stdoutText
        }
        _ = try git(["read-tree", base])
        for change in changes {
            if let blob = change.blob {
                _ = try git(["update-index", "--add", "--cacheinfo", "\(change.mode),\(blob),\(change.path)"])
            } else {
                _ = try git(["update-index", "--force-remove", change.path])
            }
        }
        return try git(["write-tree"]).trimmingCharacters(in: .newlines)
    }

    @Test("modifies, adds in new nested folders, deletes, and matches git's own tree")
    func matchesGit() throws {
        let fixture = try GitFixture()
        try fixture.commit([
            "Makefile": "all:\n", "kernel/rcu/tree.c": "int rcu;\n", "kernel/rcu/tree.h": "int h;\n",
            "virt/kvm/kvm_main.c": "int kvm;\n", "gone/only.c": "x\n",
        ])
        let repository = try Repository(at: fixture.path)
        let base = try repository.commit(try repository.commitID(forRevision: "HEAD")).treeID
        let changed = try repository.writeBlob(Array("int rcu, more;\n".utf8))
        let added = try repository.writeBlob(Array("new\n".utf8))
        let script = try repository.writeBlob(Array("#!/bin/sh\n".utf8))

        var editor = TreeEditor(repository: repository, base: base)
        editor.write(blob: changed, at: "kernel/rcu/tree.c")
        editor.write(blob: added, at: "include/linux/brand/new.h")
        editor.write(blob: script, at: "scripts/run.sh", mode: 0o100755)
        editor.remove("gone/only.c")
        let tree = try editor.commitTrees()

        let expected = try gitTree(fixture, base: base.hex, changes: [
            ("kernel/rcu/tree.c", changed.hex, "100644"), ("include/linux/brand/new.h", added.hex, "100644"),
            ("scripts/run.sh", script.hex, "100755"), ("gone/only.c", nil, "100644"),
        ])
        #expect(tree.hex == expected)
        #expect(try fixture.git("ls-tree", "--name-only", tree.hex).contains("gone") == false)
    }

    @Test("an unchanged edit set gives back the base tree")
    func noChanges() throws {
        let fixture = try GitFixture()
        try fixture.commit(["a/b/c.c": "c\n"])
        let repository = try Repository(at: fixture.path)
        let base = try repository.commit(try repository.commitID(forRevision: "HEAD")).treeID
        #expect(try TreeEditor(repository: repository, base: base).commitTrees() == base)
    }

    @Test("a path through an existing file, or with '..', is refused")
    func refusesBadPaths() throws {
        let fixture = try GitFixture()
        try fixture.commit(["file": "f\n"])
        let repository = try Repository(at: fixture.path)
        let base = try repository.commit(try repository.commitID(forRevision: "HEAD")).treeID
        let blob = try repository.writeBlob([0x0a])
        var through = TreeEditor(repository: repository, base: base)
        through.write(blob: blob, at: "file/inside.c")
        #expect(throws: GitError.self) { try through.commitTrees() }
        var dotdot = TreeEditor(repository: repository, base: base)
        dotdot.write(blob: blob, at: "../outside.c")
        #expect(throws: GitError.self) { try dotdot.commitTrees() }
    }
}
