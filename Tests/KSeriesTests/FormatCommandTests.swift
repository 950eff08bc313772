import Foundation
import KSeries
import Testing
import TestSupport

/// `kseries format` run as a user runs it: finding the repository, the folder and mailbox it
/// writes, `git am` and `b4 am` on that mailbox, and every refusal as one line on stderr with
/// nothing written.
@Suite("kseries format, end to end")
struct FormatCommandTests {

    /// A short history `git am` can replay: a rename, binaries, a mode change, a symlink, an
    /// empty commit, UTF-8 and Latin-1 authors.
    static func replayableHistory() throws -> FormatHistory {
        let history = try FormatHistory()
        try history.write("a.c", (1...20).map { "int a\($0);\n" }.joined())
        try history.write("data.bin", bytes: [0, 1, 2, 3, 0xFF])
        try history.write("tool.sh", "echo\n")
        try history.commit("base")
        try history.fixture.git("tag", "base")
        try history.move("a.c", "b.c")
        try history.write("b.c", (1...20).map { $0 == 3 ? "int three;\n" : "int a\($0);\n" }.joined())
        try history.commit("rename a.c to b.c")
        try history.write("data.bin", bytes: [0, 1, 2, 3, 4, 0xFF])
        try history.write("new.bin", bytes: [0, 9, 9])
        try history.chmod("tool.sh", executable: true)
        try history.commit("binaries and a mode", author: ("Jörg Ümlaut", "joerg@example.org"))
        try history.commit("nothing at all")
        try history.symlink("link", to: "b.c")
        try history.commit("a symlink\n\nWith a body.\n\nSigned-off-by: Test Author <author@example.org>")
        try history.write("b.c", (1...20).map { "int a\($0);\n" }.joined() + "int end;\n")
        try history.rawCommit(
            authorLine: Array("L".utf8) + [0xE9] + Array("a <lea@example.org> 1700009000 +0200".utf8), encoding: "ISO-8859-1",
            message: Array("b.c: one more for L".utf8) + [0xE9] + Array("a\n".utf8))
        return history
    }

    func run(_ arguments: [String], in directory: String, history: FormatHistory) throws -> ProcessOutput {
        var environment = history.fixture.environment
        environment["KSERIES_MESSAGE_ID_TIME"] = "1700000000"
        return try KSeriesBinary.run(["format"] + arguments, in: directory, environment: environment)
    }

    @Test("finds the repository from a sub-folder, writes the files and series.mbox, and says what it wrote")
    func fromSubfolder() throws {
        let history = try Self.replayableHistory()
        try FileManager.default.createDirectory(atPath: "\(history.path)/sub/dir", withIntermediateDirectories: true)
        let output = try run(["base..HEAD", "-o", "../../../out"], in: "\(history.path)/sub/dir", history: history)
        #expect(output.status == 0, "\(output.stderrText)")
        let folder = "\(history.fixture.scratch.path)/out"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == [
            "0001-rename-a.c-to-b.c.patch", "0002-binaries-and-a-mode.patch", "0003-nothing-at-all.patch",
            "0004-a-symlink.patch", "0005-b.c-one-more-for-L-a.patch", "series.mbox",
        ])
        #expect(output.stdoutText.hasPrefix("wrote 5 mails to ../../../out/\n  0001-rename-a.c-to-b.c.patch\n"))
        #expect(output.stdoutText.hasSuffix("  series.mbox\n"))
        #expect(output.stderrText.contains("warning: commit ") && output.stderrText.contains("changes nothing"))
        #expect(try history.fixture.scratch.read("out/0003-nothing-at-all.patch").isEmpty)
    }

    @Test("a bare repository works with --tree and from inside it")
    func bareRepository() throws {
        let history = try Self.replayableHistory()
        let bare = try history.bareClone()
        let outside = try run(["--tree", bare, "-2", "-o", "\(history.fixture.scratch.path)/one"], in: history.fixture.scratch.path, history: history)
        #expect(outside.status == 0, "\(outside.stderrText)")
        let inside = try run(["-2", "-o", "\(history.fixture.scratch.path)/two"], in: bare, history: history)
        #expect(inside.status == 0, "\(inside.stderrText)")
        #expect(try history.fixture.scratch.read("one/series.mbox") == (try history.fixture.scratch.read("two/series.mbox")))
    }

    @Test("series.mbox is the mails in order; with --thread exactly the files concatenated")
    func mailboxContents() throws {
        let history = try Self.replayableHistory()
        let scratch = history.fixture.scratch
        #expect(try run(["--thread", "--cover-letter", "base", "-o", "\(scratch.path)/t"], in: history.path, history: history).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/t").sorted().filter { $0.hasSuffix(".patch") }
        let concatenated = try names.flatMap { try scratch.read("t/\($0)") }
        #expect(try scratch.read("t/series.mbox") == concatenated)

        // Without --thread the files have no Message-Id; the mailbox's mails get git's
        // shallow-thread ids, which b4 needs, and are otherwise the same.
        #expect(try run(["base", "-o", "\(scratch.path)/u"], in: history.path, history: history).status == 0)
        let mailbox = String(decoding: try scratch.read("u/series.mbox"), as: UTF8.self)
        let withoutThreading = mailbox.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("Message-Id: ") && !$0.hasPrefix("In-Reply-To: ") && !$0.hasPrefix("References: ") }
            .joined(separator: "\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/u").sorted().filter { $0.hasSuffix(".patch") }
        #expect(withoutThreading == String(decoding: try files.flatMap { try scratch.read("u/\($0)") }, as: UTF8.self))
        #expect(mailbox.components(separatedBy: "\nMessage-Id: <").count - 1 == 4)
        #expect(mailbox.split(separator: "\n").filter { $0.hasPrefix("From ") }.allSatisfy { $0.hasSuffix(" Mon Sep 17 00:00:00 2001") })
    }

    @Test("git am of series.mbox on a scratch work tree rebuilds the tip tree")
    func gitAmReplays() throws {
        let history = try Self.replayableHistory()
        let scratch = history.fixture.scratch
        #expect(try run(["--cover-letter", "base", "-o", "\(scratch.path)/out"], in: history.path, history: history).status == 0)
        let replay = try gitWorkTree(history, at: "base")
        try ProcessRunner.checked(
            ["git", "-C", replay, "am", "-q", "--empty=drop", "\(scratch.path)/out/series.mbox"], environment: history.fixture.environment)
        #expect(try history.fixture.git("rev-parse", "HEAD^{tree}") == gitText(replay, history, "rev-parse", "HEAD^{tree}"))
        #expect(try gitText(replay, history, "log", "-1", "--format=%an") == "Léa")
        #expect(try gitText(replay, history, "rev-list", "--count", "base..HEAD") == "4")
    }

    @Test("b4 am -m accepts series.mbox offline, and git am applies what b4 makes of it")
    func b4Accepts() throws {
        let history = try Self.replayableHistory()
        let scratch = history.fixture.scratch
        #expect(try run(["--cover-letter", "base", "-o", "\(scratch.path)/out"], in: history.path, history: history).status == 0)
        let replay = try gitWorkTree(history, at: "base")
        try FileManager.default.createDirectory(atPath: "\(scratch.path)/b4", withIntermediateDirectories: true)
        // b4 reads user.name/user.email from the repository it runs in and needs no network
        // with --offline-mode.
        let b4 = try ProcessRunner.run(
            ["b4", "--offline-mode", "-n", "am", "-m", "\(scratch.path)/out/series.mbox", "-o", "\(scratch.path)/b4"],
            in: replay, environment: history.fixture.environment)
        #expect(b4.status == 0, "\(b4.stderrText)\(b4.stdoutText)")
        #expect(b4.stderrText.contains("Total patches: 4"), "\(b4.stderrText)")
        let made = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/b4").filter { $0.hasSuffix(".mbx") }
        #expect(made.count == 1)
        try ProcessRunner.checked(
            ["git", "-C", replay, "am", "-q", "\(scratch.path)/b4/\(made.first ?? "")"], environment: history.fixture.environment)
        #expect(try history.fixture.git("rev-parse", "HEAD^{tree}") == gitText(replay, history, "rev-parse", "HEAD^{tree}"))
    }

    @Test("generate writes series.mbox too, and git am applies it")
    func generateMailbox() throws {
        let setup = try GenerateCommandTests.Setup()
        #expect(try setup.generate().status == 0)
        let mailbox = "\(setup.workDirectory)/patches/demo/v1/series.mbox"
        let text = try String(contentsOfFile: mailbox, encoding: .utf8)
        #expect(text.hasPrefix("From "))
        #expect(text.contains("Message-Id: <cover."))
        let replay = "\(setup.fixture.scratch.path)/replay"
        try ProcessRunner.checked(["git", "clone", "-q", setup.fixture.path, replay], environment: setup.fixture.environment)
        try ProcessRunner.checked(["git", "-C", replay, "am", "-q", "--empty=drop", mailbox], environment: setup.fixture.environment)
        let expected = try setup.fixture.git("rev-parse", "refs/heads/kseries/demo/v1^{tree}")
        let applied = try ProcessRunner.checked(["git", "-C", replay, "rev-parse", "HEAD^{tree}"], environment: setup.fixture.environment)
        #expect(applied.stdoutText.trimmingCharacters(in: .newlines) == expected)
    }

    @Test("a folder holding other files is refused unless --force; a previous series is replaced")
    func outputFolder() throws {
        let history = try Self.replayableHistory()
        let scratch = history.fixture.scratch
        let folder = "\(scratch.path)/out"
        try scratch.write("out/notes.txt", "mine\n")
        expectFailure(try run(["-2", "-o", folder], in: history.path, history: history), "holds files that are not a patch series (notes.txt)", "--force")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["notes.txt"])
        #expect(try run(["-2", "-o", folder, "--force"], in: history.path, history: history).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/notes.txt"))
        // A folder of a previous series is replaced whole: the v1 files go.
        #expect(try run(["-1", "-v", "2", "-o", folder], in: history.path, history: history).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["series.mbox", "v2-0001-b.c-one-more-for-L-a.patch"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix(".out.") }.isEmpty)
    }

    /// The error contract: non-zero exit, one `kseries: error:` line naming `expected`, and
    /// no output folder.
    func expectFailure(_ output: ProcessOutput, _ expected: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status != 0, sourceLocation: sourceLocation)
        let lines = output.stderrText.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(output.stderrText)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("kseries: error: ") == true, "stderr: \(output.stderrText)", sourceLocation: sourceLocation)
        for text in expected {
            #expect(output.stderrText.contains(text), "stderr lacks \(text): \(output.stderrText)", sourceLocation: sourceLocation)
        }
        #expect(output.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("bad ranges and options are one-line errors that write nothing")
    func refusals() throws {
        let history = try Self.replayableHistory()
        let folder = "\(history.fixture.scratch.path)/never"
        func format(_ arguments: String...) throws -> ProcessOutput {
            try run(arguments + ["-o", folder], in: history.path, history: history)
        }
        expectFailure(try format("HEAD..HEAD"), "HEAD..HEAD selects no commits to format")
        expectFailure(try format("nope..HEAD"), "nope does not name a commit")
        expectFailure(try format("base...HEAD"), "symmetric ranges")
        expectFailure(try format(), "no revision range given")
        expectFailure(try format("--thread=sideways", "-1"), "invalid --thread style 'sideways'")
        expectFailure(try format("--bogus", "-1"), "unknown option '--bogus'")
        expectFailure(try format("--base=HEAD", "-1"), "--base: HEAD is one of the commits being formatted")
        expectFailure(try format("--base=HEAD", "base..HEAD~1"), "--base: HEAD is not an ancestor of the series")
        expectFailure(try format("--to=a@example.org\nBcc: x@example.org", "-1"), "--to", "line breaks")
        expectFailure(try format("--in-reply-to=<>", "-1"), "--in-reply-to '<>': holds no message id")
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test("a merge in the range is refused, naming it; --no-merges skips it as git does")
    func merges() throws {
        let history = try Self.replayableHistory()
        try history.fixture.git("checkout", "-q", "-b", "side", "base")
        try history.write("side.txt", "side\n")
        try history.commit("side commit")
        try history.fixture.git("checkout", "-q", "main")
        try history.fixture.git("merge", "-q", "--no-edit", "side")
        let merge = try history.fixture.git("rev-parse", "HEAD")
        let folder = "\(history.fixture.scratch.path)/out"
        expectFailure(
            try run(["base..HEAD", "-o", folder], in: history.path, history: history),
            "contains merge commit \(merge.prefix(12))", "--no-merges")
        #expect(!FileManager.default.fileExists(atPath: folder))
        let skipped = try run(["base..HEAD", "--no-merges", "-o", folder], in: history.path, history: history)
        #expect(skipped.status == 0, "\(skipped.stderrText)")
        #expect(skipped.stderrText.contains("skipped merge commit \(merge.prefix(12))"))
        #expect(skipped.stdoutText.hasPrefix("wrote 6 mails"))
    }

    @Test("a commit whose headers cannot be encoded is refused, naming it")
    func unencodableHeaders() throws {
        let history = try Self.replayableHistory()
        try history.write("b.c", "changed\n")
        let latin1 = try history.rawCommit(
            authorLine: Array("L".utf8) + [0xE9] + Array("a <lea@example.org> 1700009000 +0200".utf8), encoding: nil,
            message: Array("no declared encoding\n".utf8))
        let folder = "\(history.fixture.scratch.path)/out"
        expectFailure(
            try run(["-1", "-o", folder], in: history.path, history: history),
            "commit \(latin1.prefix(12)): the author name is not UTF-8 and the commit declares no encoding")
        try history.write("b.c", "changed again\n")
        let address = try history.commit("odd address", author: ("Ana", "ana@exämple.org"))
        expectFailure(
            try run(["-1", "-o", folder], in: history.path, history: history),
            "commit \(address.prefix(12)): the author address 'ana@exämple.org'")
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test("a repository whose log output encoding is not UTF-8 is refused")
    func outputEncoding() throws {
        let history = try Self.replayableHistory()
        try history.fixture.git("config", "i18n.commitEncoding", "ISO-8859-1")
        expectFailure(
            try run(["-1", "-o", "\(history.fixture.scratch.path)/out"], in: history.path, history: history),
            "i18n.commitEncoding: set to ISO-8859-1", "kseries writes UTF-8 only")
        try history.fixture.git("config", "i18n.logOutputEncoding", "UTF-8")
        #expect(try run(["-1", "-o", "\(history.fixture.scratch.path)/out"], in: history.path, history: history).status == 0)
    }

    // MARK: - Helpers

    /// A clone of the history with a work tree, at `revision`, with an identity for git am.
    func gitWorkTree(_ history: FormatHistory, at revision: String) throws -> String {
        let path = "\(history.fixture.scratch.path)/replay"
        try ProcessRunner.checked(["git", "clone", "-q", history.path, path], environment: history.fixture.environment)
        try ProcessRunner.checked(["git", "-C", path, "checkout", "-q", "-b", "replay", revision], environment: history.fixture.environment)
        try ProcessRunner.checked(["git", "-C", path, "config", "user.name", "Replay User"], environment: history.fixture.environment)
        try ProcessRunner.checked(["git", "-C", path, "config", "user.email", "replay@example.org"], environment: history.fixture.environment)
        return path
    }

    func gitText(_ repository: String, _ history: FormatHistory, _ arguments: String...) throws -> String {
        try ProcessRunner.checked(["git", "-C", repository] + arguments, environment: history.fixture.environment)
            .stdoutText.trimmingCharacters(in: .newlines)
    }
}
