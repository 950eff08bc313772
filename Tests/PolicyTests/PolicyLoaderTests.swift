import Foundation
import Policy
import CSource
import Testing
import TestSupport

let minimalPolicy = """
    base: v6.12-deb
    cover:
      subject: S
      body: B
    patches:
      - subject: "x: y"
        body: z
        edits:
          - file: a.c
            function: f
            after: int x;
            insert: |
              x++;

    """

@Suite("Reading policy templates")
struct PolicyLoaderTests {
    func load(_ yaml: String) throws(PolicyError) -> PolicyTemplate {
        try PolicyLoader().load(yaml: yaml, path: "Templates/t/policy.yaml", name: "t")
    }


    @Test("a minimal policy reads with its defaults")
    func minimal() throws {
        let policy = try load(minimalPolicy)
        #expect(policy.name == "t")
        #expect(policy.base == "v6.12-deb")
        #expect(policy.subjectPrefix == "PATCH")
        try #require(policy.patches.count == 1)
        let edit = try #require(policy.patches[0].edits.first)
        #expect(edit.file == "a.c")
        #expect(edit.sourceEdit.scope == .function("f"))
        #expect(edit.sourceEdit.action == .insertAfter(anchor: "int x;", code: "x++;\n"))
        #expect(edit.line == 11)
    }

    @Test("every action and scope kind reads")
    func allKinds() throws {
        let policy = try load("""
            base: main
            cover: {subject: S, body: B}
            patches:
              - subject: s
                body: b
                edits:
                  - {file: a.h, before: "#define X", insert: "int y;"}
                  - {file: a.h, struct: s, at: body-end, insert: "int z;"}
                  - {file: a.h, union: u, at: body-start, insert: "int w;"}
                  - {file: a.c, function: f, occurrence: 2, replace: "a + b", with: "a - b"}
                  - {file: a.c, function: f, after-operand: "a()", add-disjunct: "b()"}
            """)
        let edits = try #require(policy.patches.first).edits
        #expect(edits.map(\.sourceEdit.scope) == [.file, .structure(.struct, "s"), .structure(.union, "u"), .function("f"), .function("f")])
        try #require(edits.count == 5)
        #expect(edits[3].sourceEdit.occurrence == 2)
        #expect(edits.map(\.sourceEdit.action) == [
            .insertBefore(anchor: "#define X", code: "int y;"), .insertAtBodyEnd(code: "int z;"),
            .insertAtBodyStart(code: "int w;"), .replace(anchor: "a + b", with: "a - b"),
            .addDisjunct(afterOperand: "a()", expression: "b()"),
        ])
    }

    @Test("the shipped run-loop policy reads: three patches against v6.12-deb")
    func shippedPolicy() throws {
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop")
        #expect(policy.base == "v6.12-deb")
        #expect(policy.subjectPrefix == "RFC PATCH")
        #expect(policy.patches.map { Set($0.edits.map(\.file)) } == [
            ["include/linux/context_tracking_state.h", "include/linux/context_tracking.h"],
            ["virt/kvm/kvm_main.c"], ["kernel/rcu/tree.c"],
        ])
    }

    @Test(
        "mistakes are refused with the line at fault",
        arguments: [
            ("base: main\ncover: {subject: S\npatches: []\n", 3, "not valid YAML"),
            (minimalPolicy.replacingOccurrences(of: "base: v6.12-deb\n", with: ""), 1, "the policy needs 'base'"),
            (minimalPolicy.replacingOccurrences(of: "function: f", with: "functoin: f"), 10, "unknown key 'functoin'"),
            (minimalPolicy.replacingOccurrences(of: "after: int x;", with: "after: int x;\n        before: int y;"), 9, "one action, not after and before"),
            (minimalPolicy.replacingOccurrences(of: "        after: int x;\n", with: ""), 9, "an edit needs one of"),
            (minimalPolicy.replacingOccurrences(of: "file: a.c", with: "file: ../a.c"), 9, "must be a path inside the kernel tree"),
            (minimalPolicy.replacingOccurrences(of: "insert: |\n          x++;\n", with: "with: x"), 12, "'with' does not go with 'after'"),
            (minimalPolicy.replacingOccurrences(of: "function: f", with: "function: f\n        struct: s"), 9, "one scope, not function and struct"),
            (minimalPolicy.replacingOccurrences(of: "  subject: S", with: "  subject: S\n  subject: T"), 4, "'subject' is given twice"),
        ] as [(String, Int, String)])
    func mistakes(yaml: String, line: Int, message: String) throws {
        let error = #expect(throws: PolicyError.self) { try load(yaml) }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("Templates/t/policy.yaml:\(line): ") == true)
    }

    /// Found by FuzzPolicy: 2,046 `{` overflowed the stack inside Yams and killed the process.
    @Test(
        "YAML nested deeper than a policy ever is, is refused with its line before it reaches the parser",
        arguments: [
            (String(repeating: "{", count: 2046), 1, "nests collections more than 64 deep"),
            ("base: x\ncover: " + String(repeating: "[", count: 100_000), 2, "nests collections more than 64 deep"),
            ("base: x\n" + String(repeating: "- ", count: 5000) + "x\n", 2, "nests collections more than 64 deep"),
            ("base: x\n" + String(repeating: " ", count: 600) + "y: z\n", 2, "indented 600 columns"),
        ])
    func tooDeep(yaml: String, line: Int, message: String) throws {
        #expect {
            _ = try load(yaml)
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test("braces in anchors and inserted C code are not nesting: a policy with a hundred of them reads")
    func bracesAreNotNesting() throws {
        let braces = String(repeating: "  if (x) {\n", count: 100)
        let yaml = minimalPolicy.replacingOccurrences(of: "after: int x;", with: "after: if (y) {")
            .replacingOccurrences(of: "x++;\n", with: "x++;\n" + braces.split(separator: "\n").map { "        \($0)\n" }.joined())
        let policy = try load(yaml)
        #expect(policy.patches.count == 1)
    }

    @Test("an unknown policy name lists the known ones")
    func unknownPolicy() throws {
        let error = #expect(throws: PolicyError.self) {
            try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "nope")
        }
        #expect(error?.description.contains("unknown policy; known: ") == true)
        #expect(error?.description.contains("rcu-kvm-run-loop") == true)
    }
}

@Suite("Reading the preprocessor scopes and definition positions")
struct PolicyScopeKeyTests {
    @Test("conditional, macro, includes, condition, and before/after-definition read")
    func newKeys() throws {
        let policy = try PolicyLoader().load(yaml: """
            base: main
            cover: {subject: S, body: B}
            patches:
              - subject: s
                body: b
                edits:
                  - {file: a.h, conditional: CONFIG_KVM, at: body-end, insert: "int x;"}
                  - {file: a.h, macro: FOO, at: body-end, insert: "y;"}
                  - {file: a.c, includes: "true", at: body-end, insert: "#include <linux/kvm_host.h>"}
                  - {file: a.h, function: f, condition: "!CONFIG_KVM", after: "return 0;", insert: "z;"}
                  - {file: a.c, function: g, at: after-definition, insert: "int after;"}
                  - {file: a.c, struct: s, at: before-definition, insert: "int before;"}
            """, path: "p.yaml", name: "p")
        let edits = try #require(policy.patches.first).edits
        #expect(edits.map(\.sourceEdit.scope) == [.conditional("CONFIG_KVM"), .macro("FOO"), .includes, .function("f"), .function("g"), .structure(.struct, "s")])
        try #require(edits.count == 6)
        #expect(edits[3].sourceEdit.condition == "!CONFIG_KVM")
        #expect(edits[4].sourceEdit.action == .insertAfterDefinition(code: "int after;"))
        #expect(edits[5].sourceEdit.action == .insertBeforeDefinition(code: "int before;"))
    }
}
