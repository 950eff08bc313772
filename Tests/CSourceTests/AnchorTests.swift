import CSource
import Testing

@Suite("Anchor")
struct AnchorTests {
    let text = """
        void vcpu_load(struct kvm_vcpu *vcpu)
        {
        	int cpu = raw_smp_processor_id();

        	__this_cpu_write(kvm_running_vcpu, vcpu);
        	preempt_notifier_register(&vcpu->preempt_notifier);
        	kvm_arch_vcpu_load(vcpu, cpu);
        	preempt_enable();
        	preempt_enable();
        }
        """

    func locate(_ anchor: String, in scope: SourceScope = .function("vcpu_load")) throws -> [Int] {
        let lexed = CLexer.lex(text)
        let definition = try ScopeFinder(lexed).resolve(scope, path: "kvm_main.c")
        let match = try Anchor(anchor).locate(in: lexed, definition: definition, path: "kvm_main.c")
        return match.map { lexed.tokens[$0].line }
    }

    @Test("whitespace, line breaks and comments do not matter on either side")
    func tokenMatching() throws {
        #expect(try locate("int   cpu=raw_smp_processor_id ( ) ;") == [3, 3, 3, 3, 3, 3, 3])
        #expect(try locate("kvm_running_vcpu, /* the vcpu */\n vcpu") == [5, 5, 5])
        #expect(try locate("vcpu);\n\tpreempt_notifier_register") == [5, 5, 5, 6])
    }

    @Test("an anchor matches only inside the body, not in the signature")
    func bodyOnly() {
        #expect(throws: AnchorError.self) { try locate("struct kvm_vcpu *vcpu") }
    }

    @Test("no match lists the lines sharing the anchor's rarest words, best first")
    func noMatch() {
        func failure(_ anchor: String, _ nearest: [SourceLine]) -> AnchorError {
            AnchorError(
                .anchorNotFound(nearest: nearest), path: "kvm_main.c", scope: .function("vcpu_load"), anchor: anchor)
        }
        // `cpu` is also on line 7, but line 3 has `int` and `cpu` both.
        #expect(
            throws: failure("int cpu = get_cpu();", [SourceLine(number: 3, text: "int cpu = raw_smp_processor_id();")])
        ) {
            try locate("int cpu = get_cpu();")
        }
        #expect(
            throws: failure(
                "preempt_enable(1);",
                [SourceLine(number: 8, text: "preempt_enable();"), SourceLine(number: 9, text: "preempt_enable();")])
        ) {
            try locate("preempt_enable(1);")
        }
        #expect(throws: failure("put_cpu();", [])) { try locate("put_cpu();") }
    }

    @Test("several matches list every match's line")
    func ambiguous() {
        let expected = AnchorError(
            .anchorAmbiguous(lines: [8, 9]), path: "kvm_main.c", scope: .function("vcpu_load"),
            anchor: "preempt_enable();",
            candidates: [
                SourceLine(number: 8, text: "preempt_enable();"), SourceLine(number: 9, text: "preempt_enable();"),
            ])
        #expect(throws: expected) { try locate("preempt_enable();") }
    }

    @Test("an anchor with no tokens is an error")
    func empty() {
        let expected = AnchorError(
            .emptyAnchor, path: "kvm_main.c", scope: .function("vcpu_load"), anchor: " /* only */ ")
        #expect(throws: expected) { try locate(" /* only */ ") }
    }

    @Test("a directive anchor matches a directive")
    func directiveAnchor() throws {
        let lexed = CLexer.lex(
            "#define CT_WARN_ON(cond) WARN_ON(context_tracking_enabled() && (cond))\n#define CT_WARN_ON(cond) do { } while (0)\n"
        )
        let file = try ScopeFinder(lexed).resolve(.file, path: "h")
        #expect(Anchor("#define CT_WARN_ON(cond) WARN_ON").matches(in: lexed, within: file.bodyTokens) == [0..<7])
        #expect(Anchor("#define CT_WARN_ON(cond)").matches(in: lexed, within: file.bodyTokens).count == 2)
    }
}
