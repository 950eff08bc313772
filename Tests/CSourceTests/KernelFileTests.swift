import CSource
import Testing
import TestSupport

/// Edits on the real 6.1 and 6.12 sources. Each test rebuilds the expected file from the
/// original by one textual replacement, so every byte outside the edit is checked too.
@Suite("Real kernel files")
struct KernelFileTests {
    /// Applies `edits` to `path` at `ref` and checks that the result equals the original with
    /// `old` (which must occur once) replaced by `new`.
    func expectEdits(
        _ path: String, at ref: String, _ edits: [SourceEdit], replacing old: String, with new: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let original = try KernelTree.show(ref, path)
        var editor = CSourceEditor(bytes: original, path: path)
        for edit in edits { try editor.apply(edit) }
        let expected = try #require(
            original.replacingOnce(old, with: new), "\(ref):\(path) does not hold the old text exactly once",
            sourceLocation: sourceLocation)
        #expect(
            editor.bytes == expected, "\(ref):\(path): edited file differs from the expected one",
            sourceLocation: sourceLocation)
    }

    @Test("kvm_main.c: insertAfter in vcpu_load and insertBefore in vcpu_put", arguments: KernelTree.refs)
    func vcpuLoadPut(ref: String) throws {
        let edits = [
            SourceEdit(
                scope: .function("vcpu_load"),
                action: .insertAfter(
                    anchor: "int cpu = get_cpu();",
                    code: "\nif (kvm_vcpu_is_isolated(vcpu))\n\tct_guest_prepare(cpu);\n")),
            SourceEdit(
                scope: .function("vcpu_put"),
                action: .insertBefore(anchor: "preempt_enable();", code: "ct_guest_release(vcpu);\n")),
        ]
        try expectEdits(
            "virt/kvm/kvm_main.c", at: ref, edits,
            replacing: """
                void vcpu_load(struct kvm_vcpu *vcpu)
                {
                	int cpu = get_cpu();

                	__this_cpu_write(kvm_running_vcpu, vcpu);
                	preempt_notifier_register(&vcpu->preempt_notifier);
                	kvm_arch_vcpu_load(vcpu, cpu);
                	put_cpu();
                }
                EXPORT_SYMBOL_GPL(vcpu_load);

                void vcpu_put(struct kvm_vcpu *vcpu)
                {
                	preempt_disable();
                	kvm_arch_vcpu_put(vcpu);
                	preempt_notifier_unregister(&vcpu->preempt_notifier);
                	__this_cpu_write(kvm_running_vcpu, NULL);
                	preempt_enable();
                }
                """,
            with: """
                void vcpu_load(struct kvm_vcpu *vcpu)
                {
                	int cpu = get_cpu();

                	if (kvm_vcpu_is_isolated(vcpu))
                		ct_guest_prepare(cpu);

                	__this_cpu_write(kvm_running_vcpu, vcpu);
                	preempt_notifier_register(&vcpu->preempt_notifier);
                	kvm_arch_vcpu_load(vcpu, cpu);
                	put_cpu();
                }
                EXPORT_SYMBOL_GPL(vcpu_load);

                void vcpu_put(struct kvm_vcpu *vcpu)
                {
                	preempt_disable();
                	kvm_arch_vcpu_put(vcpu);
                	preempt_notifier_unregister(&vcpu->preempt_notifier);
                	__this_cpu_write(kvm_running_vcpu, NULL);
                	ct_guest_release(vcpu);
                	preempt_enable();
                }
                """)
    }

    let rcuPendingDisjunct = SourceEdit(
        scope: .function("rcu_pending"),
        action: .addDisjunct(
            afterOperand: "rcu_is_cpu_rrupt_from_idle()", expression: "context_tracking_guest_in_run_loop()"))

    @Test("tree.c on 6.12: a new line inside the multi-line || chain of rcu_pending")
    func rcuPending612() throws {
        try expectEdits(
            "kernel/rcu/tree.c", at: "v6.12-deb", [rcuPendingDisjunct],
            replacing: """
                	if ((user || rcu_is_cpu_rrupt_from_idle() ||
                	     (gp_in_progress &&
                """,
            with: """
                	if ((user || rcu_is_cpu_rrupt_from_idle() ||
                	     context_tracking_guest_in_run_loop() ||
                	     (gp_in_progress &&
                """)
    }

    @Test("tree.c on 6.1: the one-line condition of rcu_pending breaks after the operand")
    func rcuPending61() throws {
        try expectEdits(
            "kernel/rcu/tree.c", at: "v6.1-deb", [rcuPendingDisjunct],
            replacing: """
                	if ((user || rcu_is_cpu_rrupt_from_idle()) && rcu_nohz_full_cpu())
                """,
            with: """
                	if ((user || rcu_is_cpu_rrupt_from_idle() ||
                	     context_tracking_guest_in_run_loop()) && rcu_nohz_full_cpu())
                """)
    }

    @Test(
        "context_tracking_state.h: a member after `int recursion;` in struct context_tracking",
        arguments: KernelTree.refs)
    func structMember(ref: String) throws {
        try expectEdits(
            "include/linux/context_tracking_state.h", at: ref,
            [
                SourceEdit(
                    scope: .structure(.struct, "context_tracking"),
                    action: .insertAfter(anchor: "int recursion;", code: "bool in_guest_run_loop;"))
            ],
            replacing: "\tbool active;\n\tint recursion;\n#endif\n",
            with: "\tbool active;\n\tint recursion;\n\tbool in_guest_run_loop;\n#endif\n")
    }

    @Test("context_tracking.h: a declaration before a #define anchor at file scope", arguments: KernelTree.refs)
    func beforeDefine(ref: String) throws {
        try expectEdits(
            "include/linux/context_tracking.h", at: ref,
            [
                SourceEdit(
                    scope: .file,
                    action: .insertBefore(
                        anchor: "#define CT_WARN_ON(cond) WARN_ON",
                        code: "extern bool context_tracking_guest_in_run_loop(void);\n\n"))
            ],
            replacing: "}\n\n#define CT_WARN_ON(cond) WARN_ON(",
            with: "}\n\nextern bool context_tracking_guest_in_run_loop(void);\n\n#define CT_WARN_ON(cond) WARN_ON(")
    }

    @Test(
        "context_tracking.h: context_tracking_guest_exit has a real definition and a stub, chosen by occurrence or condition",
        arguments: [
            ("v6.12-deb", "return false ;", "bool"), ("v6.1-deb", "", "void"),
        ])
    func guestExitAlternatives(ref: String, stubBody: String, type: String) throws {
        let path = "include/linux/context_tracking.h"
        let bytes = try KernelTree.show(ref, path)
        // The real definition, then the stub for kernels without user context tracking.
        let realLine = try bytes.line(of: "\nstatic __always_inline \(type) context_tracking_guest_exit(void)\n", offset: 1)
        let stubLine = try bytes.line(of: " context_tracking_guest_exit(void) {", offset: 0)
        let scope = SourceScope.function("context_tracking_guest_exit")
        let lexed = CLexer.lex(bytes)
        let finder = ScopeFinder(lexed)
        let stubText = lexed.trimmedText(ofLine: stubLine)
        let ambiguity = AnchorError(
            .scopeAmbiguous(definitions: [realLine, stubLine]), path: path, scope: scope,
            candidates: [
                SourceLine(
                    number: realLine,
                    text:
                        "static __always_inline \(type) context_tracking_guest_exit(void)  [condition: CONFIG_CONTEXT_TRACKING_USER]"
                ),
                SourceLine(number: stubLine, text: "\(stubText)  [condition: !CONFIG_CONTEXT_TRACKING_USER]"),
            ])
        #expect(throws: ambiguity) { try finder.resolve(scope, path: path) }
        #expect(
            ambiguity.description == """
                \(path): function context_tracking_guest_exit: 2 definitions, at lines \(realLine), \(stubLine); choose one with occurrence 1-2 or with a condition
                  \(path):\(realLine): static __always_inline \(type) context_tracking_guest_exit(void)  [condition: CONFIG_CONTEXT_TRACKING_USER]
                  \(path):\(stubLine): \(stubText)  [condition: !CONFIG_CONTEXT_TRACKING_USER]
                """)

        let stub = try finder.resolve(scope, occurrence: 2, path: path)
        #expect(stub.line == stubLine)
        #expect(stub.bodyTokens.map { lexed.text(of: lexed.tokens[$0]) }.joined(separator: " ") == stubBody)
        for condition in [
            "!CONFIG_CONTEXT_TRACKING_USER", "#ifndef CONFIG_CONTEXT_TRACKING_USER",
            "!defined(CONFIG_CONTEXT_TRACKING_USER)",
        ] {
            #expect(try finder.resolve(scope, condition: condition, path: path).line == stubLine)
        }
        for condition in [
            "CONFIG_CONTEXT_TRACKING_USER", "#ifdef CONFIG_CONTEXT_TRACKING_USER",
            "defined CONFIG_CONTEXT_TRACKING_USER",
        ] {
            #expect(try finder.resolve(scope, condition: condition, path: path).line == realLine)
        }
        // The include guard encloses both: still ambiguous.
        #expect(throws: AnchorError.self) {
            try finder.resolve(scope, condition: "!_LINUX_CONTEXT_TRACKING_H", path: path)
        }
        #expect(
            try finder.resolve(scope, occurrence: 2, condition: "!_LINUX_CONTEXT_TRACKING_H", path: path).line
                == stubLine)

        var editor = CSourceEditor(bytes: bytes, path: path)
        try editor.apply(
            SourceEdit(
                scope: scope, condition: "CONFIG_CONTEXT_TRACKING_USER",
                action: .insertAtBodyStart(code: "instrumentation_begin();")))
        #expect(
            editor.bytes.occurrences(
                of:
                    "context_tracking_guest_exit(void)\n{\n\tinstrumentation_begin();\n\tif (context_tracking_enabled())\n"
            ).count == 1)
        #expect(throws: AnchorError.self) {
            try editor.apply(SourceEdit(scope: scope, occurrence: 2, action: .insertAtBodyStart(code: "x();")))
        }
    }

    /// On 6.1 the call is a statement of its own; on 6.12 it is the condition of an `if`. The
    /// anchor `context_tracking_guest_exit()` (no `;`) matches both, and `after` puts the code
    /// after the statement that makes the call: after the call on 6.1, after the whole `if` on
    /// 6.12. `context_tracking_guest_exit();` (with `;`) only matches 6.1.
    @Test("kvm_host.h: after context_tracking_guest_exit() in guest_context_exit_irqoff, on both trees")
    func guestContextExitIrqoff() throws {
        let path = "include/linux/kvm_host.h"
        let edit = SourceEdit(
            scope: .function("guest_context_exit_irqoff"),
            action: .insertAfter(
                anchor: "context_tracking_guest_exit()", code: "context_tracking_guest_stop_run_loop();"))
        try expectEdits(
            path, at: "v6.1-deb", [edit],
            replacing: "\tcontext_tracking_guest_exit();\n}\n",
            with: "\tcontext_tracking_guest_exit();\n\tcontext_tracking_guest_stop_run_loop();\n}\n")
        try expectEdits(
            path, at: "v6.12-deb", [edit],
            replacing: """
                	if (!context_tracking_guest_exit()) {
                		instrumentation_begin();
                		rcu_virt_note_context_switch();
                		instrumentation_end();
                	}
                }
                """,
            with: """
                	if (!context_tracking_guest_exit()) {
                		instrumentation_begin();
                		rcu_virt_note_context_switch();
                		instrumentation_end();
                	}
                	context_tracking_guest_stop_run_loop();
                }
                """)
        let bytes = try KernelTree.show("v6.12-deb", path)
        var editor = CSourceEditor(bytes: bytes, path: path)
        let nearest = try bytes.line(of: "\tif (!context_tracking_guest_exit()) {")
        #expect(
            throws: AnchorError(
                .anchorNotFound(nearest: [SourceLine(number: nearest, text: "if (!context_tracking_guest_exit()) {")]),
                path: path, scope: .function("guest_context_exit_irqoff"), anchor: "context_tracking_guest_exit();")
        ) {
            try editor.apply(
                SourceEdit(
                    scope: .function("guest_context_exit_irqoff"),
                    action: .insertAfter(anchor: "context_tracking_guest_exit();", code: "x();")))
        }
    }

    @Test("a wrong anchor in a real file names the nearest line", arguments: KernelTree.refs)
    func realMiss(ref: String) throws {
        let path = "virt/kvm/kvm_main.c"
        let bytes = try KernelTree.show(ref, path)
        var editor = CSourceEditor(bytes: bytes, path: path)
        let line = try bytes.line(of: "vcpu_load(struct kvm_vcpu *vcpu)\n{\n\tint cpu = get_cpu();", offset: 2)
        #expect(
            throws: AnchorError(
                .anchorNotFound(nearest: [SourceLine(number: line, text: "int cpu = get_cpu();")]),
                path: path, scope: .function("vcpu_load"), anchor: "int cpu = raw_smp_processor_id();")
        ) {
            try editor.apply(
                SourceEdit(
                    scope: .function("vcpu_load"),
                    action: .insertAfter(anchor: "int cpu = raw_smp_processor_id();", code: "x();")))
        }
    }

    /// Oracle: in kernel style a function body opens with `{` alone at column 0, so those lines
    /// must be exactly the opening lines of the function definitions found.
    @Test(
        "every function body brace at column 0 belongs to a found definition, and no other",
        arguments: [
            "kernel/rcu/tree.c", "virt/kvm/kvm_main.c", "include/linux/context_tracking.h",
        ])
    func columnZeroBraces(path: String) throws {
        for ref in KernelTree.refs {
            let lexed = CLexer.lex(try KernelTree.show(ref, path))
            let finder = ScopeFinder(lexed)
            try #require(lexed.lineCount >= 1, "\(ref):\(path) lexed to no lines")
            let braceLines = Set(
                (1...lexed.lineCount).filter {
                    lexed.trimmedText(ofLine: $0) == "{" && lexed.indentation(ofLine: $0).isEmpty
                })
            var definitionLines: Set<Int> = []
            for (scope, _) in finder.definedScopes() {
                guard case .function = scope else { continue }
                for definition in finder.definitions(of: scope) {
                    // One-line stubs (`static inline void f(void) { }`) have their `{` elsewhere.
                    guard let open = definition.openBrace else { continue }
                    try #require(lexed.tokens.indices.contains(open), "\(ref):\(path): \(scope) line \(definition.line) opens at token \(open)")
                    if lexed.tokens[open].range.lowerBound == lexed.startOfLine(lexed.tokens[open].line) {
                        definitionLines.insert(lexed.tokens[open].line)
                    }
                }
            }
            #expect(
                braceLines.subtracting(definitionLines).sorted() == [], "\(ref):\(path): `{` lines with no definition")
            #expect(
                definitionLines.subtracting(braceLines).sorted() == [],
                "\(ref):\(path): definitions whose `{` at column 0 shares its line")
            #expect(braceLines.count > 10 || path.hasSuffix(".h"))
        }
    }
}
