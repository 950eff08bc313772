import Foundation
import Testing
import TestSupport

/// A tree without scripts/checkpatch.pl or MAINTAINERS (a plain project, or a trimmed kernel):
/// kseries says what it could not do, and everything else still works.
@Suite("trees without checkpatch.pl or MAINTAINERS")
struct MissingKernelScriptsTests {
    @Test("check applies the patches and says checkpatch was not run; maintainers names the missing file; generate still works")
    func missingScripts() throws {
        let fixture = try GitFixture()
        try fixture.commit(["src/a.c": "int a(void)\n{\n\treturn 0;\n}\n"], message: "base")
        try fixture.git("tag", "base")
        try fixture.commit(["src/a.c": "int a(void)\n{\n\treturn 1;\n}\n"], message: "a: Return one")
        let out = "\(fixture.scratch.path)/out"
        try ProcessRunner.checked(["git", "-C", fixture.path, "format-patch", "-q", "-o", out, "base..HEAD"], environment: fixture.environment)

        let check = try KSeriesBinary.run(["check", out, "--tree", fixture.path, "--onto", "base"], in: fixture.scratch.path, environment: fixture.environment)
        #expect(check.status == 0, "\(check.stdoutText)\(check.stderrText)")
        #expect(check.stdoutText.contains("checkpatch not run: base has no scripts/checkpatch.pl"), "\(check.stdoutText)")

        let maintainers = try KSeriesBinary.run(["maintainers", "--tree", fixture.path, "src/a.c"], in: fixture.scratch.path, environment: fixture.environment)
        #expect(maintainers.status != 0)
        #expect(maintainers.stderrText.hasPrefix("kseries: error: "))
        #expect(maintainers.stderrText.contains("MAINTAINERS"), "\(maintainers.stderrText)")

        try fixture.scratch.write("Templates/t/policy.yaml", """
            base: base
            cover: {subject: S, body: B}
            patches:
              - subject: "a: Return two"
                body: b
                edits:
                  - {file: src/a.c, function: a, replace: "return 0;", with: "return 2;"}
            """)
        let generate = try KSeriesBinary.run(
            ["generate", "t", "--tree", fixture.path, "--templates", "\(fixture.scratch.path)/Templates", "-o", "\(fixture.scratch.path)/gen"],
            in: fixture.scratch.path, environment: fixture.environment)
        #expect(generate.status == 0, "\(generate.stderrText)")
    }

    @Test("among several refs, the ones without checkpatch.pl get a note and the others still run")
    func someRefsWithoutCheckpatch() throws {
        let fixture = try GitFixture()
        try fixture.commit(["src/a.c": "int a(void)\n{\n\treturn 0;\n}\n"], message: "base")
        try fixture.git("tag", "without")
        // A stand-in checkpatch.pl that speaks as the real one does: per-file headings when
        // given several files, a finding and a total line for each.
        let script = #"""
            #!/usr/bin/perl
            my @files = grep { !/^--/ } @ARGV;
            for my $f (@files) {
                print '-' x length($f), "\n$f\n", '-' x length($f), "\n" if @files > 1;
                print "$f:1: WARNING: a finding of the stand-in\n";
                print "total: 0 errors, 1 warnings, 0 checks, 3 lines checked\n";
            }
            """#
        try fixture.commit(["scripts/checkpatch.pl": script], message: "scripts: a checkpatch")
        try fixture.git("tag", "with")
        try fixture.commit(["src/a.c": "int a(void)\n{\n\treturn 1;\n}\n"], message: "a: Return one")
        try fixture.commit(["src/a.c": "int a(void)\n{\n\treturn 2;\n}\n"], message: "a: Return two")
        let out = "\(fixture.scratch.path)/out"
        try ProcessRunner.checked(["git", "-C", fixture.path, "format-patch", "-q", "-o", out, "with..HEAD"], environment: fixture.environment)

        let check = try KSeriesBinary.run(
            ["check", out, "--tree", fixture.path, "--onto", "without,with", "--json"], in: fixture.scratch.path, environment: fixture.environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout)) as? [String: Any], "\(check.stderrText)")
        #expect(json["checkpatchNote"] as? String == "checkpatch not run: without has no scripts/checkpatch.pl")
        let checkpatch = json["checkpatch"] as? [[String: Any]] ?? []
        #expect(checkpatch.count == 2)
        #expect(checkpatch.allSatisfy { $0["refs"] as? [String] == ["with"] && $0["warnings"] as? Int == 1 }, "\(checkpatch)")
        #expect(checkpatch.compactMap { ($0["file"] as? String).map { ($0 as NSString).lastPathComponent } }
            == ["0001-a-Return-one.patch", "0002-a-Return-two.patch"])
    }
}
