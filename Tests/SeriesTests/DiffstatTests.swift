import Git
import Series
import Testing

/// git's rules for the summary line and rename names, on values.
@Suite("diffstat values")
struct DiffstatTests {
    @Test("summary line plurals and omissions", arguments: [
        (1, 0, 0, " 1 file changed, 0 insertions(+), 0 deletions(-)\n"),
        (1, 1, 0, " 1 file changed, 1 insertion(+)\n"),
        (2, 0, 1, " 2 files changed, 1 deletion(-)\n"),
        (3, 2, 5, " 3 files changed, 2 insertions(+), 5 deletions(-)\n"),
    ])
    func summaryLine(_ files: Int, _ insertions: Int, _ deletions: Int, _ expected: String) {
        var entries = (0..<files).map { _ in Diffstat.Entry(name: "f".bytes, added: 0, deleted: 0, isBinary: false) }
        entries[0].added = insertions
        entries[0].deleted = deletions
        #expect(Diffstat(entries: entries).summaryLine == expected.bytes)
    }

    @Test("binary sizes do not count as insertions")
    func binaryEntry() {
        let stat = Diffstat(entries: [Diffstat.Entry(name: "fw.bin".bytes, added: 1234, deleted: 0, isBinary: true)])
        #expect(stat.rendered() == " fw.bin | Bin 0 -> 1234 bytes\n 1 file changed, 0 insertions(+), 0 deletions(-)\n".bytes)
    }

    @Test("an empty diff has no stat")
    func empty() {
        #expect(Diffstat(TreeDiff(files: [])).rendered().isEmpty)
    }
}

@Suite("path quoting and file names")
struct NamingTests {
    @Test("git's C-style quoting", arguments: [
        ("plain/path.c", "plain/path.c"), ("sp ace", "sp ace"), ("tab\there", #""tab\there""#),
        ("new\nline", #""new\nline""#), (#"q"uote"#, #""q\"uote""#), (#"back\slash"#, #""back\\slash""#),
        ("ü", #""\303\274""#), ("del\u{7F}", #""del\177""#), ("bell\u{07}", #""bell\a""#),
    ])
    func quoting(_ path: String, _ expected: String) {
        #expect(GitPathQuoting.quoted(path.bytes) == expected.bytes)
    }

    @Test("file names: sanitized, numbered, rerolled, at most 64 characters")
    func fileNames() {
        #expect(PatchFileName.coverLetter() == "0000-cover-letter.patch")
        #expect(PatchFileName.coverLetter(rerollCount: "3") == "v3-0000-cover-letter.patch")
        #expect(PatchFileName.patch(number: 1, message: "net: foo: fix bar\n\nbody".bytes) == "0001-net-foo-fix-bar.patch")
        let long = PatchFileName.patch(number: 12, message: String(repeating: "word ", count: 30).bytes, rerollCount: "2")
        #expect(long.count == 64 - 1)
        #expect(long.hasPrefix("v2-0012-word-word"))
        // git keeps a leading '.' (a title character) and collapses runs of dots.
        #expect(PatchFileName.sanitized("...[PATCH] a..b!!c.".bytes) == ".-PATCH-a.b-c".bytes)
    }
}
