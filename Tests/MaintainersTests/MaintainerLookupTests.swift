import Foundation
import Git
import Testing
import TestSupport

@testable import Maintainers

/// The lookup's own behaviour on small trees, without the kernel or Perl.
@Suite("MaintainerLookup")
struct MaintainerLookupTests {
    static let maintainers = """
        NET DRIVERS
        M:\tNora Net <nora@example.org>
        R:\tRita Review <rita@example.org>
        L:\tnetdev@example.org
        S:\tSupported
        F:\tdrivers/net/

        NET CORE
        M:\tCarl Core <carl@example.org>
        L:\tnetdev@example.org
        S:\tMaintained
        F:\tdrivers/net/core.c

        ALSO NET DRIVERS
        M:\tOlga Other <olga@example.org>
        L:\tother@example.org
        S:\tMaintained
        F:\tdrivers/net/

        BROKEN LIST
        M:\tBen Broken <ben@example.org>
        L:\tBroken Team <broken@example.org>
        S:\tMaintained
        F:\tdrivers/broken/

        THE REST
        M:\tLinus Torvalds <torvalds@linux-foundation.org>
        L:\tlinux-kernel@vger.kernel.org
        S:\tBuried alive in reporters
        F:\t*
        F:\t*/

        """

    static func tree(maintainers: String? = MaintainerLookupTests.maintainers) throws -> (GitFixture, MaintainerLookup?) {
        let fixture = try GitFixture()
        var files = ["drivers/net/core.c": "int core;\n", "drivers/broken/b.c": "int b;\n", "README": "readme\n"]
        if let maintainers { files["MAINTAINERS"] = maintainers }
        try fixture.commit(files)
        let lookup = maintainers == nil ? nil : try MaintainerLookup(repository: Repository(at: fixture.path), revision: "HEAD")
        return (fixture, lookup)
    }

    /// The fixture with the MAINTAINERS above and its lookup.
    static func treeWithLookup() throws -> (GitFixture, MaintainerLookup) {
        let (fixture, lookup) = try tree()
        return (fixture, try #require(lookup))
    }

    @Test("deepest pattern first, then equally deep sections in MAINTAINERS order; people before lists")
    func order() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }  // the repository must outlive the lookup
        let lines = try lookup.addressLines(for: [.path("drivers/net/core.c")])
        #expect(
            lines == [
                "Carl Core <carl@example.org>", "Nora Net <nora@example.org>", "Rita Review <rita@example.org>",
                "Olga Other <olga@example.org>", "netdev@example.org", "other@example.org",
                "linux-kernel@vger.kernel.org",
            ])
    }

    @Test("people go to To, lists to Cc, with roles")
    func toAndCc() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }  // the repository must outlive the lookup
        let recipients = try lookup.recipients(for: [.path("drivers/net/core.c")])
        #expect(recipients.first == Recipient(address: "Carl Core <carl@example.org>", source: .maintainer, role: "maintainer:NET CORE"))
        #expect(recipients.contains(Recipient(address: "Rita Review <rita@example.org>", source: .reviewer, role: "reviewer:NET DRIVERS")))
        #expect(recipients.contains(Recipient(address: "linux-kernel@vger.kernel.org", source: .mailingList, role: "open list")))
        let split = try lookup.mailRecipients(for: [.path("drivers/net/core.c")])
        #expect(split.to == ["Carl Core <carl@example.org>", "Nora Net <nora@example.org>", "Rita Review <rita@example.org>", "Olga Other <olga@example.org>"])
        #expect(split.cc == ["netdev@example.org", "other@example.org", "linux-kernel@vger.kernel.org"])
    }

    @Test("a malformed L: line prints an empty line, as get_maintainer.pl does, but is no recipient")
    func malformedList() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }  // the repository must outlive the lookup
        #expect(try lookup.addressLines(for: [.path("drivers/broken/b.c")]) == ["Ben Broken <ben@example.org>", "", "linux-kernel@vger.kernel.org"])
        #expect(try lookup.mailRecipients(for: [.path("drivers/broken/b.c")]).cc == ["linux-kernel@vger.kernel.org"])
    }

    @Test("a path the tree lacks, an absolute path, a tree without MAINTAINERS")
    func errors() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }
        #expect { try lookup.recipients(for: [.path("drivers/net/missing.c")]) } throws: { error in
            (error as? MaintainersError)?.code == .pathNotInTree && "\(error)".contains("drivers/net/missing.c")
        }
        #expect(throws: MaintainersError.self) { try lookup.recipients(for: [.path("/etc/passwd")]) }
        let (bare, _) = try Self.tree(maintainers: nil)
        #expect { try MaintainerLookup(repository: Repository(at: bare.path), revision: "HEAD") } throws: { error in
            (error as? MaintainersError)?.code == .maintainersMissing
        }
        #expect(throws: MaintainersError.self) { try MaintainerLookup(repository: Repository(at: fixture.path), revision: "no-such-ref") }
    }

    @Test("MAINTAINERS as a folder of files; patterns that do not compile are reported, and never match")
    func folderAndProblems() throws {
        let fixture = try GitFixture()
        try fixture.commit([
            "MAINTAINERS/a": "A\nM:\tAnn <ann@example.org>\nS:\tMaintained\nF:\tsrc/\n",
            "MAINTAINERS/b": "B\nM:\tBo <bo@example.org>\nS:\tMaintained\nN:\t(unclosed\nK:\t[unclosed\nF:\tsrc/x.c\n",
            "MAINTAINERS/.hidden": "H\nM:\tHid <hid@example.org>\nF:\tsrc/\n",
            "src/x.c": "int x;\n",
        ])
        let lookup = try MaintainerLookup(repository: Repository(at: fixture.path), revision: "HEAD")
        defer { withExtendedLifetime(fixture) {} }
        #expect(try lookup.addressLines(for: [.path("src/x.c")]) == ["Bo <bo@example.org>", "Ann <ann@example.org>"])
        #expect(
            lookup.problems == [
                "MAINTAINERS/b:4: N: pattern does not compile: (unclosed",
                "MAINTAINERS/b:5: K: pattern does not compile: [unclosed",
            ])
    }

    @Test("a directory is a prefix; ./ and // are cleaned")
    func directory() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }  // the repository must outlive the lookup
        let analysis = try lookup.analyse([.path("./drivers//net"), .path("README")])
        #expect(analysis.files == ["drivers/net/", "README"])
    }

    @Test("patch file names: a/ b/ stripped, /dev/null kept as dev/null, sorted and unique")
    func patchNames() throws {
        let (fixture, lookup) = try Self.treeWithLookup()
        defer { withExtendedLifetime(fixture) {} }  // the repository must outlive the lookup
        let patch = """
            diff --git a/drivers/net/core.c b/drivers/net/core.c
            deleted file mode 100644
            --- a/drivers/net/core.c
            +++ /dev/null
            @@ -1 +0,0 @@
            -int core;

            """
        #expect(try lookup.analyse([.patch(Array(patch.utf8))]).files == ["dev/null", "drivers/net/core.c"])
    }
}

@Suite("get_maintainer.pl's pieces")
struct PiecesTests {
    @Test("F: globs: prefix match, same slash count unless a directory, ? and [] and *")
    func filePatterns() {
        func pattern(_ raw: String, directory: Bool = false) -> FilePattern {
            FilePattern(converted: FilePattern.convert(raw, isDirectoryInTree: { _ in directory }))
        }
        #expect(pattern("drivers/net/").matches(FileName("drivers/net/a/b.c")))
        #expect(pattern("drivers/net", directory: true).matches(FileName("drivers/net/a/b.c")))
        #expect(!pattern("drivers/net").matches(FileName("drivers/net/a.c")))
        #expect(pattern("drivers/net").matches(FileName("drivers/network")))
        #expect(pattern("drivers/*.c").matches(FileName("drivers/a.c")))
        #expect(!pattern("drivers/*.c").matches(FileName("drivers/x/a.c")))
        #expect(pattern("drivers/*/a.c").matches(FileName("drivers/x/a.c")))
        #expect(pattern("d/da90??.c").matches(FileName("d/da9055.c")))
        #expect(pattern("d/x.[ch]").matches(FileName("d/x.h")) && !pattern("d/x.[ch]").matches(FileName("d/x.s")))
        #expect(pattern("d/x.c").matches(FileName("d/x.cc")))  // no end anchor, as in the script
        #expect(!pattern("d/x.c").matches(FileName("d/xac")))
        #expect(pattern("*").depth == -1 && pattern("*/").depth == -1)
        #expect(pattern("a/b/").depth == 2 && pattern("a/b.c").depth == 2)
        // Anything beyond globs goes to the regex engine, with the same answers.
        #expect(pattern("d/x+y").matches(FileName("d/xxy")))
    }

    @Test("K: keeps get_maintainer.pl's precedence: ^[+-].* binds only the first alternative")
    func keywordPrefix() {
        let keyword = PatchScanner.Keyword(entryIndex: 7, pattern: "first_alt|second_alt")
        let scanner = PatchScanner(keywords: [keyword])
        let patch = """
            Subject: nothing

            --- a/x.c
            +++ b/x.c
            @@ -1,2 +1,2 @@ first_alt
             first_alt in context
            """
        #expect(scanner.scan(Array(patch.utf8)).keywordEntries.isEmpty)
        #expect(scanner.scan(Array((patch + "\n second_alt in context\n").utf8)).keywordEntries == [7])
        #expect(scanner.scan(Array((patch + "\n+first_alt added\n").utf8)).keywordEntries == [7])
        #expect(scanner.scan(Array("Subject: first_alt\n".utf8)).keywordEntries == [7])
        let alternation = PatchScanner.Keyword.mayHaveTopLevelAlternation
        #expect(alternation("a|b") && alternation(#"phylink\.h|struct\s+phylink"#) && alternation("a#|"))
        #expect(!alternation("(a|b)c") && !alternation("[|]") && !alternation(#"a\|b"#) && !alternation("(?i:x|y)"))
    }

    @Test("names: quoted when not plain ASCII words, split from addresses")
    func names() {
        #expect(EmailAddress.parse("Paul E. McKenney <paulmck@kernel.org>").name == "\"Paul E. McKenney\"")
        #expect(EmailAddress.parse("Ji-Ze Hong (Peter Hong) <p@f.tw>") == ("\"Ji-Ze Hong (Peter Hong)\"", "p@f.tw"))
        #expect(EmailAddress.format(name: "Björn", address: "b@x.org") == "\"Björn\" <b@x.org>")
        #expect(EmailAddress.parse("list@example.org (moderated)").address == "list@example.org")
        #expect(RecipientResolver.addresses(inValue: "a@b.org, C D <c@d.org>") == ["a@b.org", "C D <c@d.org>"])
        #expect(RecipientResolver.addresses(inValue: "\"Lee, Chun-Yi\" <jlee@suse.com>") == ["\"Lee, Chun-Yi\" <jlee@suse.com>"])
    }

    @Test("addresses in a binding: the last two names, or three with an initial")
    func fileEmails() {
        let text = "maintainers:\n  - Rob Herring <robh@kernel.org>\n  - J. R. R. Tolkien <jrr@example.org>\n"
        #expect(FileEmailExtractor.addresses(in: text) == ["Rob Herring <robh@kernel.org>", "\"R. R. Tolkien\" <jrr@example.org>"])
    }
}
