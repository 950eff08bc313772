import Policy
import Testing

@testable import KSeries

/// Series states record a fingerprint of each policy patch's edits, so that the next version
/// can say "re-resolved" (same template, new tree) rather than "the code changed". Those
/// fingerprints must not move when kseries' own types are renamed or reshaped: a state written
/// by an older kseries must still match the same policy.
@Suite("template fingerprints keep the form series states recorded")
struct TemplateFingerprintTests {
    @Test("every scope and action kind hashes the text the first series states recorded")
    func recordedForm() throws {
        let policy = try PolicyLoader().load(
            yaml: """
                base: v6.12-deb
                cover: {subject: s, body: b}
                patches:
                  - subject: "x: y"
                    body: z
                    edits:
                      - {file: a.c, function: f, after: "int x;", insert: "x++;\\n"}
                      - {file: a.c, function: f, occurrence: 2, before: "return 0;", insert: "y();"}
                      - {file: a.h, struct: s, replace: "int a;", with: "long a;"}
                      - {file: a.h, union: u, at: body-start, insert: "int w;"}
                      - {file: a.h, enum: e, at: body-end, insert: "E_LAST,"}
                      - {file: a.c, function: g, condition: "!CONFIG_KVM", at: before-definition, insert: "/* g */"}
                      - {file: a.c, macro: M, at: after-definition, insert: "#define N 1"}
                      - {file: a.c, conditional: CONFIG_X, after-operand: "a()", add-disjunct: "b()"}
                      - {file: a.c, includes: true, after: "#include <a.h>", insert: "#include <b.h>"}
                      - {file: a.c, before: "int y;", insert: "int z;"}
                """,
            path: "policy.yaml", name: "p")
        let patch = try #require(policy.patches.first)
        let recorded = [
            "a.c", "function f()", "-", "-", ##"insertAfter(anchor: "int x;", code: "x++;\n")"##,
            "a.c", "function f()", "2", "-", ##"insertBefore(anchor: "return 0;", code: "y();")"##,
            "a.h", "struct s", "-", "-", ##"replace(anchor: "int a;", code: "long a;")"##,
            "a.h", "union u", "-", "-", ##"insertAtBodyStart(code: "int w;")"##,
            "a.h", "enum e", "-", "-", ##"insertAtBodyEnd(code: "E_LAST,")"##,
            "a.c", "function g()", "-", "!CONFIG_KVM", ##"insertBeforeDefinition(code: "/* g */")"##,
            "a.c", "macro M", "-", "-", ##"insertAfterDefinition(code: "#define N 1")"##,
            "a.c", "#if CONFIG_X", "-", "-", ##"addDisjunct(operand: "a()", expression: "b()")"##,
            "a.c", "the include block", "-", "-", ##"insertAfter(anchor: "#include <a.h>", code: "#include <b.h>")"##,
            "a.c", "file scope", "-", "-", ##"insertBefore(anchor: "int y;", code: "int z;")"##,
        ]
        #expect(PatchRecords.templateFingerprint(patch) == Fingerprint.hex(recorded))
    }
}
