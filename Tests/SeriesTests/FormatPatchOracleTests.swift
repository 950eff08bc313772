import Foundation
import Git
import Series
import Testing

/// Oracle tests: the mails kseries writes must equal `git format-patch`'s byte for byte,
/// on the same commits, except the signature which both sides set to `kseries-test`.
@Suite("git format-patch oracle")
struct FormatPatchOracleTests {
    @Test("each commit alone, as an unnumbered [PATCH]")
    func singlePatches() throws {
        let fixture = try SeriesFixture.make()
        let commits = try fixture.commits()
        let format = try fixture.format(commits)
        for commit in commits {
            let expected = try fixture.repository.formatPatch("-1", commit.id.hex, "--signature", "kseries-test")
            try #require(expected.count == 1)
            let mail = PatchSeries(commits: [commit]).mails(format: format)
            #expect(mail.map(\.fileName) == expected.map(\.name))
            try #require(mail.count == 1)
            expectSameBytes(mail[0].bytes, expected[0].bytes, expected[0].name)
        }
    }

    @Test("a numbered series with --base and no cover letter")
    func numberedSeriesWithBase() throws {
        let fixture = try SeriesFixture.make()
        let commits = try fixture.commits()
        let format = try fixture.format(commits)
        let expected = try fixture.repository.formatPatch(
            "--base", fixture.base, "--signature", "kseries-test", "\(fixture.base)..HEAD")
        let mails = PatchSeries(commits: commits, baseCommit: ObjectID(hex: fixture.base)).mails(format: format)
        try compare(mails, expected)
    }

    @Test("cover letter, -v2, --subject-prefix, --base, subject and blurb from the branch description")
    func coverLetterSeries() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        let subject = "net: foo: probe devices at init"
        let blurb = "This series makes foo probe its device at init.  \n\nIt also cleans up.\n\n"
        try repository.git("config", "branch.main.description", subject + "\n\n" + blurb)
        let commits = try fixture.commits()
        let (seriesDiff, seriesBinaries) = try fixture.reader.diff(from: fixture.base, to: "HEAD")
        let format = try fixture.format(
            commits, extra: [seriesDiff], subjectPrefix: "RFC PATCH", rerollCount: "2")
        let expected = try repository.formatPatch(
            "--cover-letter", "--cover-from-description=subject", "-v2", "--subject-prefix=RFC PATCH",
            "--base", fixture.base, "--signature", "kseries-test", "\(fixture.base)..HEAD")
        let cover = CoverLetter(
            sender: fixture.sender, subject: subject.bytes, blurb: blurb.bytes, tipCommitID: commits.last?.id,
            seriesDiff: seriesDiff, seriesBinaryPatches: seriesBinaries)
        let mails = PatchSeries(commits: commits, coverLetter: cover, baseCommit: ObjectID(hex: fixture.base))
            .mails(format: format)
        try compare(mails, expected)
    }

    @Test("default cover letter placeholders, -n style numbering of one patch")
    func placeholderCoverLetterOfOnePatch() throws {
        let fixture = try SeriesFixture.make()
        let commits = try fixture.commits(from: "HEAD~1")
        let (seriesDiff, _) = try fixture.reader.diff(from: "HEAD~1", to: "HEAD")
        let format = try fixture.format(commits, extra: [seriesDiff])
        let expected = try fixture.repository.formatPatch(
            "--cover-letter", "--signature", "kseries-test", "HEAD~1..HEAD")
        let cover = CoverLetter(sender: fixture.sender, tipCommitID: commits.last?.id, seriesDiff: seriesDiff)
        try compare(PatchSeries(commits: commits, coverLetter: cover).mails(format: format), expected)
    }

    @Test("-N and -n numbering and an empty subject prefix")
    func numberingOptions() throws {
        let fixture = try SeriesFixture.make()
        let commits = try fixture.commits()
        let never = try fixture.format(commits, numbering: .never)
        try compare(
            PatchSeries(commits: commits).mails(format: never),
            try fixture.repository.formatPatch("-N", "--signature", "kseries-test", "\(fixture.base)..HEAD"))
        let always = try fixture.format(commits, subjectPrefix: "", numbering: .always)
        let first = try #require(commits.first)
        try compare(
            PatchSeries(commits: [first]).mails(format: always),
            try fixture.repository.formatPatch(
                "-n", "--subject-prefix=", "--signature", "kseries-test", "-1", first.id.hex))
    }

    @Test("threading headers", arguments: [
        ["--thread=shallow"], ["--thread=deep"], ["--thread=shallow", "--in-reply-to=<prev.1@example.org>"],
        ["--thread=deep", "--in-reply-to=prev.2@example.org"], ["--in-reply-to=only@example.org"],
    ])
    func threading(_ options: [String]) throws {
        let fixture = try SeriesFixture.make()
        let commits = try fixture.commits()
        let (seriesDiff, _) = try fixture.reader.diff(from: fixture.base, to: "HEAD")
        let format = try fixture.format(commits, extra: [seriesDiff])
        for withCover in [false, true] {
            var arguments = options + ["--signature", "kseries-test", "\(fixture.base)..HEAD"]
            if withCover { arguments.append("--cover-letter") }
            let expected = try fixture.repository.formatPatch(arguments: arguments)
            // git makes up its ids from the clock: read them back from its output.
            let ids = expected.compactMap { messageID(in: $0.bytes) }
            let style: SeriesThreading.Style? = options.contains("--thread=deep")
                ? .deep : options.contains("--thread=shallow") ? .shallow : nil
            let inReplyTo = options.first { $0.hasPrefix("--in-reply-to=") }
                .map { String($0.dropFirst("--in-reply-to=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "<>")) }
            let cover = withCover
                ? CoverLetter(sender: fixture.sender, tipCommitID: commits.last?.id, seriesDiff: seriesDiff) : nil
            let series = PatchSeries(
                commits: commits, coverLetter: cover,
                threading: SeriesThreading(style: style, messageIDs: ids, inReplyTo: inReplyTo))
            try compare(series.mails(format: format), expected)
        }
    }

    @Test("binary files: new, modified and deleted, with git's GIT binary patch data")
    func binaryFiles() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        try repository.write("firmware/blob.bin", [0, 1, 2, 3] + Array("binary payload".utf8) + [0xFF, 0])
        try repository.write("firmware/other.bin", [UInt8](repeating: 7, count: 300) + [0])
        try repository.commit("firmware: add blobs")
        try repository.write("firmware/blob.bin", [0, 1, 2, 3] + Array("binary payload, v2".utf8) + [0xFF, 0, 9])
        try repository.remove("firmware/other.bin")
        try repository.write("README", "kernel\nmore\n")
        try repository.commit("firmware: update blob, drop other")
        let commits = try fixture.commits(from: "HEAD~2")
        let format = try fixture.format(commits)
        try compare(
            PatchSeries(commits: commits).mails(format: format),
            try repository.formatPatch("--signature", "kseries-test", "HEAD~2..HEAD"))
    }

    @Test("diffstat scaling, name shortening and long author lines")
    func diffstatScaling() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        repository.authorName = "Maximilian Alexander Wolfgang Bartholomew von Überlänge-Sonderbar"
        repository.authorEmail = "maximilian.alexander.wolfgang@very-long-subdomain.example.org"
        try repository.write("a.c", (1...1000).map { "a \($0)\n" }.joined())
        try repository.write("drivers/gpu/drm/amd/display/dc/dml/dcn32/display_mode_vba_util_32.c", "x\ny\n")
        try repository.write("b.c", "1\n2\n3\n")
        try repository.commit("stat: setup")
        try repository.write("a.c", (1...1000).map { $0 % 3 == 0 ? "b \($0)\n" : "a \($0)\n" }.joined() + "tail\n")
        try repository.write("drivers/gpu/drm/amd/display/dc/dml/dcn32/display_mode_vba_util_32.c", "x\nz\n")
        try repository.write("b.c", "1\n3\n4\n")
        try repository.write("c.c", (1...7).map { "c \($0)\n" }.joined())
        try repository.commit("stat: change everything in a way that needs a scaled graph of pluses and minuses")
        repository.authorName = "Plain Name"
        repository.authorEmail = "a-very-long-address-that-does-not-fit-on-the-line-with-the-name@example.org"
        try repository.write("b.c", "1\n")
        try repository.commit("stat: one deletion")
        let commits = try fixture.commits(from: "HEAD~3")
        let format = try fixture.format(commits)
        try compare(
            PatchSeries(commits: commits).mails(format: format),
            try repository.formatPatch("--signature", "kseries-test", "HEAD~3..HEAD"))
    }

    @Test("odd paths: quoting, spaces, renames with common prefixes and suffixes")
    func oddPaths() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        let body = (1...30).map { "shared line \($0)\n" }.joined()
        for name in ["a/b/c.c", "x.c", "dir/x", "q\"uote/back\\slash.txt", "ü/ö.txt", "tab\tname", "sp ace.c"] {
            try repository.write(name, name + "\n" + body)
        }
        try repository.commit("paths: add")
        try repository.move("a/b/c.c", to: "a/d/c.c")
        try repository.move("x.c", to: "y.c")
        try repository.move("dir/x", to: "dir/sub/x")
        try repository.move("ü/ö.txt", to: "ü/ä.txt")
        try repository.move("sp ace.c", to: "sp ace2.c")
        try repository.write("q\"uote/back\\slash.txt", "changed\n" + body)
        try repository.write("tab\tname", "changed\n" + body)
        try repository.commit("paths: rename and change")
        let commits = try fixture.commits(from: "HEAD~2")
        try compare(
            PatchSeries(commits: commits).mails(format: try fixture.format(commits)),
            try repository.formatPatch("--signature", "kseries-test", "HEAD~2..HEAD"))
    }

    @Test("a file turned into a symlink and a symlink turned into a file")
    func typeChanges() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        try repository.write("link-later", "a\nb\n")
        let target = repository.directory.appendingPathComponent("file-later")
        try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: "README")
        try repository.commit("types: setup")
        try FileManager.default.removeItem(at: repository.directory.appendingPathComponent("link-later"))
        try FileManager.default.createSymbolicLink(
            atPath: repository.directory.appendingPathComponent("link-later").path, withDestinationPath: "nonl.txt")
        try FileManager.default.removeItem(at: target)
        try repository.write("file-later", "now a file\n")
        try repository.commit("types: swap")
        let commits = try fixture.commits(from: "HEAD~2")
        try compare(
            PatchSeries(commits: commits).mails(format: try fixture.format(commits)),
            try repository.formatPatch("--signature", "kseries-test", "HEAD~2..HEAD"))
    }

    @Test("the mailbox splits back into the same mails and applies with git am")
    func mailboxRoundTrip() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        let commits = try fixture.commits()
        let (seriesDiff, _) = try fixture.reader.diff(from: fixture.base, to: "HEAD")
        let format = try fixture.format(commits, extra: [seriesDiff])
        let cover = CoverLetter(sender: fixture.sender, subject: "Series".bytes, blurb: "Blurb.".bytes,
                                tipCommitID: commits.last?.id, seriesDiff: seriesDiff)
        let mails = PatchSeries(commits: commits, coverLetter: cover, baseCommit: ObjectID(hex: fixture.base))
            .mails(format: format)
        let mailbox = Mailbox(mails)
        let folder = repository.home.appendingPathComponent("split")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mbox = repository.home.appendingPathComponent("series.mbox")
        try Data(mailbox.bytes).write(to: mbox)
        let count = try repository.gitText("mailsplit", "-o\(folder.path)", mbox.path)
        #expect(count == "\(mails.count)")
        for (index, mail) in mails.enumerated() {
            let split = [UInt8](try Data(contentsOf: folder.appendingPathComponent(String(format: "%04d", index + 1))))
            expectSameBytes(split, mail.bytes, "mail \(index + 1) after git mailsplit")
        }

        // git am drops the cover letter (no diff) and rebuilds the tip tree.
        let tipTree = try repository.gitText("rev-parse", "HEAD^{tree}")
        try repository.git("checkout", "-q", "-b", "replay", fixture.base)
        try repository.git("am", "-q", "--empty=drop", mbox.path)
        #expect(try repository.gitText("rev-list", "--count", "\(fixture.base)..HEAD") == "\(commits.count)")
        #expect(try repository.gitText("rev-parse", "HEAD^{tree}") == tipTree)
    }

    // MARK: - Helpers

    private func compare(
        _ mails: [PatchMail], _ expected: [(name: String, bytes: [UInt8])],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(mails.map(\.fileName) == expected.map(\.name), sourceLocation: sourceLocation)
        for (mail, reference) in zip(mails, expected) {
            expectSameBytes(mail.bytes, reference.bytes, reference.name, sourceLocation: sourceLocation)
        }
    }

    private func messageID(in mail: [UInt8]) -> String? {
        let text = String(decoding: mail, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { return nil }
            if line.hasPrefix("Message-Id: <") { return String(line.dropFirst("Message-Id: <".count).dropLast()) }
        }
        return nil
    }
}
