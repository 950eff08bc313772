import CSource
import Testing

@Suite("AnchorError descriptions")
struct AnchorErrorTests {
    @Test("a missed anchor names the file, scope and anchor, and the nearest line as file:line: text, on one line")
    func missOneLine() {
        let error = AnchorError(
            .anchorNotFound(nearest: [SourceLine(number: 212, text: "int cpu = raw_smp_processor_id();")]),
            path: "virt/kvm/kvm_main.c", scope: .function("vcpu_load"), anchor: "int cpu = get_cpu();")
        #expect(
            error.description
                == #"virt/kvm/kvm_main.c: function vcpu_load: anchor "int cpu = get_cpu();" matches nothing; nearest: virt/kvm/kvm_main.c:212: int cpu = raw_smp_processor_id();"#
        )
        #expect(error.summary == error.description && error.shownCandidates.isEmpty)
    }

    @Test("several candidates go on lines of their own; a multi-line anchor is shown on one line")
    func missSeveral() {
        let error = AnchorError(
            .anchorNotFound(nearest: [SourceLine(number: 3, text: "a();"), SourceLine(number: 9, text: "a(1);")]),
            path: "f.c", scope: .function("f"), occurrence: 2, anchor: "a(2);\n\tb();")
        #expect(
            error.description
                == "f.c: function f (occurrence 2): anchor \"a(2); b();\" matches nothing; nearest:\n  f.c:3: a();\n  f.c:9: a(1);"
        )
        #expect(error.summary == "f.c: function f (occurrence 2): anchor \"a(2); b();\" matches nothing; nearest:")
    }

    @Test("ambiguities and scope errors")
    func others() {
        #expect(
            AnchorError(
                .anchorAmbiguous(lines: [8, 9]), path: "f.c", scope: .function("f"), anchor: "x();",
                candidates: [SourceLine(number: 8, text: "x();"), SourceLine(number: 9, text: "x(); y();")]
            ).description == """
                f.c: function f: anchor "x();" matches 2 times, at lines 8, 9; it must match once:
                  f.c:8: x();
                  f.c:9: x(); y();
                """)
        #expect(
            AnchorError(
                .scopeAmbiguous(definitions: [83, 103]), path: "include/linux/context_tracking.h",
                scope: .function("context_tracking_guest_exit")
            ).description
                == "include/linux/context_tracking.h: function context_tracking_guest_exit: 2 definitions, at lines 83, 103; choose one with occurrence 1-2 or with a condition"
        )
        #expect(
            AnchorError(
                .conditionNotMatched(definitions: [83, 103]), path: "c.h", scope: .function("f"), condition: "CONFIG_Y",
                candidates: [
                    SourceLine(number: 83, text: "void f(void)  [condition: CONFIG_X]"),
                    SourceLine(number: 103, text: "void f(void) { }  [condition: !CONFIG_X]"),
                ]
            ).description == """
                c.h: function f (condition CONFIG_Y): no definition is under condition CONFIG_Y; the 2 definitions are at lines 83, 103
                  c.h:83: void f(void)  [condition: CONFIG_X]
                  c.h:103: void f(void) { }  [condition: !CONFIG_X]
                """)
        #expect(
            AnchorError(
                .invalidAnchor(reason: "`$expr` needs a token of the anchor on each side"), path: "f.c",
                scope: .function("f"), anchor: "$expr;"
            ).description
                == "f.c: function f: anchor \"$expr;\" cannot be used: `$expr` needs a token of the anchor on each side"
        )
        #expect(
            AnchorError(
                .occurrenceOutOfRange(3, definitions: [5]), path: "f.c", scope: .structure(.struct, "s"), occurrence: 3
            ).description
                == "f.c: struct s (occurrence 3): occurrence 3 requested but there is 1 definition, at line 5")
        #expect(
            AnchorError(
                .scopeNotFound(similar: [ScopeCandidate(scope: .function("vcpu_load"), line: 203)], declarations: [12]),
                path: "k.c", scope: .function("vcpu_lod")
            ).description
                == "k.c: function vcpu_lod: no definition found; only declared at line 12; similar: vcpu_load (line 203)"
        )
        #expect(
            AnchorError(.scopeNotFound(similar: [], declarations: []), path: "k.c", scope: .structure(.union, "u"))
                .description
                == "k.c: union u: no definition found")
        #expect(
            AnchorError(
                .unsupportedLayout(line: 4, reason: "the body is on one line"), path: "k.c", scope: .function("f")
            ).description
                == "k.c: function f: cannot edit at line 4: the body is on one line")
    }
}
