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
}
