import CSource
import Testing
import TestSupport

/// Synthetic drift of real files: v6.12's `virt/kvm/kvm_main.c` and `kernel/rcu/tree.c`,
/// changed the ways code changes between releases, must keep taking the same edits at the same
/// place (every byte of the result is checked), or fail with an ambiguity where a human would
/// not know where to put the code either.
@Suite("Synthetic drift of real files")
struct DriftTests {
    static let kvmMain = "virt/kvm/kvm_main.c"
    static let tree = "kernel/rcu/tree.c"

    let vcpuLoad = SourceEdit(
        scope: .function("vcpu_load"),
        action: .insertAfter(
            anchor: "int cpu = get_cpu();", code: "\nif (kvm_vcpu_is_isolated(vcpu))\n\tct_guest_prepare(cpu);\n"))
    let rcuPending = SourceEdit(
        scope: .function("rcu_pending"),
        action: .addDisjunct(
            afterOperand: "rcu_is_cpu_rrupt_from_idle()", expression: "context_tracking_guest_in_run_loop()"))

    /// `text` with its one occurrence of `old` replaced by `new`.
    func replacing(_ old: String, with new: String, in text: [UInt8], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> [UInt8]
    {
        try #require(
            text.replacingOnce(old, with: new), "the text does not hold \(old.debugDescription) once",
            sourceLocation: sourceLocation)
    }

    /// Applies `edit` to `mutated` and checks the result is `mutated` with `old` replaced by `new`.
    func expect(
        _ edit: SourceEdit, on mutated: [UInt8], path: String, replacing old: String, with new: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var editor = CSourceEditor(bytes: mutated, path: path)
        try editor.apply(edit)
        let expected = try replacing(old, with: new, in: mutated, sourceLocation: sourceLocation)
        #expect(editor.bytes == expected, "\(path): the edit landed elsewhere", sourceLocation: sourceLocation)
    }

    // MARK: - vcpu_load in kvm_main.c

    @Test("re-indented code: the new lines take the new indentation")
    func reindented() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let mutated = try replacing(
            "{\n\tint cpu = get_cpu();\n\n\t__this_cpu_write(kvm_running_vcpu, vcpu);",
            with: "{\n        int cpu = get_cpu();\n\n        __this_cpu_write(kvm_running_vcpu, vcpu);", in: original)
        try expect(
            vcpuLoad, on: mutated, path: Self.kvmMain, replacing: "        int cpu = get_cpu();\n\n",
            with:
                "        int cpu = get_cpu();\n\n        if (kvm_vcpu_is_isolated(vcpu))\n        \tct_guest_prepare(cpu);\n\n"
        )
    }

    @Test("new lines and comments before and inside the anchor")
    func commentsInside() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let mutated = try replacing(
            "{\n\tint cpu = get_cpu();\n",
            with: "{\n\t/* Pin the vCPU's thread. */\n\tint cpu = /* not yet migrated */\n\t\tget_cpu( ) ;\n",
            in: original)
        try expect(
            vcpuLoad, on: mutated, path: Self.kvmMain, replacing: "\t\tget_cpu( ) ;\n\n",
            with: "\t\tget_cpu( ) ;\n\n\tif (kvm_vcpu_is_isolated(vcpu))\n\t\tct_guest_prepare(cpu);\n\n")
    }

    @Test("the function moved elsewhere in the file")
    func moved() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let function = """
            void vcpu_load(struct kvm_vcpu *vcpu)
            {
            	int cpu = get_cpu();

            	__this_cpu_write(kvm_running_vcpu, vcpu);
            	preempt_notifier_register(&vcpu->preempt_notifier);
            	kvm_arch_vcpu_load(vcpu, cpu);
            	put_cpu();
            }
            EXPORT_SYMBOL_GPL(vcpu_load);

            """
        let mutated = try replacing(function, with: "", in: original) + Array(("\n" + function).utf8)
        let oldLine =
            original.prefix(original.occurrences(of: "\tint cpu = get_cpu();")[0]).filter { $0 == 10 }.count + 1
        let newLine = mutated.prefix(mutated.occurrences(of: "\tint cpu = get_cpu();")[0]).filter { $0 == 10 }.count + 1
        #expect(newLine > oldLine + 1000)
        try expect(
            vcpuLoad, on: mutated, path: Self.kvmMain, replacing: "\tint cpu = get_cpu();\n\n",
            with: "\tint cpu = get_cpu();\n\n\tif (kvm_vcpu_is_isolated(vcpu))\n\t\tct_guest_prepare(cpu);\n\n")
    }

    @Test("a comment holding the anchor's text never matches")
    func anchorInComment() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let mutated = try replacing(
            "\tput_cpu();\n}\nEXPORT_SYMBOL_GPL(vcpu_load);",
            with:
                "\t/* int cpu = get_cpu(); is done above */\n\tput_cpu(); // int cpu = get_cpu();\n}\nEXPORT_SYMBOL_GPL(vcpu_load);",
            in: original)
        try expect(
            vcpuLoad, on: mutated, path: Self.kvmMain, replacing: "\tint cpu = get_cpu();\n\n",
            with: "\tint cpu = get_cpu();\n\n\tif (kvm_vcpu_is_isolated(vcpu))\n\t\tct_guest_prepare(cpu);\n\n")
    }

    @Test("a look-alike statement in another function does not count")
    func lookAlikeElsewhere() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let mutated = try replacing(
            "{\n\tpreempt_disable();\n\tkvm_arch_vcpu_put(vcpu);",
            with: "{\n\tint cpu = get_cpu();\n\n\tpreempt_disable();\n\tkvm_arch_vcpu_put(vcpu);", in: original)
        try expect(
            vcpuLoad, on: mutated, path: Self.kvmMain,
            replacing: "vcpu_load(struct kvm_vcpu *vcpu)\n{\n\tint cpu = get_cpu();\n\n",
            with:
                "vcpu_load(struct kvm_vcpu *vcpu)\n{\n\tint cpu = get_cpu();\n\n\tif (kvm_vcpu_is_isolated(vcpu))\n\t\tct_guest_prepare(cpu);\n\n"
        )
    }

    @Test("the same statement twice in the function is an ambiguity that shows both")
    func twiceInFunction() throws {
        let original = try KernelTree.show("v6.12-deb", Self.kvmMain)
        let mutated = try replacing(
            "\tkvm_arch_vcpu_load(vcpu, cpu);\n\tput_cpu();\n}\nEXPORT_SYMBOL_GPL(vcpu_load);",
            with:
                "\tkvm_arch_vcpu_load(vcpu, cpu);\n\tput_cpu();\n\tint cpu = get_cpu();\n}\nEXPORT_SYMBOL_GPL(vcpu_load);",
            in: original)
        var editor = CSourceEditor(bytes: mutated, path: Self.kvmMain)
        let first = try mutated.line(of: "vcpu_load(struct kvm_vcpu *vcpu)\n{\n\tint cpu = get_cpu();", offset: 2)
        let second = try mutated.line(of: "\tput_cpu();\n\tint cpu = get_cpu();\n}\nEXPORT_SYMBOL_GPL(vcpu_load);", offset: 1)
        #expect(
            throws: AnchorError(
                .anchorAmbiguous(lines: [first, second]), path: Self.kvmMain, scope: .function("vcpu_load"),
                anchor: "int cpu = get_cpu();",
                candidates: [
                    SourceLine(number: first, text: "int cpu = get_cpu();"),
                    SourceLine(number: second, text: "int cpu = get_cpu();"),
                ])
        ) {
            try editor.apply(vcpuLoad)
        }
        #expect(editor.bytes == mutated)
    }

    // MARK: - rcu_pending in tree.c

    @Test("rcu_pending: the condition re-wrapped, commented, with a look-alike in rcu_sched_clock_irq")
    func rcuPendingDrift() throws {
        let original = try KernelTree.show("v6.12-deb", Self.tree)
        // The real file already has `if (user || rcu_is_cpu_rrupt_from_idle())` in another function.
        #expect(original.occurrences(of: "rcu_is_cpu_rrupt_from_idle()").count == 3)
        let rewrapped = try replacing(
            "\tif ((user || rcu_is_cpu_rrupt_from_idle() ||\n\t     (gp_in_progress &&",
            with:
                "\tif ((user ||\n\t     /* an interrupt from idle */ rcu_is_cpu_rrupt_from_idle() ||\n\t     (gp_in_progress &&",
            in: original)
        try expect(
            rcuPending, on: rewrapped, path: Self.tree,
            replacing: "rcu_is_cpu_rrupt_from_idle() ||\n\t     (gp_in_progress &&",
            with:
                "rcu_is_cpu_rrupt_from_idle() ||\n\t     context_tracking_guest_in_run_loop() ||\n\t     (gp_in_progress &&"
        )

        let reindented = try replacing(
            "\tif ((user || rcu_is_cpu_rrupt_from_idle() ||\n\t     (gp_in_progress &&",
            with: "\tif ((user || rcu_is_cpu_rrupt_from_idle() || (gp_in_progress &&", in: original)
        try expect(
            rcuPending, on: reindented, path: Self.tree,
            replacing: "\tif ((user || rcu_is_cpu_rrupt_from_idle() || (gp_in_progress &&",
            with:
                "\tif ((user || rcu_is_cpu_rrupt_from_idle() ||\n\t     context_tracking_guest_in_run_loop() || (gp_in_progress &&"
        )

        // The same operand twice in rcu_pending: a human would not know which to extend.
        let twice = try replacing(
            "\t/* nothing to do */\n\treturn 0;\n}",
            with: "\t/* nothing to do */\n\tif (user || rcu_is_cpu_rrupt_from_idle())\n\t\treturn 2;\n\treturn 0;\n}",
            in: original)
        var editor = CSourceEditor(bytes: twice, path: Self.tree)
        let condition = try twice.line(of: "\tif ((user || rcu_is_cpu_rrupt_from_idle() ||\n\t     (gp_in_progress &&")
        #expect(throws: AnchorError.self) { try editor.apply(rcuPending) }
        do {
            try editor.apply(rcuPending)
        } catch {
            guard case .anchorAmbiguous(let lines) = error.kind else {
                Issue.record("expected an ambiguity, got \(error)")
                return
            }
            #expect(lines.count == 2 && lines.first == condition)
            #expect(error.description.contains("\n  \(Self.tree):\(condition): if ((user || rcu_is_cpu_rrupt_from_idle() ||"))
        }
    }
}
