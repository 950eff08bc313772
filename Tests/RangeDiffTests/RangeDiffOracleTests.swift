import Foundation
import Git
import RangeDiff
import Testing
import TestSupport

/// Oracle tests: `RangeDiff`'s text must equal `git range-diff --no-color`'s byte for byte on
/// the same ranges, for the ways a series changes between versions, in small repositories
/// and on the real kernel tree.
@Suite("git range-diff oracle")
struct RangeDiffOracleTests {
    @Test("every scenario prints what git range-diff prints")
    func parity() throws {
        let fixture = try SeriesScenarios()
        var scenarios = try fixture.scenarios()
        scenarios.append(try SeriesScenarios.notesScenario(notesRef: nil))
        scenarios.append(try SeriesScenarios.notesScenario(notesRef: "refs/notes/review"))
        let kernel = try KernelScenario.make()
        scenarios.append(kernel)
        scenarios.append(try KernelScenario.nested(in: kernel))
        var identical = 0
        for scenario in scenarios {
            let outcome = try scenario.oracle.run(
                scenario.oldBase, scenario.oldTip, scenario.newBase, scenario.newTip,
                creationFactor: scenario.creationFactor)
            if outcome.identical {
                identical += 1
            } else {
                Issue.record("\(scenario.name): differs from git range-diff\n\(RangeDiffOracle.readableDifference(outcome))")
            }
            #expect(!outcome.expected.isEmpty, "\(scenario.name): git printed nothing")
        }
        print("range-diff parity: \(identical)/\(scenarios.count) identical")
        #expect(identical == scenarios.count)
    }

    @Test("the pairing as values: identical, changed, removed and added patches, reordered")
    func pairs() throws {
        let fixture = try SeriesScenarios()
        let repository = try Repository(at: fixture.series.path)
        let rangeDiff = RangeDiff(repository: repository)
        func range(_ base: String, _ tip: String) throws -> [ObjectID] {
            try rangeDiff.commits(from: repository.commitID(forRevision: base), to: repository.commitID(forRevision: tip))
        }
        let v1 = try range("base1", "v1")
        #expect(v1.count == 4)
        // p2 and p3 swap, p3 reworded, p4 dropped, a patch added.
        try fixture.series.build(
            [SeriesScenarios.p1, SeriesScenarios.p3Reworded, SeriesScenarios.p2, SeriesScenarios.extra],
            on: "base2", tag: "pairs")
        let v2 = try range("base2", "pairs")
        let pairs = try rangeDiff.pairs(old: v1, new: v2)
        #expect(pairs == [
            PatchPair(old: 0, new: 0, relation: .identical),
            PatchPair(old: 2, new: 1, relation: .changed),
            PatchPair(old: 1, new: 2, relation: .identical),
            PatchPair(old: 3, new: nil, relation: .removed),
            PatchPair(old: nil, new: 3, relation: .added),
        ])
        let report = try rangeDiff.report(old: v1, new: v2)
        #expect(report.pairs == pairs)
        #expect(report.text == (try rangeDiff.compare(old: v1, new: v2)))
    }
}

/// A range-diff to check: two ranges of one repository.
struct Scenario {
    var name: String
    var oracle: RangeDiffOracle
    var oldBase: String
    var oldTip: String
    var newBase: String
    var newTip: String
    var creationFactor: Int? = nil
    /// What must live while the scenario runs (its scratch repository).
    var keepAlive: AnyObject? = nil
}

/// The fixture series: v1 (four patches on `base1`) and its v2 variants, mostly on `base2`
/// (`base1` plus unrelated changes that move line numbers).
struct SeriesScenarios {
    let series: SeriesRepository

    static let source = """
        #include <stdio.h>

        static int counter;

        int helper(int x)
        {
        \treturn x * 2;
        }

        int compute(int a, int b)
        {
        \tint sum = a + b;

        \tcounter++;
        \tif (sum > 10)
        \t\tsum = 10;
        \treturn sum;
        }

        int main(void)
        {
        \tprintf("%d\\n", compute(1, 2));
        \treturn 0;
        }

        """

    static let readme = """
        Example project
        ===============

        Build with make.
        Run ./example.

        Licence: MIT.

        """

    static let p1 = TestPatch(
        "compute: count calls and clamp in one place\n\nThe clamp moves next to the counter.\n",
        [("src/example.c", .transform {
            $0.replacingOccurrences(of: "\tcounter++;\n", with: "\tcounter++;\n\tsum = sum < 0 ? 0 : sum;\n")
                .replacingOccurrences(of: "\treturn sum;\n}", with: "\treturn sum + 0;\n}")
        })])
    static let p1First = TestPatch(
        "compute: clamp negative sums\n",
        [("src/example.c", .transform {
            $0.replacingOccurrences(of: "\tcounter++;\n", with: "\tcounter++;\n\tsum = sum < 0 ? 0 : sum;\n")
        })])
    static let p1Second = TestPatch(
        "compute: make the return explicit\n",
        [("src/example.c", .transform { $0.replacingOccurrences(of: "\treturn sum;\n}", with: "\treturn sum + 0;\n}") })])
    static let clamp = """
        /* Clamp a value into a range. */
        int clamp(int v, int lo, int hi)
        {
        \tif (lo > hi) {
        \t\tint t = lo;

        \t\tlo = hi;
        \t\thi = t;
        \t}
        \tif (v < lo)
        \t\treturn lo;
        \tif (v > hi)
        \t\treturn hi;
        \treturn v;
        }

        int clamp_positive(int v)
        {
        \treturn clamp(v, 0, 1 << 30);
        }

        """
    static let p2 = TestPatch(
        "lib: add clamp()\n\nA helper for\tlater patches:\n\n\tint clamp(int v, int lo, int hi);   \n\tab\tc\u{e9}\td\u{4e2d}\te\n\nSigned-off-by: Test Author <author@example.org>\n",
        [("lib/clamp.c", .write(clamp))])
    static let p2Changed = TestPatch(
        p2.message, [("lib/clamp.c", .write(clamp.replacingOccurrences(of: "1 << 30", with: "1 << 20")))])
    static let p2Reworded = TestPatch(
        p2.message.replacingOccurrences(of: "A helper for", with: "A small helper for"), p2.edits)
    static let p3 = TestPatch(
        "README: describe usage\n\nSay how to run it.\n",
        [("README", .transform { $0.replacingOccurrences(of: "Run ./example.\n", with: "Run ./example, then read the output.\n") })])
    static let p3Reworded = TestPatch(
        "README: describe how to run the example\n\nSay how to run it, and what it prints.\n\nSigned-off-by: Test Author <author@example.org>\n",
        p3.edits)
    static let p4 = TestPatch(
        "main: print twice\n",
        [("src/example.c", .transform {
            $0.replacingOccurrences(of: "\treturn 0;\n}", with: "\tprintf(\"%d\\n\", compute(3, 4));\n\treturn 0;\n}")
        })])
    static let p4Changed = TestPatch(
        "main: print twice\n",
        [("src/example.c", .transform {
            $0.replacingOccurrences(of: "\treturn 0;\n}", with: "\tprintf(\"%d\\n\", compute(5, 6));\n\treturn 0;\n}")
        })])
    static let extra = TestPatch(
        "docs: add a changelog\n",
        [("docs/CHANGES", .write("v1: first version\nv2: second version\n"))])

    init() throws {
        series = try SeriesRepository()
        let mailmap = "Mapped Author <mapped@example.org> <author@example.org>\n"
        try series.build(
            [TestPatch("base\n", [
                ("src/example.c", .write(Self.source)), ("README", .write(Self.readme)), (".mailmap", .write(mailmap)),
                ("tools/run.sh", .write("#!/bin/sh\nexec ./example \"$@\"\n")),
                ("data/logo.bin", .bytes([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02, 0x03, 0x00, 0xFF])),
                ("data/old-name.txt", .write((1...20).map { "line \($0)\n" }.joined())),
                ("data/obsolete.txt", .write("to be removed\n")),
                ("data/no-newline.txt", .write("first\nlast without newline")),
            ])],
            on: nil, tag: "base1")
        try series.build(
            [TestPatch("unrelated: shift the lines\n", [
                ("src/example.c", .transform { "/* SPDX-License-Identifier: MIT */\n/* example */\n\n" + $0 }),
                ("NEWS", .write("news\n")),
            ])],
            on: "base1", tag: "base2")
        try series.build([Self.p1, Self.p2, Self.p3, Self.p4], on: "base1", tag: "v1")
    }

    func scenarios() throws -> [Scenario] {
        let oracle = RangeDiffOracle(repositoryPath: series.path, environment: series.fixture.environment)
        var scenarios: [Scenario] = []
        func add(_ name: String, _ patches: [TestPatch], on base: String = "base2", creationFactor: Int? = nil) throws {
            let tag = "v2-\(scenarios.count)"
            try series.build(patches, on: base, tag: tag)
            scenarios.append(
                Scenario(
                    name: name, oracle: oracle, oldBase: "base1", oldTip: "v1", newBase: base, newTip: tag,
                    creationFactor: creationFactor))
        }
        let (p1, p2, p3, p4) = (Self.p1, Self.p2, Self.p3, Self.p4)
        try add("rebased, unchanged", [p1, p2, p3, p4])
        try add("same base, same commits", [p1, p2, p3, p4], on: "base1")
        try add("one patch's code changed", [p1, Self.p2Changed, p3, p4])
        try add("commit message changed", [p1, p2, Self.p3Reworded, p4])
        try add("a patch dropped", [p1, p3, p4])
        try add("a patch added", [p1, p2, Self.extra, p3, p4])
        try add("patches reordered", [p1, p3, p2, p4])
        try add("a patch split in two", [Self.p1First, Self.p1Second, p2, p3, p4])
        try add("last patch changed, first dropped, one added", [p2, p3, Self.p4Changed, Self.extra])
        try add("creation factor 100", [Self.p1First, p2, Self.p2Changed, p4], creationFactor: 100)
        try add("creation factor 10", [p1, Self.p2Changed, p3, Self.p4Changed], creationFactor: 10)
        try add("author changed", [
            TestPatch(p1.message, p1.edits, author: "Other Person <other@example.org>"), p2, p3, p4,
        ])
        try add("message with tabs reworded", [p1, Self.p2Reworded, p3, p4])

        // Patches with identical file sections: which pairs with which follows git's hash map,
        // whose chains reverse when it grows past 51 entries and shrinks again.
        func churn(_ rounds: Int, _ label: String) -> [TestPatch] {
            (1...rounds).flatMap { round in
                [
                    TestPatch("dup: create (\(label) \(round))\n", [("dup.txt", .write("duplicate\n"))]),
                    TestPatch("dup: delete (\(label) \(round))\n", [("dup.txt", .delete)]),
                ]
            }
        }
        for (rounds, name) in [(2, "a few"), (30, "sixty")] {
            try series.build(churn(rounds, "v1"), on: "base1", tag: "churn-v1-\(rounds)")
            try series.build(churn(rounds, "v2"), on: "base2", tag: "churn-v2-\(rounds)")
            scenarios.append(
                Scenario(
                    name: "\(name) patches with identical diffs", oracle: oracle, oldBase: "base1",
                    oldTip: "churn-v1-\(rounds)", newBase: "base2", newTip: "churn-v2-\(rounds)"))
        }

        // Renames, mode changes, deletions, binaries and missing newlines on both sides, changed
        // (a creation factor of 200% keeps the changed patches paired).
        func files(renamedTo newName: String, secondLine: String, v2: Bool) -> [TestPatch] {
            [
                p1,
                TestPatch("data: rename and tweak\n", [
                    ("data/old-name.txt", .rename(to: newName)),
                    (newName, .transform { $0.replacingOccurrences(of: "line 10\n", with: "line ten\n") }),
                ]),
                TestPatch("tools: make run.sh executable, drop obsolete data\n", [
                    ("tools/run.sh", .executable(true)), ("data/obsolete.txt", .delete),
                    ("data/logo.bin", .bytes([0x89, 0x50, 0x4E, 0x47, 0x00, 0x09, 0x09, 0x09, 0x00, 0xFE])),
                    ("data/no-newline.txt", .write("first\n\(secondLine)\nlast still without newline")),
                ] + (v2 ? [
                    ("tools/run.sh", .transform { $0 + "# v2\n" }),
                ] : [
                    ("data/new.bin", .bytes([0x00, 0x01, 0x02])),
                ])),
                TestPatch("empty: nothing to see\n", []),
                p4,
            ]
        }
        try series.build(files(renamedTo: "data/new-name.txt", secondLine: "second", v2: false), on: "base1", tag: "files-v1")
        try series.build(files(renamedTo: "data/renamed.txt", secondLine: "2nd", v2: true), on: "base2", tag: "files-v2")
        scenarios.append(
            Scenario(
                name: "renames, modes, deletions, binaries, missing newlines", oracle: oracle, oldBase: "base1",
                oldTip: "files-v1", newBase: "base2", newTip: "files-v2", creationFactor: 200))
        try add("nine patches against four", [p1, p2, p3, p4] + (1...5).map { index in
            TestPatch("docs: note \(index)\n", [("docs/note-\(index).txt", .write("note \(index)\n"))])
        })

        return scenarios
    }

    /// Notes on both sides (in a repository of their own: `--notes` shows them on every range),
    /// under `refs/notes/commits` or under the ref `core.notesRef` names.
    static func notesScenario(notesRef: String?) throws -> Scenario {
        let fixture = try SeriesScenarios()
        let series = fixture.series
        if let notesRef { try series.fixture.git("config", "core.notesRef", notesRef) }
        try series.build([p1, p2, p3Reworded, p4], on: "base2", tag: "v2")
        try series.fixture.git("notes", "add", "-m", "v1 note\n\n\twith a second paragraph   ", "v1~1")
        try series.fixture.git("notes", "add", "-m", "v2 note, changed", "v2~1")
        try series.fixture.git("notes", "add", "-m", "same note", "v1")
        try series.fixture.git("notes", "add", "-m", "same note", "v2")
        return Scenario(
            name: "notes in \(notesRef ?? "refs/notes/commits")",
            oracle: RangeDiffOracle(repositoryPath: series.path, environment: series.fixture.environment),
            oldBase: "base1", oldTip: "v1", newBase: "base2", newTip: "v2", keepAlive: fixture.series)
    }
}

/// A two-patch series on `v6.1-deb` carried to `v6.12-deb` in a scratch clone of the kernel,
/// one patch reworded and one with its code changed.
enum KernelScenario {
    static func make() throws -> Scenario {
        let clone = try KernelScratchClone()
        let debug = { (text: String) in
            text.replacingOccurrences(
                of: "\tconsole_loglevel = CONSOLE_LOGLEVEL_DEBUG;\n",
                with: "\tconsole_loglevel = CONSOLE_LOGLEVEL_DEBUG;\n\tpr_info(\"debug console\\n\");\n")
        }
        let oops = { (comment: String) in
            { (text: String) in
                text.replacingOccurrences(
                    of: "\tif (!strcmp(s, \"panic\"))\n\t\tpanic_on_oops = 1;\n",
                    with: "\t/* \(comment) */\n\tif (!strcmp(s, \"panic\"))\n\t\tpanic_on_oops = 1;\n")
            }
        }
        let quiet = { (text: String) in
            text.replacingOccurrences(
                of: "\tconsole_loglevel = CONSOLE_LOGLEVEL_QUIET;\n",
                with: "\tconsole_loglevel = CONSOLE_LOGLEVEL_QUIET;\n\tpr_info(\"quiet console\\n\");\n")
        }
        for (base, version) in [("v6.1-deb", "v1"), ("v6.12-deb", "v2")] {
            try clone.commit(
                on: base, tag: "\(version)-1", file: "init/main.c", message: "init: say when the console is verbose",
                debug)
            try clone.commit(
                on: "\(version)-1", tag: "\(version)-2", file: "kernel/panic.c",
                message: version == "v1" ? "panic: explain oops=panic" : "panic: document oops=panic\n\nv2: reworded.",
                oops(version == "v1" ? "oops=panic" : "oops=panic panics on oops"))
            try clone.commit(
                on: "\(version)-2", tag: "\(version)-3", file: "init/main.c", message: "init: say when the console is quiet",
                quiet)
        }
        return Scenario(
            name: "kernel v6.1-deb → v6.12-deb",
            oracle: RangeDiffOracle(repositoryPath: clone.path, environment: clone.environment),
            oldBase: "v6.1-deb", oldTip: "v1-3", newBase: "v6.12-deb", newTip: "v2-3", keepAlive: clone)
    }

    /// The same series read from a `--shared` clone of that scratch clone: its objects are
    /// two alternates away (the clone holds the series loose, the kernel tree its packs), and
    /// git sizes the abbreviated ids by the packs it reaches through both.
    static func nested(in scenario: Scenario) throws -> Scenario {
        guard let clone = scenario.keepAlive as? KernelScratchClone else { throw NestedCloneMissing() }
        let nested = "\(clone.scratch.path)/nested.git"
        try ProcessRunner.checked(["git", "clone", "-q", "--bare", "--shared", clone.path, nested], environment: clone.environment)
        var result = scenario
        result.name = "kernel v6.1-deb → v6.12-deb through nested alternates"
        result.oracle = RangeDiffOracle(repositoryPath: nested, environment: clone.environment)
        return result
    }

    struct NestedCloneMissing: Error {}
}
