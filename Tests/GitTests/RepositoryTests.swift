import Foundation
import Git
import Testing
import TestSupport

@Suite("Opening repositories and reading objects")
struct RepositoryTests {
    @Test("opens a work-tree repository and a bare one")
    func opensBothKinds() throws {
        let plain = try GitFixture()
        try plain.commit(["README": "hello\n"])
        let bare = try GitFixture(bare: true)
        #expect(try Repository(at: plain.path).isBare == false)
        #expect(try Repository(at: bare.path).isBare == true)
    }

    @Test("a folder that is not a repository is a notFound error naming the path")
    func notARepository() throws {
        let scratch = try ScratchDirectory()
        let error = #expect(throws: GitError.self) { try Repository(at: scratch.path) }
        #expect(error?.code == .notFound)
        #expect(error?.description.contains(scratch.path) == true)
    }

    @Test("resolves tags, branches and relative revisions to commits")
    func resolvesRevisions() throws {
        let fixture = try GitFixture()
        let first = try fixture.commit(["a.c": "int a;\n"])
        let second = try fixture.commit(["a.c": "int a, b;\n"])
        try fixture.git("tag", "-a", "-m", "annotated", "v1", first)
        let repository = try Repository(at: fixture.path)
        #expect(try repository.commitID(forRevision: "v1").hex == first)
        #expect(try repository.commitID(forRevision: "main").hex == second)
        #expect(try repository.commitID(forRevision: "HEAD~1").hex == first)
    }

    @Test("an unknown revision is an error that names it and the repository")
    func unknownRevision() throws {
        let fixture = try GitFixture()
        try fixture.commit(["a.c": "int a;\n"])
        let repository = try Repository(at: fixture.path)
        let error = #expect(throws: GitError.self) { try repository.commitID(forRevision: "v9.9-nope") }
        #expect(error?.description.contains("'v9.9-nope' is not a known revision") == true)
        #expect(error?.description.contains(fixture.path) == true)
    }

    @Test("reads a file's bytes, id and mode at a commit, byte for byte")
    func readsFiles() throws {
        let fixture = try GitFixture()
        let bytes: [UInt8] = [0x69, 0x6e, 0x74, 0xff, 0x00, 0x0a]  // not UTF-8
        try fixture.scratch.write("repo/dir/sub/file.c", bytes: bytes)
        try fixture.git("add", "-A")
        try fixture.git("commit", "-q", "-m", "bytes")
        let repository = try Repository(at: fixture.path)
        let head = try repository.commitID(forRevision: "HEAD")
        let file = try repository.file(at: "dir/sub/file.c", inCommit: head)
        #expect(file.contents == bytes)
        #expect(file.mode == 0o100644)
        #expect(file.id.hex == (try fixture.git("rev-parse", "HEAD:dir/sub/file.c")))
        #expect(throws: GitError.self) { try repository.file(at: "dir/missing.c", inCommit: head) }
        #expect(throws: GitError.self) { try repository.file(at: "dir/sub", inCommit: head) }
    }

    @Test("writes blobs with the same ids as git hash-object")
    func writesBlobs() throws {
        let fixture = try GitFixture(bare: true)
        let repository = try Repository(at: fixture.path)
        let id = try repository.writeBlob(Array("static int x;\n".utf8))
        let expected = try fixture.gitOutput(["hash-object", "--stdin"], input: Array("static int x;\n".utf8))
        #expect(id.hex == expected.trimmingCharacters(in: .newlines))
        #expect(ObjectID(hashingBlob: Array("static int x;\n".utf8)) == id, "hashing without a repository gives the same id")
        #expect(try repository.blobContents(id) == Array("static int x;\n".utf8))
    }
}
