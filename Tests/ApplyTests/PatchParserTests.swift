@testable import Apply
import Foundation
import Testing
import TestSupport

@Suite("Reading patches: format-patch mails, mailboxes, plain diffs")
struct PatchParserTests {
    /// A repository with three commits on top of a base, and its format-patch output.
    static func series(coverLetter: Bool) throws -> (fixture: GitFixture, mbox: [UInt8]) {
        let fixture = try GitFixture()
        try fixture.commit(["kernel/sched.c": "int a;\nint b;\nint c;\n", "README": "hello\n"], message: "base")
        try fixture.commit(["kernel/sched.c": "int a;\nint B;\nint c;\n"], message: "sched: rename b\n\nBecause B is louder.\n\nSigned-off-by: Test Author <author@example.org>")
        try fixture.commit(["include/new.h": "#define NEW 1\n"], message: "add new.h")
        try fixture.git("config", "user.name", "Jörg Müller")
        try fixture.git("rm", "-q", "README")
        try fixture.git("commit", "-q", "--author=Jörg Müller <jorg@example.org>", "-m", "[tag] drop README")
        let mbox = try ProcessRunner.checked(
            ["git", "-C", fixture.path, "format-patch", "--stdout", "-3", "--subject-prefix=RFC PATCH"]
                + (coverLetter ? ["--cover-letter"] : []),
            environment: fixture.environment
        ).stdout
        return (fixture, mbox)
    }

    @Test("an mbox of format-patch mails gives one commit per mail, the cover letter skipped")
    func mailbox() throws {
        let (_, mbox) = try Self.series(coverLetter: true)
        let commits = try PatchParser.parse(mbox, name: "series.mbox")
        // Like git am, every leading [tag] goes, not only [RFC PATCH n/m].
        #expect(commits.map(\.subject) == ["sched: rename b", "add new.h", "drop README"].map { Optional($0) })
        try #require(commits.count == 3)
        #expect(commits[0].author == "Test Author <author@example.org>")
        #expect(commits[0].date == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(String(decoding: commits[0].message, as: UTF8.self) == "Because B is louder.\n\nSigned-off-by: Test Author <author@example.org>\n")
        #expect(commits[2].author == "Jörg Müller <jorg@example.org>")

        let sched = try #require(commits[0].files.first)
        #expect(sched.operation == .modify)
        #expect(sched.oldPath == "kernel/sched.c" && sched.newPath == "kernel/sched.c")
        try #require(sched.hunks.count == 1)
        #expect(sched.hunks[0].preimage == [[UInt8]("int a;\n"), [UInt8]("int b;\n"), [UInt8]("int c;\n")])
        #expect(sched.hunks[0].leadingContext == 1 && sched.hunks[0].trailingContext == 1)
        // Line numbers are those of the mailbox, cover letter included.
        let mboxLines = String(decoding: mbox, as: UTF8.self).components(separatedBy: "\n")
        try #require(mboxLines.indices.contains(sched.location.line - 1), "\(sched.location)")
        try #require(mboxLines.indices.contains(sched.hunks[0].location.line - 1), "\(sched.hunks[0].location)")
        #expect(mboxLines[sched.location.line - 1] == "diff --git a/kernel/sched.c b/kernel/sched.c")
        #expect(mboxLines[sched.hunks[0].location.line - 1].hasPrefix("@@ -1,3 +1,3 @@"))

        // The metadata is what git mailinfo (the first half of git am) reads.
        let mails = try ScratchDirectory()
        try ProcessRunner.checked(["git", "mailsplit", "-o\(mails.path)"], input: mbox)
        for (index, commit) in commits.enumerated() {
            let mail = try mails.read(String(format: "%04d", index + 2))
            let info = try ProcessRunner.checked(["git", "mailinfo", "\(mails.path)/msg", "\(mails.path)/patch"], input: mail).stdoutText
            let fields = Dictionary(uniqueKeysWithValues: info.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line.suffix(from: colon).dropFirst(2)))
            })
            #expect(commit.subject == fields["Subject"])
            #expect(commit.author == "\(fields["Author"] ?? "") <\(fields["Email"] ?? "")>")
            #expect(commit.message == (try mails.read("msg")))
        }

        let created = try #require(commits[1].files.first)
        #expect(created.operation == .create)
        #expect(created.newMode == 0o100644)
        let deleted = try #require(commits[2].files.first)
        #expect(deleted.operation == .delete)
        #expect(deleted.oldPath == "README")
    }

    @Test("a mailbox holding only a cover letter is refused")
    func coverLetterOnly() throws {
        let (_, mbox) = try Self.series(coverLetter: true)
        let text = String(decoding: mbox, as: UTF8.self)
        let cover = text.components(separatedBy: "\nFrom ").first! + "\n"
        #expect(cover.contains("[RFC PATCH 0/3]"))
        #expect(throws: PatchParseError(.coverLetterOnly(mails: 1), at: PatchLocation(file: "cover.mbox", line: 1))) {
            try PatchParser.parse(Array(cover.utf8), name: "cover.mbox")
        }
    }

    @Test("a plain git diff is one commit without metadata")
    func plainDiff() throws {
        let commits = try PatchParser.parse(Array(HunkPlacementTests.changeL6.utf8), name: "x.diff")
        try #require(commits.count == 1)
        #expect(commits[0].subject == nil && commits[0].author == nil && commits[0].message.isEmpty)
        #expect(commits[0].files.map(\.displayPath) == ["f.c"])
    }

    @Test("something that is not a patch is refused")
    func notAPatch() throws {
        #expect(throws: PatchParseError(.notAPatch, at: PatchLocation(file: "notes.txt", line: 1))) {
            try PatchParser.parse(Array("Just some notes.\nNothing to apply.\n".utf8), name: "notes.txt")
        }
        #expect(throws: PatchParseError(.notAPatch, at: PatchLocation(file: "empty", line: 1))) {
            try PatchParser.parse([], name: "empty")
        }
    }

    @Test("a hunk with fewer lines than its header says is truncated: the error names file and line")
    func truncatedHunk() throws {
        let (_, mbox) = try Self.series(coverLetter: false)
        var text = String(decoding: mbox, as: UTF8.self)
        // Cut the first mail's hunk after its second line, as a mangled mail would.
        text = text.replacingOccurrences(of: "+int B;\n int c;\n", with: "")
        let error = try #require(throws: PatchParseError.self) { try PatchParser.parse(Array(text.utf8), name: "cut.mbox") }
        guard case .truncatedHunk(let header, let headerLine, 3, 3, 2, 1) = error.kind else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(header == "@@ -1,3 +1,3 @@")
        #expect(error.location.file == "cut.mbox")
        #expect(error.location.line == headerLine + 3)
        #expect(error.description.hasPrefix("cut.mbox:\(headerLine + 3): truncated hunk \"@@ -1,3 +1,3 @@\" (line \(headerLine)): expected 3 old and 3 new lines, found 2 and 1"))
    }

    @Test("a path outside the tree is refused: .., absolute, .git")
    func unsafePaths() throws {
        for (name, path) in [("dotdot", "../etc/passwd"), ("absolute", "/etc/passwd"), ("git", ".git/config"), ("inner", "a/../../b")] {
            let diff = """
                diff --git a/\(path) b/\(path)
                --- a/\(path)
                +++ b/\(path)
                @@ -1 +1 @@
                -x
                +y

                """
            let error = try #require(throws: PatchParseError.self, "\(name)") { try parseDiff(diff, name: "\(name).patch") }
            #expect(error.location == PatchLocation(file: "\(name).patch", line: 1))
            if case .unsafePath = error.kind {} else { Issue.record("\(name): \(error)") }
        }
    }

    @Test("garbage: a hunk without a file header, a header with nothing after it, a bad line in a hunk")
    func garbage() throws {
        #expect(throws: PatchParseError(.hunkWithoutHeader, at: PatchLocation(file: "g.patch", line: 2))) {
            try parseDiff("some text\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n", name: "g.patch")
        }
        #expect(throws: PatchParseError(.onlyGarbage, at: PatchLocation(file: "g.patch", line: 1))) {
            try parseDiff("diff --git a/f.c b/f.c\nindex 1234567..89abcde 100644\nrandom words\nmore\n", name: "g.patch")
        }
        let corrupt = try #require(throws: PatchParseError.self) {
            try parseDiff("diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n?b\n c\n", name: "g.patch")
        }
        #expect(corrupt.location.line == 6)
        #expect(corrupt.kind == .corruptHunk(header: "@@ -1,3 +1,3 @@", headerLine: 4, reason: "a hunk line starts with \"?\", not ' ', '+', '-' or '\\'"))
    }

    @Test("names: quoted paths, renames with similarity, copies, modes and index lines")
    func headers() throws {
        let fixture = try GitFixture()
        try fixture.commit(["sp ace ü.c": "a\nb\nc\nd\ne\nf\n", "tool.sh": "echo\n"], message: "base")
        try fixture.git("mv", "sp ace ü.c", "moved.c")
        try Data("a\nb\nc\nd\ne\nF\n".utf8).write(to: URL(fileURLWithPath: "\(fixture.path)/moved.c"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(fixture.path)/tool.sh")
        try fixture.git("add", "-A")
        let diff = try ProcessRunner.checked(["git", "-C", fixture.path, "diff", "--cached", "-M"], environment: fixture.environment).stdout
        let files = try PatchParser.parse(diff, name: "d.patch").flatMap(\.files)
        let rename = try #require(files.first { $0.operation == .rename })
        #expect(rename.oldPath == "sp ace ü.c" && rename.newPath == "moved.c")
        #expect((50...100).contains(rename.similarity ?? 0))
        let chmod = try #require(files.first { $0.newPath == "tool.sh" })
        #expect(chmod.oldMode == 0o100644 && chmod.newMode == 0o100755 && chmod.hunks.isEmpty)

        let copy = try parseDiff("diff --git a/a.c b/b.c\nsimilarity index 100%\ncopy from a.c\ncopy to b.c\n")
        let copied = try #require(copy.first)
        #expect(copied.operation == .copy && copied.oldPath == "a.c" && copied.newPath == "b.c")
    }

    @Test("\\ No newline at end of file: the line before it has no newline")
    func noNewline() throws {
        let files = try parseDiff(FileBoundaryTests.addFinalNewline)
        let hunk = try #require(files.first?.hunks.first)
        #expect(hunk.lines == [HunkLine(.context, [UInt8]("l11\n")), HunkLine(.removed, [UInt8]("l12")), HunkLine(.added, [UInt8]("l12\n"))])
    }

    /// Found by fuzzing the shipped binary: a year with many digits overflowed an `Int` and
    /// killed the process. git's strtol saturates, so the line still separates mails.
    @Test("an mbox From line whose year has a hundred digits separates mails, as git's does, and crashes nothing")
    func hugeYearInFromLine() throws {
        let patch = "From: A <a@example.org>\nSubject: [PATCH] x\n\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
        let year = String(repeating: "9", count: 100)
        let mbox = "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 \(year)\n\(patch)"
            + "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001\n\(patch)"
        let commits = try PatchParser.parse(Array(mbox.utf8), name: "huge-year.mbox")
        #expect(commits.count == 2)
        #expect(PatchParser.isFromLine(Array("From abc Mon Sep 17 00:00:00 \(year)\n".utf8)[...]))
        #expect(!PatchParser.isFromLine(Array("From abc Mon Sep 17 00:00:00 0000000000000000000000000000000000000090\n".utf8)[...]))
    }

    @Test("in-body From: and Subject: override the mail headers; quoted-printable bodies are decoded")
    func inBodyHeaders() throws {
        let mail = """
            From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001
            From: Sender <sender@example.org>
            Date: Mon, 1 Jan 2024 00:00:00 +0000
            Subject: [PATCH v3 2/9] =?UTF-8?q?mm:=20fix=20the=20caf=C3=A9?=
            Content-Transfer-Encoding: quoted-printable

            From: Real Author <real@example.org>

            Body line with =C3=A9.
            ---
             f.c | 2 +-
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -1 +1 @@
            -a=3Db
            +a=3Dc
            --=20
            2.39.5

            """
        let commits = try PatchParser.parse(Array(mail.utf8), name: "qp.mbox")
        let commit = try #require(commits.first)
        #expect(commit.subject == "mm: fix the café")
        #expect(commit.author == "Real Author <real@example.org>")
        #expect(String(decoding: commit.message, as: UTF8.self) == "Body line with é.\n")
        let hunk = try #require(commit.files.first?.hunks.first)
        #expect(hunk.lines == [HunkLine(.removed, [UInt8]("a=b\n")), HunkLine(.added, [UInt8]("a=c\n"))])
    }

    @Test("a mail in the middle of a mailbox without a diff is skipped, and the selection names it")
    func mailWithoutDiff() throws {
        let (_, mbox) = try Self.series(coverLetter: false)
        var text = String(decoding: mbox, as: UTF8.self)
        let start = try #require(text.range(of: "diff --git a/include/new.h"), "\(text)").lowerBound
        let end = try #require(text.range(of: "\nFrom ", range: start..<text.endIndex), "\(text)").lowerBound
        text.removeSubrange(start..<end)
        let selection = try PatchParser.parseSeries(Array(text.utf8), name: "m.mbox")
        #expect(selection.commits.count == 2)
        let left = try #require(selection.left.first)
        #expect(selection.left.count == 1)
        #expect(left.entry.subject.hasSuffix("add new.h") && left.reason == "no diff in it")
        #expect(selection.report.contains { $0.contains("left m.mbox:") && $0.contains("add new.h") })
    }

    @Test("patch files are read from disk by path")
    func fromDisk() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("0001.patch", HunkPlacementTests.changeL6)
        let commits = try PatchParser.parse(contentsOf: "\(scratch.path)/0001.patch")
        let file = try #require(commits.first?.files.first)
        #expect(file.location.file == "\(scratch.path)/0001.patch")
    }
}

@Suite("Robustness and other diff formats")
struct ParserRobustnessTests {
    @Test("mangled mails (cut, lines dropped, bytes inserted) are parsed or refused, never a crash")
    func mangledInput() throws {
        let (_, mbox) = try PatchParserTests.series(coverLetter: true)
        var generator = SeededGenerator(seed: 99)
        var refused = 0
        for round in 0..<600 {
            var bytes = mbox
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 1:
                var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
                lines.remove(at: Int.random(in: 0..<lines.count, using: &generator))
                bytes = Array(lines.joined(separator: [10]))
            default:
                let garbage = (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes.insert(contentsOf: garbage, at: Int.random(in: 0...bytes.count, using: &generator))
            }
            do {
                let commits = try PatchParser.parse(bytes, name: "mangled.mbox")
                for commit in commits {
                    _ = PatchApplier().apply(commit.files) { (_: String) -> FileContent? in FileContent(bytes: text("int a;", "int b;", "int c;")) }
                }
            } catch {
                #expect(error.location.file == "mangled.mbox")
                #expect(error.location.line >= 1)
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    @Test("a traditional diff -u patch (no git header, timestamps after a tab) applies like in git")
    func traditionalDiff() throws {
        let diff = """
            --- a/f.c\t2024-01-01 00:00:00.000000000 +0000
            +++ b/f.c\t2024-01-02 00:00:00.000000000 +0000
            @@ -4,5 +4,5 @@
             l4
             l5
            -l6
            +L6
             l7
             l8

            """
        let files = try parseDiff(diff)
        let file = try #require(files.first)
        #expect(file.oldPath == "f.c" && file.newPath == "f.c" && file.operation == .modify)
        #expect(try applyBoth(diff, to: text("top") + twelve).placements == [HunkPlacement(hunk: 1, line: 5, offset: 1)])
    }

    @Test("a traditional diff from /dev/null creates the file")
    func traditionalCreation() throws {
        let diff = "--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+int x;\n"
        let outcome = try applyPatch(diff, to: [:])
        #expect(outcome.changes == [PatchApplier.Change(path: "new.c", content: FileContent(bytes: text("int x;")))])
    }

    @Test("an unreadable patch file is reported as such")
    func unreadable() {
        #expect(throws: PatchParseError(.unreadable, at: PatchLocation(file: "/nonexistent/x.patch", line: 0))) {
            try PatchParser.parse(contentsOf: "/nonexistent/x.patch")
        }
    }
}
