import Foundation
import Git
import Series
import Testing

/// Header edge cases (folding, RFC 2047, RFC 822 quoting, subject joining, file names),
/// each committed and compared with `git format-patch`.
@Suite("mail headers against git")
struct MailHeaderOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var author: String
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "long ASCII name", author: String(repeating: "Bartholomew ", count: 8) + "Smith",
             message: "short subject\n"),
        Case(name: "quote and backslash in name", author: #"Jo "JJ" \ Doe"#, message: "x: y\n\nbody\n"),
        Case(name: "dot in name", author: "J. Random Hacker", message: "x: y\n"),
        Case(name: "encoded-word look-alike in subject", author: "A U Thor", message: "fix =?utf-8?q?x?= parsing\n"),
        Case(name: "long UTF-8 subject",
             author: "Zoë Ångström",
             message: "drivers: ünïcødé " + String(repeating: "välue ", count: 20) + "end\n\nBody ✓\n"),
        Case(name: "subject at the fold boundary", author: "A U Thor",
             message: String(repeating: "x", count: 52) + " " + String(repeating: "y", count: 10) + " zz\n"),
        Case(name: "one very long word", author: "A U Thor", message: String(repeating: "w", count: 120) + "\n"),
        Case(name: "tab in subject", author: "A U Thor", message: "tabs:\tbetween\twords and more words to fold the line\n"),
        Case(name: "two-line first paragraph", author: "A U Thor",
             message: "\n\n  first line  \nsecond line\n\n\n  indented body\n\ttab body\n\n\n"),
        Case(name: "subject only, no newline", author: "A U Thor", message: "only a subject"),
        Case(name: "punctuation file name", author: "A U Thor",
             message: "[RFC] net/foo: fix ... the (very) 'odd' case -- again!!! of a long subject line here\n"),
        Case(name: "dots and underscores", author: "A U Thor", message: "v1.2..3__x...y.\n"),
    ]

    @Test("single patch headers", arguments: cases)
    func header(_ testCase: Case) throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        repository.authorName = testCase.author
        try repository.write("README", "kernel\n\(testCase.name)\n")
        try repository.commit(testCase.message)
        let commits = try fixture.commits(from: "HEAD~1")
        let format = try fixture.format(commits)
        let expected = try repository.formatPatch("--signature", "kseries-test", "-1")
        let mails = PatchSeries(commits: commits).mails(format: format)
        #expect(mails.map(\.fileName) == expected.map(\.name))
        for (mail, reference) in zip(mails, expected) {
            expectSameBytes(mail.bytes, reference.bytes, reference.name)
        }
    }

    @Test("Date header for assorted times and offsets", arguments: [
        (Int64(0), "+0000"), (951_782_400, "-0530"), (4_102_444_799, "+1400"), (1_709_164_800, "-1200"),
        (1_764_129_787, "+0545"), (86_399, "-0001"),
    ])
    func date(_ time: Int64, _ zone: String) throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        repository.time = time
        repository.timezone = zone
        try repository.write("README", "kernel\n\(time)\n")
        try repository.commit("date: \(time) \(zone)")
        let commits = try fixture.commits(from: "HEAD~1")
        let expected = try repository.formatPatch("--signature", "kseries-test", "-1")
        let mails = PatchSeries(commits: commits).mails(format: try fixture.format(commits))
        try #require(mails.count == 1 && expected.count == 1, "\(mails.map(\.fileName)) vs \(expected.map(\.name))")
        expectSameBytes(mails[0].bytes, expected[0].bytes, expected[0].name)
    }
}
