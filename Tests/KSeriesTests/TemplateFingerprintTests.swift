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
        let patch = try Self.patch(edits: [
            ##"{file: a.c, function: f, after: "int x;", insert: "x++;\n"}"##,
            ##"{file: a.c, function: f, occurrence: 2, before: "return 0;", insert: "y();"}"##,
            ##"{file: a.h, struct: s, replace: "int a;", with: "long a;"}"##,
            ##"{file: a.h, union: u, at: body-start, insert: "int w;"}"##,
            ##"{file: a.h, enum: e, at: body-end, insert: "E_LAST,"}"##,
            ##"{file: a.c, function: g, condition: "!CONFIG_KVM", at: before-definition, insert: "/* g */"}"##,
            ##"{file: a.c, macro: M, at: after-definition, insert: "#define N 1"}"##,
            ##"{file: a.c, conditional: CONFIG_X, after-operand: "a()", add-disjunct: "b()"}"##,
            ##"{file: a.c, includes: true, after: "#include <a.h>", insert: "#include <b.h>"}"##,
            ##"{file: a.c, before: "int y;", insert: "int z;"}"##,
        ])
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

    /// The one patch of a policy with these edits (YAML flow mappings).
    private static func patch(edits: [String]) throws -> PatchTemplate {
        let yaml = """
            base: v6.12-deb
            cover: {subject: s, body: b}
            patches:
              - subject: "x: y"
                body: z
                edits:

            """ + edits.map { "      - \($0)\n" }.joined()
        return try #require(try PolicyLoader().load(yaml: yaml, path: "policy.yaml", name: "p").patches.first)
    }

    /// How the first states printed an action: `String(describing:)` of an enum of this shape.
    private enum PrintedAction {
        case insertAfter(anchor: String, code: String)
        case addDisjunct(operand: String, expression: String)
    }

    /// `text` as a YAML double-quoted scalar, every character outside printable ASCII escaped.
    private static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out + "\""
    }

    @Test("code with quotes, backslashes, control and combining characters is escaped as printing did")
    func escapedAsPrinted() throws {
        let code = "printk(\"%s\\n\", \"é\u{301}\");\n\t/* \u{0}\u{7F}\u{200B} */\r\n"
        let anchor = "\u{301}x = '\\'';"
        let patch = try Self.patch(edits: [
            "{file: a.c, function: f, after: \(Self.yamlQuoted(anchor)), insert: \(Self.yamlQuoted(code))}",
            "{file: a.c, conditional: CONFIG_X, after-operand: \(Self.yamlQuoted(code)), add-disjunct: \"b()\"}",
        ])
        let printed = patch.edits.map { edit -> String in
            switch edit.sourceEdit.action {
            case .insertAfter(let anchor, let code): String(describing: PrintedAction.insertAfter(anchor: anchor, code: code))
            case .addDisjunct(let operand, let expression):
                String(describing: PrintedAction.addDisjunct(operand: operand, expression: expression))
            default: "unexpected"
            }
        }
        #expect(printed[0].contains("\\u{0301}"))  // the anchor starts with a combining mark
        let recorded = [
            "a.c", "function f()", "-", "-", printed[0],
            "a.c", "#if CONFIG_X", "-", "-", printed[1],
        ]
        #expect(PatchRecords.templateFingerprint(patch) == Fingerprint.hex(recorded))
    }
}
