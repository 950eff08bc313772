import Apply
import Foundation
import Git
import Testing
import TestSupport

/// kseries against real `git apply --cached` and `git am` on generated inputs of the kinds
/// users meet and the per-file differential does not make: CRLF mails, `format=flowed` mails,
/// mailboxes that hold more than patches, multipart mails, symlink-then-write patches,
/// traditional headers with timestamps and spaces, forbidden paths, and hunk header numbers at
/// and past the limits of git's types.
///
/// Each case gets its own scratch repository holding its tree (symlinks included). A patch
/// case is given to `git apply --cached` and to `PatchParser` + `TreeApplier`; a mail case to
/// `git am` (a mail without a patch is skipped with `git am --skip`, which is what kseries does
/// on its own) and to the same. Verdicts and, when both applied, the resulting trees must be
/// identical, except for the cases marked as intended divergences (kseries refuses input
/// git 2.39 accepts; each is named in the output).
@Suite("Differential: mails and paths against git apply / git am")
struct MailAndPathDifferentialTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["KSERIES_MAIL_SEED"].flatMap { UInt64($0) } ?? 0x6D61_696C
    static let casesPerKind = ProcessInfo.processInfo.environment["KSERIES_MAIL_CASES"].flatMap { Int($0) } ?? 48

    @Test("agrees with git apply / git am on verdicts and trees")
    func agreesWithGit() throws {
        var generator = SeededGenerator(seed: Self.seed)
        let cases = OracleCorpus.make(perKind: Self.casesPerKind, using: &generator)
        var identical = 0
        var intended: [String] = []
        var disagreements: [String] = []
        var byKind: [String: (Int, Int)] = [:]
        var gitAppliedByKind: [String: Int] = [:]
        var gitApplied = 0
        for testCase in cases {
            let result = try OracleRun.run(testCase)
            byKind[testCase.kind, default: (0, 0)].1 += 1
            if result.gitApplied {
                gitApplied += 1
                gitAppliedByKind[testCase.kind, default: 0] += 1
            }
            if result.agrees {
                identical += 1
                byKind[testCase.kind, default: (0, 0)].0 += 1
            } else if let reason = testCase.intendedDivergence, !result.oursApplied, result.gitApplied {
                intended.append("\(testCase.name): \(reason)")
            } else {
                disagreements.append("\(testCase.name) [\(testCase.kind)]: \(result.summary)")
            }
        }
        let kinds = byKind.keys.sorted().map { kind in
            let (same, total) = byKind[kind] ?? (0, 0)
            return "\(kind) \(same)/\(total) (git applied \(gitAppliedByKind[kind] ?? 0))"
        }.joined(separator: ", ")
        print(
            """
            mail/path differential (seed \(Self.seed)): \(cases.count) cases, identical \(identical)/\(cases.count), \
            intended divergences \(intended.count), disagreements \(disagreements.count); git applied \(gitApplied); \(kinds)
            """)
        for line in intended.prefix(8) { print("  intended: \(line)") }
        for line in disagreements.prefix(20) { print("  DISAGREES: \(line)") }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements with git (the first printed above)")
        #expect(identical + intended.count == cases.count)
        #expect(gitApplied > cases.count / 4 && gitApplied < cases.count, "the corpus must hold both verdicts")
    }
}

/// One generated input and the tree it applies to.
struct OracleCase {
    enum Input {
        /// A patch for `git apply --cached`.
        case patch([UInt8])
        /// A mailbox for `git am`.
        case mailbox([UInt8])
    }

    var name: String
    var kind: String
    /// The base tree: path → content (mode 0o120000 for a symlink, its bytes the target).
    var files: [String: FileContent]
    var input: Input
    /// Why kseries refuses what git 2.39 applies, when it deliberately does.
    var intendedDivergence: String?
}

/// What git and kseries did with one case.
struct OracleRun {
    var gitApplied: Bool
    var gitTree: String?
    var gitLog: String
    var oursApplied: Bool
    var ourTree: String?
    var ourReport: String

    var agrees: Bool { gitApplied == oursApplied && (!gitApplied || gitTree == ourTree) }

    var summary: String {
        "git \(gitApplied ? "applied" : "refused") \(gitTree ?? "") (\(gitLog.suffix(300))); "
            + "kseries \(oursApplied ? "applied" : "refused") \(ourTree ?? "") (\(ourReport.prefix(300)))"
    }

    static func run(_ testCase: OracleCase) throws -> OracleRun {
        let scratch = try FastScratch("kseries-oracle")
        let work = try scratch.repository("work")
        for (path, content) in testCase.files {
            let full = "\(work)/\(path)"
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if content.mode == 0o120000 {
                try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: String(decoding: content.bytes, as: UTF8.self))
            } else {
                try writeFile(content, to: full)
            }
        }
        try Data("base\n".utf8).write(to: URL(fileURLWithPath: "\(work)/BASE"))
        try scratch.git(["add", "-A"], in: work)
        try scratch.git(["commit", "-q", "-m", "base"], in: work)
        let base = try scratch.git(["rev-parse", "HEAD"], in: work).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)

        // git
        var gitApplied: Bool
        var gitTree: String?
        var log = ""
        let bytes: [UInt8]
        switch testCase.input {
        case .patch(let patch):
            bytes = patch
            let run = try runGit(["apply", "--cached", "-"], in: work, environment: scratch.environment, input: patch)
            gitApplied = run.status == 0
            log = run.stderrText
            if gitApplied { gitTree = try scratch.git(["write-tree"], in: work).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) }
        case .mailbox(let mbox):
            bytes = mbox
            let file = "\(scratch.path)/input.mbox"
            try Data(mbox).write(to: URL(fileURLWithPath: file))
            var run = try runGit(["am", "-q", file], in: work, environment: scratch.environment)
            log = run.stderrText + run.stdoutText
            var skips = 0
            while run.status != 0, (run.stdoutText + run.stderrText).contains("Patch is empty"), skips < 20 {
                run = try runGit(["am", "-q", "--skip"], in: work, environment: scratch.environment)
                log += run.stderrText + run.stdoutText
                skips += 1
            }
            let count = try scratch.git(["rev-list", "--count", "\(base)..HEAD"], in: work).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            gitApplied = run.status == 0 && count != "0"
            if gitApplied { gitTree = try scratch.git(["rev-parse", "HEAD^{tree}"], in: work).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) }
        }

        // kseries
        var oursApplied = false
        var ourTree: String?
        var report = ""
        do {
            let commits = try PatchParser.parse(bytes, name: testCase.name)
            let repository = try Repository(at: work)
            let outcome = try TreeApplier(repository: repository).apply(commits, onto: try repository.commitID(forRevision: base), writeTrees: true)
            oursApplied = outcome.allApplied
            ourTree = outcome.tree?.hex
            report = outcome.patches.map(\.description).joined(separator: " | ")
        } catch {
            report = "\(error)"
        }
        return OracleRun(gitApplied: gitApplied, gitTree: gitTree, gitLog: log, oursApplied: oursApplied, ourTree: ourTree, ourReport: report)
    }
}

/// Makes the cases, `perKind` of each kind.
enum OracleCorpus {
    static let vocabulary = ["a", "b", "c", "int x;", "", "  indented", " one space", "return 0;", "}", "{",
                             "a line long enough that a mail client set to wrap at a short width would wrap it somewhere"]

    static func lines(_ count: Int, _ generator: inout SeededGenerator) -> [String] {
        (0..<count).map { _ in vocabulary.randomElement(using: &generator)! }
    }

    static func text(_ lines: [String], crlf: Bool = false) -> [UInt8] {
        Array(lines.map { $0 + (crlf ? "\r\n" : "\n") }.joined().utf8)
    }

    static func make(perKind: Int, using generator: inout SeededGenerator) -> [OracleCase] {
        var cases: [OracleCase] = []
        for number in 0..<perKind {
            cases.append(symlink(number, &generator))
            cases.append(traditional(number, &generator))
            cases.append(hunkNumbers(number, &generator))
            cases.append(forbiddenPath(number, &generator))
            cases.append(crlfPatch(number, &generator))
            cases.append(mail(number, kind: "crlf mail", &generator))
            cases.append(mail(number, kind: "flowed mail", &generator))
            cases.append(mail(number, kind: "mixed mailbox", &generator))
            cases.append(mail(number, kind: "multipart mail", &generator))
        }
        return cases
    }

    // MARK: Patches

    /// A git diff that creates `path` with `lines` (a symlink when `mode` says so).
    static func creation(_ path: String, _ body: [String], mode: String = "100644", noNewline: Bool = false) -> String {
        var text = "diff --git a/\(path) b/\(path)\nnew file mode \(mode)\n--- /dev/null\n+++ b/\(path)\n@@ -0,0 +1\(body.count == 1 ? "" : ",\(body.count)") @@\n"
        text += body.map { "+\($0)\n" }.joined()
        if noNewline { text += "\\ No newline at end of file\n" }
        return text
    }

    static func deletion(_ path: String, _ body: [String], mode: String = "100644", noNewline: Bool = false) -> String {
        var text = "diff --git a/\(path) b/\(path)\ndeleted file mode \(mode)\n--- a/\(path)\n+++ /dev/null\n@@ -1\(body.count == 1 ? "" : ",\(body.count)") +0,0 @@\n"
        text += body.map { "-\($0)\n" }.joined()
        if noNewline { text += "\\ No newline at end of file\n" }
        return text
    }

    static func symlink(_ number: Int, _ generator: inout SeededGenerator) -> OracleCase {
        let link = ["tmp", "lnk", "d/l"].randomElement(using: &generator)!
        let target = ["../..", "/etc", "sub", "."].randomElement(using: &generator)!
        var files: [String: FileContent] = ["sub/keep": FileContent(bytes: text(["keep"]))]
        var patch = ""
        let variant = Int.random(in: 0..<6, using: &generator)
        switch variant {
        case 0:
            patch = creation(link, [target], mode: "120000", noNewline: true) + creation("\(link)/foo", ["x"])
        case 1:
            files[link] = FileContent(bytes: Array(target.utf8), mode: 0o120000)
            patch = creation("\(link)/foo", ["x"])
        case 2:
            files[link] = FileContent(bytes: Array(target.utf8), mode: 0o120000)
            patch = deletion(link, [target], mode: "120000", noNewline: true) + creation("\(link)/foo", ["x"])
        case 3:
            files[link] = FileContent(bytes: Array(target.utf8), mode: 0o120000)
            patch = creation("\(link)x/foo", ["x"])
        case 4:
            patch = creation(link, [target], mode: "120000", noNewline: true) + creation("\(link)2/foo", ["x"])
        default:
            files[link] = FileContent(bytes: Array(target.utf8), mode: 0o120000)
            patch = creation("\(link)/deeper/foo", ["x"])
        }
        return OracleCase(name: "symlink-\(number)", kind: "symlink then write", files: files, input: .patch(Array(patch.utf8)))
    }

    static let timestamps = [
        "2010-07-05 19:41:17", "2010-07-05 19:41:17.620000023 -0500", "2010-07-05 19:41:17 +08:00", "10-07-05 19:41:17",
        "1970-01-01 00:00:00.000000000 +0000", "1969-12-31 16:00:00 -0800", "1970-01-01 00:00:01 +0000", "1970-01-01 01:00:00 +0100",
    ]

    static func traditional(_ number: Int, _ generator: inout SeededGenerator) -> OracleCase {
        let name = ["f.txt", "my file.txt", "dir/with space/x y.c", "plain"].randomElement(using: &generator)!
        let prefixed = generator.chance(70)
        let old = prefixed ? "a/\(name)" : name
        let new = prefixed ? "b/\(name)" : name
        let separator = ["\t", "\t", " ", "   "].randomElement(using: &generator)!
        let oldStamp = timestamps.randomElement(using: &generator)!
        let newStamp = generator.chance(20) ? "1970-01-01 00:00:00 +0000" : timestamps[Int.random(in: 0..<4, using: &generator)]
        let base = lines(Int.random(in: 3...6, using: &generator), &generator)
        var files: [String: FileContent] = [:]
        if generator.chance(70) { files[name] = FileContent(bytes: text(base)) }
        let body: String
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            var edited = base
            edited[1] = "changed"
            body = "@@ -1,\(base.count) +1,\(edited.count) @@\n" + zip(base, edited).map { $0 == $1 ? " \($0)\n" : "-\($0)\n+\($1)\n" }.joined()
        case 1:
            body = "@@ -0,0 +1,2 @@\n+new one\n+new two\n"
        default:
            body = "@@ -1,\(base.count) +0,0 @@\n" + base.map { "-\($0)\n" }.joined()
        }
        let patch = "--- \(old)\(separator)\(oldStamp)\n+++ \(new)\(separator)\(newStamp)\n" + body
        return OracleCase(name: "traditional-\(number)", kind: "traditional header", files: files, input: .patch(Array(patch.utf8)))
    }

    static let numbers = [
        "1", "2147483646", "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999",
    ]

    static func hunkNumbers(_ number: Int, _ generator: inout SeededGenerator) -> OracleCase {
        let base = ["a", "b", "c"]
        let value = numbers.randomElement(using: &generator)!
        let past = (Int(value) ?? Int.max) > Int(Int32.max)
        var header: String
        var divergence: String?
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            header = "@@ -1,3 +\(value),3 @@"
        case 1:
            header = "@@ -\(value),3 +1,3 @@"
        case 2:
            header = "@@ -1,\(value) +1,3 @@"
        default:
            // `\ No newline at end of file` as the hunk's first line: git 2.39 ignores it.
            header = "@@ -1,3 +1,3 @@\n\\ No newline at end of file"
            divergence = "'\\ No newline at end of file' as a hunk's first line follows no line: kseries calls it corrupt, git 2.39 ignores it"
        }
        if past, divergence == nil, !header.hasPrefix("@@ -1,\(value)") {
            divergence = "hunk header number \(value) is past Int32.max: kseries refuses it, git 2.39 truncates it to an int"
        }
        let patch = "diff --git a/f b/f\n--- a/f\n+++ b/f\n\(header)\n a\n-b\n+B\n c\n"
        return OracleCase(
            name: "numbers-\(number)", kind: "hunk numbers", files: ["f": FileContent(bytes: text(base))], input: .patch(Array(patch.utf8)),
            intendedDivergence: divergence)
    }

    static func forbiddenPath(_ number: Int, _ generator: inout SeededGenerator) -> OracleCase {
        let path = [".git/hooks/x", "d/../f", "./f", "x/.GIT/y", "d/./f", "sub/.git", "ok/file", "d/..f", ".gitx/y"].randomElement(using: &generator)!
        let patch = creation(path, ["#!/bin/sh"])
        return OracleCase(name: "path-\(number)", kind: "forbidden path", files: [:], input: .patch(Array(patch.utf8)))
    }

    static func crlfPatch(_ number: Int, _ generator: inout SeededGenerator) -> OracleCase {
        let base = ["a", "b", "c", "d"]
        let fileCRLF = generator.chance(50)
        let patchCRLF = generator.chance(50)
        let end = patchCRLF ? "\r\n" : "\n"
        let patch = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\(end) b\(end)-c\(end)+C\(end) d\(end)"
        return OracleCase(
            name: "crlf-patch-\(number)", kind: "crlf patch", files: ["f": FileContent(bytes: text(base, crlf: fileCRLF))],
            input: .patch(Array(patch.utf8)))
    }

    // MARK: Mails

    /// A base tree and a series of 1–3 format-patch mails made on it, as `git format-patch` writes them.
    static func series(_ generator: inout SeededGenerator) -> (files: [String: FileContent], mails: [String]) {
        let paths = ["f", "dir/g.c"]
        var current = Dictionary(uniqueKeysWithValues: paths.map { ($0, lines(Int.random(in: 4...8, using: &generator), &generator)) })
        let files = current.mapValues { FileContent(bytes: text($0)) }
        var mails: [String] = []
        let count = Int.random(in: 1...3, using: &generator)
        for index in 1...count {
            let path = paths.randomElement(using: &generator)!
            let before = current[path]!
            var after = before
            let at = Int.random(in: 0..<after.count, using: &generator)
            after[at] = vocabulary.randomElement(using: &generator)! + " \(index)"
            if generator.chance(40) { after.insert(vocabulary.randomElement(using: &generator)!, at: Int.random(in: 0...after.count, using: &generator)) }
            current[path] = after
            var hunk = "@@ -1,\(before.count) +1,\(after.count) @@\n"
            hunk += before.map { "-\($0)\n" }.joined() + after.map { "+\($0)\n" }.joined()
            if let shared = commonLines(before, after) { hunk = shared }
            mails.append(
                """
                From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
                From: Jane Doe <jane@example.org>
                Date: Mon, 24 Nov 2025 16:0\(index):00 +0000
                Subject: [PATCH \(index)/\(count)] change \(path) number \(index)

                Change \(path) so that the line at \(at) says something else, with a message line long enough to be wrapped by a client.

                Signed-off-by: Jane Doe <jane@example.org>
                ---
                diff --git a/\(path) b/\(path)
                --- a/\(path)
                +++ b/\(path)
                \(hunk)-- 
                2.39.5


                """)
        }
        return (files, mails)
    }

    /// A unified hunk with context around the changed middle, when before and after share a prefix or suffix.
    static func commonLines(_ before: [String], _ after: [String]) -> String? {
        var prefix = 0
        while prefix < min(before.count, after.count), before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(before.count, after.count) - prefix, before[before.count - 1 - suffix] == after[after.count - 1 - suffix] { suffix += 1 }
        guard prefix + suffix > 0 else { return nil }
        let removed = before[prefix..<(before.count - suffix)]
        let added = after[prefix..<(after.count - suffix)]
        var hunk = "@@ -1,\(before.count) +1,\(after.count) @@\n"
        hunk += before[..<prefix].map { " \($0)\n" }.joined()
        hunk += removed.map { "-\($0)\n" }.joined() + added.map { "+\($0)\n" }.joined()
        hunk += before[(before.count - suffix)...].map { " \($0)\n" }.joined()
        return hunk
    }

    static func mail(_ number: Int, kind: String, _ generator: inout SeededGenerator) -> OracleCase {
        var (files, mails) = series(&generator)
        switch kind {
        case "crlf mail":
            // Sometimes the tree's file has CRLF lines, which the mail's LF hunks (after git am's CR removal) miss.
            if generator.chance(25), let lf = files["f"] {
                files["f"] = FileContent(bytes: lf.bytes.flatMap { $0 == 10 ? [13, 10] : [$0] })
            }
            let mbox = mails.joined().replacingOccurrences(of: "\n", with: "\r\n")
            return OracleCase(name: "crlf-mail-\(number)", kind: kind, files: files, input: .mailbox(Array(mbox.utf8)))
        case "flowed mail":
            let deleteSpace = generator.chance(50)
            let width = [40, 60, 78].randomElement(using: &generator)!
            let flowed = mails.map { flow($0, width: width, deleteSpace: deleteSpace) }
            return OracleCase(name: "flowed-mail-\(number)", kind: kind, files: files, input: .mailbox(Array(flowed.joined().utf8)))
        case "mixed mailbox":
            var all = mails
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                all.insert(noDiffMail(&generator), at: Int.random(in: 0...all.count, using: &generator))
            }
            if generator.chance(30) { all.insert(folderData, at: 0) }
            return OracleCase(name: "mixed-mailbox-\(number)", kind: kind, files: files, input: .mailbox(Array(all.joined().utf8)))
        default:
            let lost = generator.chance(25)
            let qp = generator.chance(40)
            let parts = mails.map { multipart($0, boundaryAppears: !lost, quotedPrintable: qp) }
            return OracleCase(name: "multipart-mail-\(number)", kind: kind, files: files, input: .mailbox(Array(parts.joined().utf8)))
        }
    }

    /// The mail's body as a `format=flowed` client writes it: lines that start with a space or
    /// `From ` space-stuffed, long lines broken at spaces with a trailing space (soft break).
    static func flow(_ mail: String, width: Int, deleteSpace: Bool) -> String {
        guard let split = mail.range(of: "\n\n") else { return mail }
        let headers = String(mail[..<split.lowerBound]) + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8; format=flowed"
            + (deleteSpace ? "; delsp=yes" : "")
        var body: [String] = []
        for line in mail[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            var rest = line.hasPrefix(" ") || line.hasPrefix("From ") ? " " + line : line
            while rest.count > width, rest != "-- ", let space = rest.prefix(width).lastIndex(of: " "), space > rest.startIndex {
                let cut = rest.index(after: space)
                // delsp=yes: the soft break's space is an extra one the reader removes.
                body.append(deleteSpace ? String(rest[..<space]) + "  " : String(rest[..<cut]))
                rest = String(rest[cut...])
                if rest.hasPrefix(" ") || rest.hasPrefix("From ") { rest = " " + rest }
            }
            body.append(rest)
        }
        return headers + "\n\n" + body.joined(separator: "\n")
    }

    static func noDiffMail(_ generator: inout SeededGenerator) -> String {
        let subject = ["Re: [PATCH 1/2] change f number 1", "Re: [PATCH 0/3] cover", "a note about the series"].randomElement(using: &generator)!
        return """
            From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
            From: Reviewer <rev@example.org>
            Date: Mon, 24 Nov 2025 17:00:00 +0000
            Subject: \(subject)

            > diff --git a/f b/f
            Looks fine to me.

            Reviewed-by: Reviewer <rev@example.org>


            """
    }

    static let folderData = """
        From MAILER-DAEMON Mon Nov 24 16:00:00 2025
        Date: 24 Nov 2025 16:00:00 +0000
        From: Mail System Internal Data <MAILER-DAEMON@example.org>
        Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA
        Message-ID: <1234@example.org>
        X-IMAP: 1234567890 0000000001

        This text is part of the internal format of your mail folder, and is not
        a real message.  It is created automatically by the mail system software.


        """

    /// The mail as a multipart/mixed message: the message and patch as one text part (quoted-printable or 8bit).
    static func multipart(_ mail: String, boundaryAppears: Bool, quotedPrintable: Bool) -> String {
        guard let split = mail.range(of: "\n\n") else { return mail }
        let body = String(mail[split.upperBound...])
        let encoded = quotedPrintable ? body.replacingOccurrences(of: "=", with: "=3D") : body
        let boundary = "=-kseries-\(body.count)"
        let shown = boundaryAppears ? boundary : "=-another-boundary"
        return String(mail[..<split.lowerBound])
            + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\(boundary)\"\n\nThis is a multi-part message in MIME format.\n"
            + "--\(shown)\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: \(quotedPrintable ? "quoted-printable" : "8bit")\n\n"
            + encoded + "\n--\(shown)--\n\n"
    }
}
