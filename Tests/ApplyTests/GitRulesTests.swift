import Apply
import Foundation
import Git
import Testing
import TestSupport

/// One case each of the rules issue 16 names, with git's own verdict next to kseries' message.
@Suite("git's rules for mail, paths and corrupt input, one case each")
struct GitRulesTests {
    /// git apply --cached on a tree holding `files`; returns (applied, stderr).
    static func gitApply(_ patch: String, files: [String: FileContent]) throws -> (Bool, String) {
        let run = try OracleRun.run(OracleCase(name: "case", kind: "one", files: files, input: .patch(Array(patch.utf8))))
        return (run.gitApplied, run.gitLog)
    }

    static func ours(_ patch: String, files: [String: FileContent], name: String = "case.patch") throws -> PatchApplier.Outcome {
        PatchApplier().apply(try PatchParser.parse(Array(patch.utf8), name: name).flatMap(\.files)) { (path: String) -> FileContent? in files[path] }
    }

    static let mail = """
        From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
        From: Jane Doe <jane@example.org>
        Date: Mon, 24 Nov 2025 16:00:00 +0000
        Subject: [PATCH] f: change b

        Change b.
        ---
        diff --git a/f b/f
        --- a/f
        +++ b/f
        @@ -1,3 +1,3 @@ int main(void)
         a
        -b
        +B
         c
        -- 
        2.39.5

        """

    @Test("a CRLF mail applies as git am applies it; a CRLF file the LF patch misses gets a line-ending hint")
    func crlfMail() throws {
        let crlf = Array(Self.mail.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let run = try OracleRun.run(OracleCase(name: "crlf.eml", kind: "crlf", files: ["f": FileContent(bytes: text("a", "b", "c"))], input: .mailbox(crlf)))
        #expect(run.gitApplied && run.oursApplied && run.gitTree == run.ourTree, "\(run.summary)")
        let commit = try #require(try PatchParser.parse(crlf, name: "crlf.eml").first)
        #expect(commit.subject == "f: change b")
        #expect(String(decoding: commit.message, as: UTF8.self) == "Change b.\n")

        // The tree has CRLF lines: git am fails too; kseries says why.
        let crlfFile = FileContent(bytes: Array("a\r\nb\r\nc\r\n".utf8))
        let failing = try OracleRun.run(OracleCase(name: "crlf.eml", kind: "crlf", files: ["f": crlfFile], input: .mailbox(crlf)))
        #expect(!failing.gitApplied && !failing.oursApplied)
        let result = PatchApplier().apply(commit.files) { (_: String) -> FileContent? in crlfFile }
        let file = try #require(result.files.first)
        #expect(file.description.contains("hint: line endings differ: the file has CRLF (\\r\\n) line endings and the patch LF"), "\(file)")
        // The label shows the hunk's function context without the mail's \r.
        #expect(file.description.contains("(@@ -1,3 +1,3 @@ int main(void), crlf.eml:11)"), "\(file)")
        #expect(!file.description.contains("\r"))
    }

    @Test("a format=flowed mail is unflowed as git am does: soft breaks joined, stuffing removed")
    func flowedMail() throws {
        let flowed = Self.mail
            .replacingOccurrences(of: "Subject: [PATCH] f: change b\n", with: "Subject: [PATCH] f: change b\nContent-Type: text/plain; charset=UTF-8; format=flowed\n")
            .replacingOccurrences(of: "Change b.\n", with: "Change b, in a message line the client \nwrapped.\n")
            .replacingOccurrences(of: "\n a\n-b\n+B\n c\n", with: "\n  a\n-b\n+B which is \nlong\n  c\n")
        let run = try OracleRun.run(OracleCase(name: "flowed.eml", kind: "flowed", files: ["f": FileContent(bytes: text("a", "b", "c"))], input: .mailbox(Array(flowed.utf8))))
        #expect(run.gitApplied && run.oursApplied && run.gitTree == run.ourTree, "\(run.summary)")
        let commit = try #require(try PatchParser.parse(Array(flowed.utf8), name: "flowed.eml").first)
        #expect(String(decoding: commit.message, as: UTF8.self) == "Change b, in a message line the client wrapped.\n")
        #expect(commit.files.first?.hunks.first?.postimage == [[UInt8]("a\n"), [UInt8]("B which is long\n"), [UInt8]("c\n")])
    }

    @Test("a mailbox's folder data and mails without a diff are skipped and named, as git am skips them")
    func mixedMailbox() throws {
        let mbox = OracleCorpus.folderData + Self.mail + "\n" + """
            From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
            From: Reviewer <rev@example.org>
            Subject: a note, no patch

            Nothing to apply here.

            """
        let selection = try PatchParser.parseSeries(Array(mbox.utf8), name: "mixed.mbox")
        #expect(selection.commits.map(\.subject) == ["f: change b"])
        #expect(selection.left.map(\.reason) == ["mail client's folder data", "no diff in it"])
        #expect(selection.report.first == "took the series: 1 patch")
        #expect(selection.report.contains("  left mixed.mbox:1 \"DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\": mail client's folder data"), "\(selection.report)")
    }

    @Test("a multipart mail whose boundary never appears is corrupt; git am finds no patch in it either")
    func lostBoundary() throws {
        let mail = OracleCorpus.multipart(Self.mail, boundaryAppears: false, quotedPrintable: false)
        let run = try OracleRun.run(OracleCase(name: "lost.eml", kind: "multipart", files: ["f": FileContent(bytes: text("a", "b", "c"))], input: .mailbox(Array(mail.utf8))))
        #expect(!run.gitApplied && run.gitLog.contains("Patch is empty"), "\(run.gitLog)")
        let error = try #require(throws: PatchParseError.self) { try PatchParser.parse(Array(mail.utf8), name: "lost.eml") }
        #expect(error.description.hasPrefix("lost.eml:1: corrupt mail: its multipart boundary \"=-kseries-"), "\(error)")
        #expect(error.description.hasSuffix("\" never appears"))
    }

    @Test("a symlink, then a file beyond it: refused with git's words")
    func beyondSymlink() throws {
        let patch = OracleCorpus.creation("tmp", ["../.."], mode: "120000", noNewline: true) + OracleCorpus.creation("tmp/foo", ["x"])
        let (gitApplied, log) = try Self.gitApply(patch, files: [:])
        #expect(!gitApplied && log.contains("affected file 'tmp/foo' is beyond a symbolic link"))
        let outcome = try Self.ours(patch, files: [:])
        #expect(!outcome.applied && outcome.changes.isEmpty)
        let failure = try #require(outcome.files.last)
        #expect(failure.description == "case.patch:8: affected file 'tmp/foo' is beyond a symbolic link ('tmp')")
        // A link already in the tree counts too.
        let inTree = try Self.ours(OracleCorpus.creation("tmp/foo", ["x"]), files: ["tmp": FileContent(bytes: Array("/etc".utf8), mode: 0o120000)])
        #expect(inTree.files.first?.failure == .beyondSymlink("tmp/foo", link: "tmp"))
    }

    @Test("a traditional header with the epoch timestamp creates the file, so an existing one is refused once by name")
    func epochCreation() throws {
        let patch = "--- f\t1970-01-01 00:00:00.000000000 +0000\n+++ f\t2020-01-01 00:00:00.000000000 +0000\n@@ -0,0 +1 @@\n+new\n"
        let files = ["f": FileContent(bytes: text("old"))]
        let (gitApplied, log) = try Self.gitApply(patch, files: files)
        #expect(!gitApplied && log.contains("f: already exists in index"), "\(log)")
        let outcome = try Self.ours(patch, files: files)
        #expect(outcome.files.first?.description == "case.patch:1: f: already exists")
        #expect(try Self.ours(patch, files: [:]).changes == [PatchApplier.Change(path: "f", content: FileContent(bytes: text("new")))])
    }

    @Test("traditional names: a timestamp after a tab or spaces ends the name; names may hold spaces")
    func traditionalNames() throws {
        for (header, name) in [
            ("--- a/my file.txt\t2010-07-05 19:41:17.620000023 -0500\n+++ b/my file.txt\t2010-07-05 19:41:18.000000000 -0500\n", "my file.txt"),
            ("--- post   2010-07-05 19:41:17\n+++ post   2010-07-05 19:41:17\n", "post"),
            ("--- a/dir/x y.c 10-07-05 19:41:17 +08:00\n+++ b/dir/x y.c 10-07-05 19:41:17 +08:00\n", "dir/x y.c"),
        ] {
            let patch = header + "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
            let files = [name: FileContent(bytes: text("a", "b", "c"))]
            let (gitApplied, log) = try Self.gitApply(patch, files: files)
            #expect(gitApplied, "\(log)")
            let outcome = try Self.ours(patch, files: files)
            #expect(outcome.applied && outcome.changes.last == PatchApplier.Change(path: name, content: FileContent(bytes: text("a", "B", "c"))), "\(header)")
        }
    }

    @Test("forbidden and non-normalised paths are named as such, where git says 'invalid path'")
    func invalidPaths() throws {
        for (path, words) in [
            (".git/hooks/x", "a forbidden path (inside .git, git's own directory)"), ("d/../f", "a non-normalised path (a '..' component)"),
            ("./f", "a non-normalised path (a '.' component)"),
        ] {
            let patch = OracleCorpus.creation(path, ["#!/bin/sh"])
            let (gitApplied, log) = try Self.gitApply(patch, files: [:])
            #expect(!gitApplied && log.contains("invalid path '\(path)'"), "\(log)")
            let error = try #require(throws: PatchParseError.self) { try parseDiff(patch, name: "p.patch") }
            #expect(error.description == "p.patch:1: invalid path '\(path)': \(words)")
        }
    }

    @Test("'\\ No newline at end of file' as a hunk's first line is corrupt, named by file and line")
    func noNewlineFirst() throws {
        let patch = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n\\ No newline at end of file\n a\n-b\n+B\n c\n"
        let error = try #require(throws: PatchParseError.self) { try parseDiff(patch, name: "nl.patch") }
        #expect(error.description == "nl.patch:5: corrupt hunk \"@@ -1,3 +1,3 @@\" (line 4): \"\\ No newline at end of file\" as the first line of the hunk: it follows no line")
    }

    @Test("hunk header numbers: at Int32.max they behave as in git, past it they are refused, never wrapped")
    func hunkNumbers() throws {
        let files = ["f": FileContent(bytes: text("a", "b", "c"))]
        let atLimit = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +2147483647,3 @@\n a\n-b\n+B\n c\n"
        let (gitApplied, log) = try Self.gitApply(atLimit, files: files)
        #expect(gitApplied, "\(log)")
        let placement = try #require(try Self.ours(atLimit, files: files).files.first?.placements.first)
        #expect(placement.offset == -2147483646 && placement.line == 1)
        for number in ["2147483648", "9223372036854775808", "12345678901234567890123"] {
            let past = atLimit.replacingOccurrences(of: "2147483647", with: number)
            let error = try #require(throws: PatchParseError.self) { try parseDiff(past, name: "big.patch") }
            #expect(error.description == "big.patch:4: corrupt hunk \"@@ -1,3 +\(number),3 @@\" (line 4): the number \(number) is too large for a line number or count (at most 2147483647)")
        }
    }

    @Test("a ---/+++ header without a hunk says so, naming the file")
    func headerWithoutHunk() throws {
        let patch = "--- a/f\n+++ b/f\n"
        let (gitApplied, log) = try Self.gitApply(patch, files: ["f": FileContent(bytes: text("a"))])
        #expect(!gitApplied && log.contains("No valid patches in input"))
        let error = try #require(throws: PatchParseError.self) { try parseDiff(patch, name: "h.patch") }
        #expect(error.description == "h.patch:1: the `---`/`+++` file header of 'f' has no hunk (no `@@` line after it)")
    }
}
