import Foundation
import Git
import Testing
import TestSupport

@testable import Maintainers

/// The lookup reads MAINTAINERS as bytes and skips work get_maintainer.pl does for every
/// line and pattern (an index of sections by directory, a literal-start filter, `N:`
/// patterns without ICU, `.mailmap` lines and addresses split by where their brackets are,
/// `K:` lines skipped when a patch lacks their text). These check each shortcut gives the
/// answers of the work it skips, on the real v6.12 MAINTAINERS and .mailmap.
@Suite("shortcuts of the maintainers lookup, against the work they skip")
struct FastPathTests {
    static let ref = "v6.12-deb"

    static func lookup() throws -> (MaintainerLookup, Repository, String) {
        let tree = try KernelTree.require()
        let repository = try Repository(at: tree)
        return (try MaintainerLookup(repository: repository, revision: ref), repository, tree)
    }

    static func blob(_ path: String, tree: String) throws -> String {
        try ProcessRunner.checked(["git", "-C", tree, "show", "\(ref):\(path)"]).stdoutText
    }

    /// The values of the MAINTAINERS lines of the given types.
    static func values(of types: String, in lookup: MaintainerLookup) -> [String] {
        lookup.maintainers.entries.compactMap { entry in
            guard case .typed(let type, let value) = entry, types.unicodeScalars.contains(type) else { return nil }
            return value
        }
    }

    /// Every 97th file of the tree, every directory prefix of them, and names that exercise
    /// the edges (the top level, MAINTAINERS itself, a yaml binding).
    static func names(tree: String) throws -> [String] {
        let files = try ProcessRunner.checked(["git", "-C", tree, "ls-tree", "-r", "--name-only", ref]).stdoutText
            .split(separator: "\n").map(String.init)
        var names = stride(from: 0, to: files.count, by: 97).map { files[$0] }
        names += names.prefix(50).compactMap { $0.split(separator: "/").dropLast().joined(separator: "/") + "/" }
        names += ["MAINTAINERS", "Makefile", "README", "drivers/", "arch/arm64/boot/dts/rockchip/rk3399.dtsi"]
        return names
    }

    @Test("the directory index and the literal-start filter drop no section that matches")
    func indexDropsNothing() throws {
        let (lookup, repository, tree) = try Self.lookup()
        defer { withExtendedLifetime(repository) {} }
        let all = Array(lookup.maintainers.sections.indices)
        var differing: [String] = []
        for name in try Self.names(tree: tree) {
            let indexed = lookup.sectionMatches(for: name)
            let everySection = lookup.sectionMatches(for: name, among: all, unfiltered: true)
            if indexed != everySection { differing.append("\(name): \(indexed) vs \(everySection)") }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("N: patterns match as the regex engine does")
    func namePatterns() throws {
        let (lookup, repository, tree) = try Self.lookup()
        defer { withExtendedLifetime(repository) {} }
        var patterns = Self.values(of: "N", in: lookup)
        patterns += [#"^.*/vdso/[^/]*getrandom[^/]+$"#, "a.b", #"x\.y"#, "[^a-z]ps3", "bcm[9]?47622", "ab+c", "q$", "(alt|other)"]
        #expect(patterns.count > 90)
        let names = try Self.names(tree: tree) + ["lib/vdso/getrandom.c", "axbc", "x.y", "xzy", "abbbc", "ac", "q\n", "alt"]
        var differing: [String] = []
        for pattern in patterns {
            let fast = try #require(NamePattern(pattern))
            let regex = try PerlRegex(pattern, extended: true)
            for name in names where fast.matches(FileName(name)) != regex.matches(name) {
                differing.append("\(pattern) on \(name)")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        #expect(NamePattern("(alt|other)")?.usesRegexEngine == true && NamePattern("bcm283*")?.usesRegexEngine == false)
    }

    @Test(".mailmap: reading lines by their brackets gives the regexes' map")
    func mailmap() throws {
        let (_, _, tree) = try Self.lookup()
        let crafted = """
            Real Name <real@x.org> <wrong@x.org>
            <real@y.org> <wrong@y.org>
            Real Name <real@z.org> Wrong Name <wrong@z.org>
            Three Pairs <a@x.org> <b@x.org> <c@x.org>
            Empty <> <e@x.org>
            <> <f@x.org>
            Name Only <only@x.org>   # a comment
            Spaced   Name   <s@x.org>\t<t@x.org>
            Odd <a@x.org>> trailing
            No brackets at all
            """
        for text in [try Self.blob(".mailmap", tree: tree), crafted] {
            #expect(Mailmap(text: text) == Mailmap(regexesOnly: text))
        }
    }

    @Test("parse_email: splitting by brackets and @ gives the regexes' groups")
    func emailSplit() throws {
        let (lookup, repository, tree) = try Self.lookup()
        defer { withExtendedLifetime(repository) {} }
        var values = Self.values(of: "MRL", in: lookup)
        values += try Self.blob(".mailmap", tree: tree).split(separator: "\n").map(String.init)
        values += [
            "", "a@b", "@b", " <x@y> tail", "<@y>", "Name <a@b> <c@d>", "Name <x> a@b.org", "<a b@c>", "x@y <z@w>",
            "Name <a@b >", "\"Q\" <q@x.org> (comment)", "Ünïcode <u@x.org>", "a\u{A0}b <c@d>",
        ]
        let differing = values.filter { EmailAddress.split($0) != EmailAddress.splitWithRegexes($0) }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("K: lines skipped for lacking their text could not have matched")
    func keywordRequiredText() throws {
        let (lookup, repository, tree) = try Self.lookup()
        defer { withExtendedLifetime(repository) {} }
        let diff = try ProcessRunner.checked(
            ["git", "-C", tree, "diff", "v6.1-deb", Self.ref, "--", "include/linux/bpf.h", "drivers/gpio/gpio-regmap.c",
             "include/linux/reset.h", "arch/riscv/kernel/setup.c", "security/landlock/ruleset.c"]).stdoutText
        let lines = diff.split(separator: "\n").map(String.init)
        var checked = 0
        var wrong: [String] = []
        for (index, pattern) in lookup.maintainers.keywords {
            let keyword = PatchScanner.Keyword(entryIndex: index, pattern: pattern)
            guard let text = keyword.requiredText, let regex = keyword.unprefixed else { continue }
            checked += 1
            for line in lines where regex.matches(line) {
                if !Array(line.utf8).contains(text) { wrong.append("\(pattern) matched \(line)") }
            }
        }
        #expect(checked > 30)
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(PatchScanner.Keyword.requiredText(#"\baudit_[a-z_0-9]\+\b"#) == Array("audit_".utf8))
        #expect(PatchScanner.Keyword.requiredText("(devm_)?gpio_regmap_(un)?register") == Array("gpio_regmap_".utf8))
        #expect(PatchScanner.Keyword.requiredText("[gG]oogle.?[tT]ensor") == Array("oogle".utf8))
        #expect(PatchScanner.Keyword.requiredText("ab{2}cde") == Array("cde".utf8))
        #expect(PatchScanner.Keyword.requiredText(#"\b(?i:rust)\b"#) == nil)
        #expect(PatchScanner.Keyword.requiredText("(?i)pidfd") == nil)
        #expect(PatchScanner.Keyword.requiredText(#"phylink\.h|struct\s+phylink"#) == nil)
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
