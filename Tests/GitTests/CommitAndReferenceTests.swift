import Foundation
@testable import Git
import Testing
import TestSupport

@Suite("Commits, identities and refs")
struct CommitAndReferenceTests {
    @Test("a commit written through libgit2 reads back in git with its author, parent and message")
    func writesCommits() throws {
        let fixture = try GitFixture()
        let parent = try fixture.commit(["a.c": "a\n"])
        let repository = try Repository(at: fixture.path)
        let base = try repository.commit(try repository.commitID(forRevision: "HEAD"))
        let author = Signature(name: "Ada Kernel", email: "ada@example.org", time: 1_712_000_000, offsetMinutes: 120)
        let id = try repository.createCommit(
            tree: base.treeID, parents: [base.id], author: author, committer: author, message: "subject\n\nbody\n")
        #expect(try fixture.git("log", "-1", "--format=%an <%ae> %ad|%P|%B", "--date=raw", id.hex)
            == "Ada Kernel <ada@example.org> 1712000000 +0200|\(parent)|subject\n\nbody")
        #expect(try fixture.git("rev-parse", "HEAD") == parent)
    }

    @Test("the local offset from the C library is Foundation's, in winter, summer and now")
    func localOffset() {
        let now = Int64(Date().timeIntervalSince1970)
        for time in [now, 1_700_000_000, 1_720_000_000, 0, 2_000_000_000] {
            let foundation = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time))) / 60
            #expect(Repository.localOffsetMinutes(at: time) == Int32(foundation), "at \(time)")
        }
    }

    @Test("the identity comes from the repository's user.name and user.email")
    func identityFromConfig() throws {
        let fixture = try GitFixture()
        let repository = try Repository(at: fixture.path)
        let identity = try repository.identity(for: .author, environment: [:])
        #expect(identity.name == "Config User")
        #expect(identity.email == "config.user@example.org")
    }

    @Test("GIT_AUTHOR_* in the environment win over the configuration, as in git")
    func identityFromEnvironment() throws {
        let fixture = try GitFixture()
        let repository = try Repository(at: fixture.path)
        let identity = try repository.identity(
            for: .author,
            environment: ["GIT_AUTHOR_NAME": "Env Name", "GIT_AUTHOR_EMAIL": "env@example.org", "GIT_AUTHOR_DATE": "@1712345678 -0700"])
        #expect(identity == Signature(name: "Env Name", email: "env@example.org", time: 1_712_345_678, offsetMinutes: -420))
    }

    @Test("an unset identity is a clear error that says what to configure")
    func identityUnset() throws {
        let fixture = try GitFixture(identity: false)
        let repository = try Repository(at: fixture.path)
        // The host's global config may have an identity; an empty one in the repository wins.
        try fixture.git("config", "user.name", "")
        try fixture.git("config", "user.email", "")
        let error = #expect(throws: GitError.self) { try repository.identity(for: .author, environment: [:]) }
        #expect(error?.code == .identityUnset)
        #expect(error?.description.contains("user.name and user.email not set") == true)
    }

    @Test("a ref moves only if it still points where we last saw it")
    func compareAndSwapRefs() throws {
        let fixture = try GitFixture()
        let first = try fixture.commit(["a": "1\n"])
        let second = try fixture.commit(["a": "2\n"])
        let repository = try Repository(at: fixture.path)
        let one = try #require(ObjectID(hex: first), "\(first)"), two = try #require(ObjectID(hex: second), "\(second)")
        let name = "refs/heads/kseries/demo/v1"

        try repository.updateReference(name, to: one, expecting: nil, logMessage: "kseries: create")
        #expect(try repository.referenceTarget(name) == one)
        // Creating again "from nothing" fails: someone made it meanwhile.
        let exists = #expect(throws: GitError.self) {
            try repository.updateReference(name, to: two, expecting: nil, logMessage: "kseries: create")
        }
        #expect(exists?.code == .referenceMoved)
        // Moving from a stale value fails and leaves the ref alone.
        let stale = #expect(throws: GitError.self) {
            try repository.updateReference(name, to: two, expecting: two, logMessage: "kseries: move")
        }
        #expect(stale?.code == .referenceMoved)
        #expect(try repository.referenceTarget(name) == one)
        try repository.updateReference(name, to: two, expecting: one, logMessage: "kseries: move")
        #expect(try fixture.git("rev-parse", name) == second)
        #expect(try repository.referenceNames(matching: "refs/heads/kseries/*") == [name])
    }

    @Test("writing objects, commits and refs leaves HEAD, the index and the work tree untouched")
    func userStateUntouched() throws {
        let fixture = try GitFixture()
        try fixture.commit(["kernel/a.c": "a\n", "b.c": "b\n"])
        try fixture.scratch.write("repo/b.c", "uncommitted edit\n")
        try fixture.scratch.write("repo/untracked.c", "new\n")
        try fixture.git("add", "b.c")
        let before = try fixture.userStateDigest()

        let repository = try Repository(at: fixture.path)
        let head = try repository.commit(try repository.commitID(forRevision: "HEAD"))
        var editor = TreeEditor(repository: repository, base: head.treeID)
        editor.write(blob: try repository.writeBlob(Array("changed\n".utf8)), at: "kernel/a.c")
        let tree = try editor.commitTrees()
        let me = try repository.identity(for: .author, environment: [:])
        let commit = try repository.createCommit(tree: tree, parents: [head.id], author: me, committer: me, message: "x\n")
        try repository.updateReference("refs/heads/kseries/t/v1", to: commit, expecting: nil, logMessage: "t")

        #expect(try fixture.userStateDigest() == before)
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("a multi-valued key reads every value in order; a single value reads the last")
    func multiValued() throws {
        let fixture = try GitFixture()
        try fixture.git("config", "--add", "sendemail.to", "a@example.org")
        try fixture.git("config", "--add", "sendemail.to", "b@example.org")
        let configuration = try Repository(at: fixture.path).configurationSnapshot()
        #expect(configuration.strings("sendemail.to") == ["a@example.org", "b@example.org"])
        #expect(configuration.string("sendemail.to") == "b@example.org")
        #expect(configuration.strings("sendemail.cc") == [])
    }
}
