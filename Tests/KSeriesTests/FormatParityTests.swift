import Foundation
import KSeries
import Policy
import Testing
import TestSupport

/// The oracle for `kseries format`: on varied histories and on the real kernel tree, every
/// file it writes is compared byte for byte with `git format-patch`'s for the same commits
/// and options (git gets `--signature=kseries <version>`; message-id times are normalised).
@Suite("kseries format against git format-patch")
struct FormatParityTests {
    /// One fixed time for kseries' message ids; git uses the clock, which the oracle masks.
    static let messageIDTime = "1700000000"

    @Test("every mail is identical to git format-patch's, on varied histories and the real kernel")
    func parity() throws {
        let oracle = try FormatOracle()
        try variedHistory(oracle)
        try mergeHistory(oracle)
        try renameHistory(oracle)
        try renameLimitHistory(oracle)
        try signoffHistory(oracle)
        try functionContext(oracle)
        try realKernel(oracle)
        print("format parity: \(oracle.identical)/\(oracle.total) identical")
        #expect(oracle.mismatches.isEmpty, "\(oracle.mismatches.joined(separator: "\n"))")
        #expect(oracle.identical == oracle.total)
    }

    static func environment(_ base: [String: String]) -> [String: String] {
        var environment = base
        environment["GIT_COMMITTER_DATE"] = "1700050000 +0100"
        environment["KSERIES_MESSAGE_ID_TIME"] = messageIDTime
        return environment
    }

    // MARK: - A history with everything format-patch treats specially

    /// Function context, renames, binaries, modes, UTF-8 and Latin-1 authors, long subjects,
    /// an empty message, `---` in a message, an empty commit, symlinks, quoted paths.
    static func makeVariedHistory() throws -> FormatHistory {
        let history = try FormatHistory()
        try history.write(".gitattributes", "*.c diff=cpp\n*.h diff=cpp\n")
        try history.write("main.c", """
            #include <stdio.h>

            static int helper(int x)
            {
            \tint ret = 0;

            \tif (x < 0)
            \t\tgoto out;
            \tret = x * 2;
            \tret += 1;
            \tret += 2;
            \tret += 3;
            out:
            \treturn ret;
            }

            int main(void)
            {
            \treturn helper(3);
            }

            """)
        try history.write("notes.txt", (1...40).map { "line \($0)\n" }.joined())
        try history.write("old-name.txt", (1...30).map { "moved content \($0)\n" }.joined())
        try history.write("pure.txt", (1...30).map { "renamed content \($0)\n" }.joined())
        try history.write("nonl.txt", "no newline at end")
        try history.write("blob.bin", bytes: [0, 1, 2] + Array("binary".utf8) + [0xFF])
        try history.write("big.bin", bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 3000) + [0])
        try history.write("run.sh", "script\n")
        try history.write("dir with space/f.c", "x\n")
        try history.commit("base: initial tree")

        try history.write("main.c", try String(contentsOfFile: "\(history.path)/main.c", encoding: .utf8)
            .replacingOccurrences(of: "\tret += 3;\n", with: "\tret += 3;\n\tret += 4;\n"))
        try history.commit("main: add four next to the label")
        try history.move("old-name.txt", "new-name.txt")
        try history.write("new-name.txt", (1...30).map { $0 == 5 ? "changed line five\n" : "moved content \($0)\n" }.joined())
        try history.commit("rename with a change")
        try history.move("pure.txt", "sub/pure-moved.txt")
        try history.commit("pure rename")
        try history.write("blob.bin", bytes: [0, 1, 2] + Array("binary changed".utf8) + [0xFF, 0xFE])
        try history.write("added.bin", bytes: [0] + Array("new".utf8))
        try history.remove("big.bin")
        try history.commit("binaries: modify, add, delete")
        try history.chmod("run.sh", executable: true)
        try history.commit("run.sh: make executable")
        try history.chmod("run.sh", executable: false)
        try history.write("run.sh", "script\nmore\n")
        try history.commit("run.sh: not executable, one more line")
        try history.write("notes.txt", (1...40).map { "line \($0)\n" }.joined() + "utf\n")
        try history.commit(
            "notes: ünïcödé subject and body\n\nBody with naïve text.", author: ("Jörg Ümlaut-Straße", "joerg@example.org"))
        try history.write("notes.txt", (1...40).map { "line \($0)\n" }.joined() + "utf\nlong\n")
        try history.commit(
            "this is a very long subject line that certainly goes past the seventy-eight column limit of mail headers and must fold")
        try history.write("notes.txt", (1...40).map { "line \($0)\n" }.joined() + "utf\nlong\ndashes\n")
        try history.commit("""
            message: contains dashes

            Some text.
            ---
            Not a separator for git, but looks like one.
            diff --git a/x b/x
            Trailing text.

            Signed-off-by: Test Committer <committer@example.org>
            """)
        try history.commit("an empty commit")
        try history.write("nonl.txt", "no newline at endx\n")
        try history.commit("")
        try history.write("notes.txt", (1...40).map { "line \($0)\n" }.joined() + "utf\nlong\ndashes\nno newline again")
        try history.commit("notes: end without newline\n\nCc: Someone <someone@example.org>")
        try history.symlink("link", to: "notes.txt")
        try history.commit("add a symlink")
        try history.write("dir with space/f.c", "y\n")
        try history.write("quote\"d.txt", "q\n")
        try history.commit("paths with spaces and quotes", author: ("A. U. Thor (Maintainer)", "thor@example.org"))
        try history.remove("notes.txt")
        try history.commit("delete notes")
        try history.write("main.c", try String(contentsOfFile: "\(history.path)/main.c", encoding: .utf8) + "latin\n")
        try history.rawCommit(
            authorLine: Array("Fran".utf8) + [0xE7] + Array("ois L".utf8) + [0xE9] + Array("ger <fl@example.org> 1700009000 +0200".utf8),
            encoding: "ISO-8859-1",
            message: Array("caf".utf8) + [0xE9] + Array(": latin-1 message\n\nBody ".utf8) + [0xE9, 0x74, 0xE9] + Array(".\n".utf8))
        try history.fixture.git("tag", "series-end")
        return history
    }

    func variedHistory(_ oracle: FormatOracle) throws {
        let history = try Self.makeVariedHistory()
        let environment = Self.environment(history.fixture.environment)
        let cases: [[String]] = [
            ["--root", "HEAD"],
            ["HEAD~16"],
            ["--cover-letter", "HEAD~10"],
            ["-v3", "--rfc", "--cover-letter", "--thread", "HEAD~6"],
            ["-v", "2", "--thread=deep", "--cover-letter", "HEAD~3"],
            ["--thread=deep", "--in-reply-to=<prev.1@example.org>", "HEAD~5"],
            ["--thread=shallow", "--cover-letter", "--in-reply-to=prev.2@example.org", "HEAD~5"],
            ["--thread", "HEAD~4"],
            ["-N", "--subject-prefix=PATCH net-next", "HEAD~3"],
            ["-n", "--subject-prefix", "", "-1"],
            ["-1", "series-end~6"],
            ["--to=a@example.org", "--to=C D <c@example.org>", "--cc=e@example.org", "--cover-letter", "HEAD~4"],
            ["--base=HEAD~8", "HEAD~4"],
            ["--base=HEAD~8", "--cover-letter", "HEAD~7..HEAD~4"],
            ["--base=HEAD~16", "-3"],
            ["--signoff", "--root", "HEAD"],
            ["-s", "--cover-letter", "--thread", "--to=list@example.org", "HEAD~8"],
            ["HEAD~12..HEAD~9", "--cover-letter", "--base=HEAD~13"],
        ]
        for arguments in cases {
            try oracle.compare("varied \(arguments)", repository: history.path, arguments, environment: environment)
        }
        // A branch description replaces the blurb when the range names the branch.
        try history.fixture.git("config", "branch.main.description", "Why this series.\n\nIt has   \ntwo paragraphs.\n")
        for arguments in [
            ["--cover-letter", "HEAD~3"], ["--cover-letter", "HEAD~3..main"], ["--cover-letter", "-2"],
            ["--cover-letter", "-2", "main"], ["--cover-letter", "HEAD~2..HEAD~1"], ["--cover-letter", "HEAD~2..HEAD"],
        ] {
            try oracle.compare("varied, branch description \(arguments)", repository: history.path, arguments, environment: environment)
        }
        try history.fixture.git("config", "--unset", "branch.main.description")

        // A committer whose name git must encode: the sign-off brings MIME headers.
        var utf8Committer = environment
        utf8Committer["GIT_COMMITTER_NAME"] = "Zoë Committer"
        try oracle.compare(
            "varied, UTF-8 committer", repository: history.path, ["-s", "--cover-letter", "HEAD~5"],
            environment: utf8Committer)
        // The same history without a work tree: no attributes, so git's default function context.
        try oracle.compare("varied, bare", repository: try history.bareClone(), ["--root", "series-end"], environment: environment)
    }

    // MARK: - Merges, which git skips

    func mergeHistory(_ oracle: FormatOracle) throws {
        let history = try FormatHistory()
        try history.write("a.txt", "a\n")
        try history.write("s.txt", "s\n")
        try history.commit("base", at: 1_700_000_000)
        try history.fixture.git("tag", "base")
        try history.write("a.txt", "a\na1\n")
        try history.commit("main: a1", at: 1_700_000_100)
        try history.fixture.git("tag", "a1")
        try history.fixture.git("checkout", "-q", "-b", "side", "base")
        try history.write("s.txt", "s\ns1\n")
        try history.commit("side: s1", at: 1_700_000_200)
        try history.write("s.txt", "s\ns1\ns2\n")
        try history.commit("side: s2", at: 1_700_000_050)
        try history.fixture.git("checkout", "-q", "main")
        var environment = history.fixture.environment
        environment["GIT_AUTHOR_DATE"] = "1700000300 +0000"
        environment["GIT_COMMITTER_DATE"] = "1700000300 +0000"
        try ProcessRunner.checked(["git", "-C", history.path, "merge", "-q", "--no-edit", "side"], environment: environment)
        try history.write("a.txt", "a\na1\na2\n")
        try history.commit("main: a2", at: 1_700_000_300)
        try history.write("a.txt", "a\na1\na2\na3\n")
        try history.commit("main: a3", at: 1_700_000_300)

        let environmentForAll = Self.environment(history.fixture.environment)
        for arguments in [
            ["base..HEAD"], ["--cover-letter", "a1..HEAD"], ["-3"], ["--base=base", "--cover-letter", "a1..HEAD"],
            ["--thread", "--cover-letter", "base"],
        ] {
            try oracle.compare(
                "merges \(arguments)", repository: history.path, arguments + ["--no-merges"], environment: environmentForAll)
        }
    }

    // MARK: - Renames at every similarity

    /// Renames scored as git scores them (`similarity index`, the 50% threshold): edited text,
    /// CRLF text, binary data, tiny and identical files, a moved symbolic link.
    /// More added × deleted files than git's rename limit squared (1001 × 1001 > 1000²): git
    /// pairs exact renames only, so 1001 files changed by one line each are deletions and
    /// additions, and the one moved unchanged is still a rename.
    func renameLimitHistory(_ oracle: FormatOracle) throws {
        let history = try FormatHistory()
        for index in 0...1001 {
            try history.write("old/o\(index).txt", (1...20).map { "file \(index) line \($0)\n" }.joined())
        }
        try history.commit("base: 1002 files")
        _ = try history.fixture.git("rm", "-q", "-r", "old")
        for index in 0...1000 {
            try history.write("new/n\(index).txt", (1...20).map { "file \(index) \($0 == 7 ? "LINE" : "line") \($0)\n" }.joined())
        }
        try history.write("kept/o1001.txt", (1...20).map { "file 1001 line \($0)\n" }.joined())
        try history.commit("every file renamed, all but one changed")
        try oracle.compare("past the rename limit", repository: history.path, ["-1"], environment: Self.environment(history.fixture.environment))
    }

    func renameHistory(_ oracle: FormatOracle) throws {
        let history = try FormatHistory()
        var random = SeededBytes(seed: 7)
        for index in 1...6 {
            try history.write("f\(index).txt", (1...40).map { "file\(index) line \($0)\n" }.joined())
        }
        try history.write("tiny.txt", (1...5).map { "tiny \($0)\n" }.joined())
        let binary = random.bytes(3000)
        try history.write("bin.dat", bytes: binary)
        try history.write("crlf.txt", (1...60).map { "\($0)\r\n" }.joined())
        try history.write("short.txt", "abc")
        try history.symlink("link", to: "f1.txt")
        try history.write("s1.txt", (1...30).map { "same \($0)\n" }.joined())
        try history.write("s2.txt", (1...30).map { "same \($0)\n" }.joined())
        try history.write("a/name.c", (1...20).map { "int a\($0);\n" }.joined())
        try history.commit("base")
        for index in 1...6 {
            try history.move("f\(index).txt", "g\(index).txt")
            try history.write("g\(index).txt", (1...40).map { "file\(index) \($0 <= index * 4 ? "LINE" : "line") \($0)\n" }.joined())
        }
        try history.move("tiny.txt", "tiny2.txt")
        try history.write("tiny2.txt", (1...6).map { "tiny \($0)\n" }.joined())
        try history.move("bin.dat", "bin2.dat")
        var edited = binary
        edited[100] = 0x78
        edited[101] = 0x78
        try history.write("bin2.dat", bytes: edited)
        try history.move("crlf.txt", "crlf2.txt")
        try history.write("crlf2.txt", (1...60).map { $0 <= 5 ? "X\($0)\r\n" : "\($0)\r\n" }.joined())
        try history.move("short.txt", "short2.txt")
        try history.move("link", "link2")
        try history.move("s1.txt", "t1.txt")
        try history.move("s2.txt", "t2.txt")
        try history.write("t2.txt", (1...30).map { "same \($0)\n" }.joined() + "extra\n")
        try history.move("a/name.c", "b/name.c")
        try history.write("b/name.c", (1...20).map { $0 == 7 ? "int seven;\n" : "int a\($0);\n" }.joined())
        try history.commit("rename everything")
        let environment = Self.environment(history.fixture.environment)
        try oracle.compare("renames", repository: history.path, ["--cover-letter", "--base=HEAD~1", "-1"], environment: environment)
        try oracle.compare("renames, root", repository: history.path, ["--root", "HEAD"], environment: environment)
    }

    // MARK: - Sign-off against every kind of trailer block

    func signoffHistory(_ oracle: FormatOracle) throws {
        let history = try FormatHistory()
        let messages = [
            "title only",
            "title\n\nbody text",
            "title\n\nbody\n\nSigned-off-by: Other <other@example.org>",
            "title\n\nSigned-off-by: Test Committer <committer@example.org>\nCc: someone@example.org",
            "title\n\nbody\n\nSigned-off-by: Test Committer <committer@example.org>",
            "title\n\nbody\nReviewed-by: A <a@example.org>",
            "title\n\nbody\n\n(cherry picked from commit 0123456789abcdef)\nsome text\nmore text\nother",
            "title\n\nbody\n\nFixes: 0123456789ab (\"x\")\n# a comment line\n",
            "title\n\nLink: https://example.org/x\n  continued\nSigned-off-by: Z <z@example.org>",
            "title\n\nbody\n\nnot: a trailer block\nbecause this line is prose",
            "title\n\n\n\nbody after blank lines   \n\n\n",
        ]
        for (index, message) in messages.enumerated() {
            try history.write("file.txt", "\(index)\n")
            try history.commit(message, extra: ["--cleanup=verbatim"])
        }
        let environment = Self.environment(history.fixture.environment)
        try oracle.compare("sign-off", repository: history.path, ["-s", "--root", "HEAD"], environment: environment)
        try oracle.compare("sign-off, cover", repository: history.path, ["--signoff", "--cover-letter", "-3"], environment: environment)
    }

    // MARK: - Hunk function context with and without attributes

    /// A label at column 0 above a hunk: with `*.c diff=cpp` (work tree) git skips it for the
    /// function line; in a bare repository git 2.39 reads no attributes and uses it.
    func functionContext(_ oracle: FormatOracle) throws {
        let history = try FormatHistory()
        try history.write(".gitattributes", "*.c diff=cpp\n")
        try history.write("f.c", "int f(void)\n{\n\tint a = 0;\nout:\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\treturn a;\n}\n")
        try history.commit("base")
        try history.write("f.c", "int f(void)\n{\n\tint a = 0;\nout:\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\treturn a + 1;\n}\n")
        try history.commit("f: return one more")
        // A function line whose 80th byte comes right after a space (git cuts, then trims),
        // one whose 80th byte is a tab, and a message with ESC (non-ASCII to git).
        func signature(_ stem: String, _ separator: String) -> String {
            stem + String(repeating: "x", count: 79 - stem.utf8.count) + separator + "int last)\n"
        }
        let cut = signature("static int function_with_a_long_signature(struct some_type *first, int ", " ")
        let tab = signature("static int another_function_with_a_long_signature(int first, ", "\t")
        let body = "{\n\tint a = 0;\n\ta++;\n\ta++;\n\ta++;\n\ta++;\n\treturn a;\n}\n"
        try history.write("long.c", cut + body + "\n" + tab + body)
        try history.commit("long: base")
        try history.write("long.c", cut + body.replacingOccurrences(of: "return a;", with: "return a + 1;") + "\n" + tab
            + body.replacingOccurrences(of: "return a;", with: "return a + 2;"))
        try history.commit("long: edit both \u{1B}[1mbold\u{1B}[m\n\nAn ESC \u{1B} in the body.\r\nA CRLF line.\r\n")
        let environment = Self.environment(history.fixture.environment)
        try oracle.compare("function context, work tree", repository: history.path, ["-1", "HEAD~2"], environment: environment)
        try oracle.compare("long function lines, work tree", repository: history.path, ["--cover-letter", "-2"], environment: environment)
        let bare = try history.bareClone()
        try oracle.compare("function context, bare", repository: bare, ["-1", "HEAD~2"], environment: environment)
        try oracle.compare("long function lines, bare", repository: bare, ["--cover-letter", "-2"], environment: environment)
    }

    // MARK: - The real kernel

    func realKernel(_ oracle: FormatOracle) throws {
        let clone = try KernelScratchClone()
        let environment = Self.environment(clone.environment)
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop")
        let output = try ScratchDirectory("kseries-parity-generate")
        let generated = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, outputDirectory: output.path, environment: clone.environment))
        let range = "v6.12-deb..\(generated.reference)"
        for arguments in [
            [range], ["--cover-letter", "--base=v6.12-deb", range], ["--thread", "--cover-letter", "-v2", "--rfc", range],
            ["-s", "--to=kvm@vger.kernel.org", "--cc=rcu@vger.kernel.org", range],
        ] {
            try oracle.compare("kernel series \(arguments)", repository: clone.path, arguments, environment: environment)
        }

        // Commits a developer makes on real files: after a label (function context in a bare
        // repository), in a header, and a deleted line.
        try clone.commit(on: "v6.12-deb", tag: "k1", file: "kernel/rcu/tree.c", message: "rcu: note a label\n\nAfter unlock_out:.") {
            $0.replacingOccurrences(of: "\tif (rnp != rnp_start)\n\t\traw_spin_unlock_rcu_node(rnp);\n\treturn ret;",
                                    with: "\tif (rnp != rnp_start)\n\t\traw_spin_unlock_rcu_node(rnp);\n\t/* kseries */\n\treturn ret;")
        }
        try clone.commit(on: "k1", tag: "k2", file: "include/linux/kvm_host.h", message: "KVM: a comment in kvm_host.h") {
            $0.replacingOccurrences(of: "#ifndef __KVM_HOST_H\n", with: "#ifndef __KVM_HOST_H\n/* kseries parity */\n")
        }
        try clone.commit(on: "k2", tag: "k3", file: "virt/kvm/kvm_main.c", message: "KVM: drop a blank line") {
            $0.replacingOccurrences(
                of: "\tstruct kvm_vcpu *vcpu = filp->private_data;\n\n\tkvm_put_kvm(vcpu->kvm);",
                with: "\tstruct kvm_vcpu *vcpu = filp->private_data;\n\tkvm_put_kvm(vcpu->kvm);")
        }
        for arguments in [
            ["v6.12-deb..k3"], ["--base=v6.12-deb", "k1..k3"], ["--cover-letter", "--base=v6.12-deb", "-2", "k3"],
            ["--thread=deep", "--signoff", "v6.12-deb..k3"],
        ] {
            try oracle.compare("kernel commits \(arguments)", repository: clone.path, arguments, environment: environment)
        }
    }
}

/// Deterministic bytes for binary fixtures (xorshift64*).
struct SeededBytes {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return UInt8(truncatingIfNeeded: (state &* 2_685_821_657_736_338_717) >> 56)
        }
    }
}
