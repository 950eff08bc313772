import CSource
import Testing

/// Function definitions written the kernel's ways, and the things that look like them but are not.
@Suite("Kernel idioms")
struct KernelIdiomTests {
    /// Every function definition as `name@line`.
    func definitions(_ text: String) -> [String] {
        ScopeFinder(CLexer.lex(text)).functionDefinitions().compactMap { definition in
            guard case .function(let name) = definition.scope else { return nil }
            return "\(name)@\(definition.line)"
        }
    }

    @Test("specifiers, section attributes and annotations before the name; the return type on its own line")
    func specifiers() {
        let text = """
            static __always_inline bool ct_state_inc(int incby)
            {
            }
            noinstr void ct_idle_enter(void)
            {
            }
            static struct btf *
            btf_parse_base(struct btf_verifier_env *env)
            {
            }
            void __printf(2, 3) pr_thing(int level, const char *fmt, ...)
            {
            }
            void __attribute__((weak)) arch_thing(void)
            {
            }
            static int __section(".init.text") __cold early(void)
            {
            }
            """
        #expect(
            definitions(text) == [
                "ct_state_inc@1", "ct_idle_enter@4", "btf_parse_base@8", "pr_thing@11", "arch_thing@14", "early@17",
            ])
    }

    @Test("lock annotations after the parameters are not functions")
    func trailingAnnotations() {
        let text = """
            static int torture_spin_lock_write_lock(int tid __maybe_unused)
            __acquires(torture_spinlock)
            {
            	return 0;
            }
            static void rq_unlock(struct rq *rq)
            	__releases(rq->lock) __must_hold(&other)
            {
            }
            """
        #expect(definitions(text) == ["torture_spin_lock_write_lock@1", "rq_unlock@6"])
    }

    @Test("EXPORT_SYMBOL, initcalls and DEFINE_PER_CPU are neither definitions nor prototypes")
    func fileScopeMacros() {
        let text = """
            DEFINE_PER_CPU(struct context_tracking, context_tracking) = {
            	.active = true,
            };
            static DEFINE_PER_CPU(int, counter);
            void vcpu_load(struct kvm_vcpu *vcpu)
            {
            }
            EXPORT_SYMBOL_GPL(vcpu_load);
            late_initcall(rcu_verify_early_boot_tests);
            """
        let finder = ScopeFinder(CLexer.lex(text))
        #expect(definitions(text) == ["vcpu_load@5"])
        #expect(finder.declarations(of: .function("EXPORT_SYMBOL_GPL")) == [])
        // `static DEFINE_PER_CPU(int, counter);` has the shape of a prototype, as a macro that
        // declares something should; it is never a definition.
        #expect(finder.declarations(of: .function("DEFINE_PER_CPU")) == [4])
        #expect(finder.definitions(of: .function("DEFINE_PER_CPU")).isEmpty)
        #expect(finder.definitions(of: .function("vcpu_load")).map(\.line) == [5])
    }

    @Test("macro invocations without ';' before a definition do not swallow it")
    func invocationsWithoutSemicolon() {
        let text = """
            BTF_SET_START(sleepable_lsm_hooks)
            BTF_ID(func, bpf_lsm_bpf)
            BTF_ID(func, bpf_lsm_bpf_map)
            BTF_SET_END(sleepable_lsm_hooks)

            bool bpf_lsm_is_sleepable_hook(u32 btf_id)
            {
            	return 1;
            }
            DEFINE_LOCK_GUARD_1(task_rq_lock, struct task_struct,
            		    _T->rq = task_rq_lock(_T->lock, &_T->rf),
            		    task_rq_unlock(_T->rq, _T->lock, &_T->rf),
            		    struct rq *rq; struct rq_flags rf)
            static inline void after_guard(void)
            {
            }
            """
        #expect(definitions(text) == ["bpf_lsm_is_sleepable_hook@6", "after_guard@14"])
    }

    @Test("SYSCALL_DEFINE and FNAME: named like ctags, picked by the macro and its first argument")
    func macroNamedFunctions() throws {
        let text = """
            SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
            {
            	return ksys_read(fd, buf, count);
            }

            SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)
            {
            	return ksys_write(fd, buf, count);
            }

            static int FNAME(walk_addr)(struct guest_walker *walker, struct kvm_vcpu *vcpu)
            {
            	return 0;
            }
            static inline int ASSERT_RTNL_NET(struct net *net)
            {
            }
            """
        let lexed = CLexer.lex(text)
        let finder = ScopeFinder(lexed)
        #expect(definitions(text) == ["SYSCALL_DEFINE3@1", "SYSCALL_DEFINE3@6", "FNAME@11", "ASSERT_RTNL_NET@15"])
        #expect(
            finder.functionDefinitions().map(\.macroCallName) == [
                "SYSCALL_DEFINE3(read)", "SYSCALL_DEFINE3(write)", "FNAME(walk_addr)", nil,
            ])
        #expect(finder.definitions(of: .function("SYSCALL_DEFINE3")).map(\.line) == [1, 6])
        #expect(finder.definitions(of: .function("SYSCALL_DEFINE3(write)")).map(\.line) == [6])
        #expect(finder.definitions(of: .function("SYSCALL_DEFINE3( write, unsigned int, fd)")).map(\.line) == [6])
        #expect(finder.definitions(of: .function("FNAME(walk_addr)")).map(\.line) == [11])
        #expect(finder.definitions(of: .function("FNAME(fetch)")).isEmpty)
        #expect(
            try edited(
                text,
                SourceEdit(
                    scope: .function("SYSCALL_DEFINE3(write)"),
                    action: .insertBefore(anchor: "return $expr;", code: "audit_write();"))
            )
            .contains("\taudit_write();\n\treturn ksys_write(fd, buf, count);\n"))
    }

    @Test("K&R definitions, functions returning function pointers, parenthesized names")
    func declarators() {
        let text = """
            int knr(a, b)
            int a;
            char *b;
            {
            	return a;
            }
            static void (*get_handler(int sig))(int)
            {
            	return 0;
            }
            int (paren_name)(int a) { return a; }
            static void FNAME(walk)(struct x *y)
            {
            }
            typedef int (get_block_t)(struct inode *inode);
            """
        #expect(definitions(text) == ["knr@1", "get_handler@7", "paren_name@11", "FNAME@12"])
    }

    @Test("#ifdef'ed alternatives: both definitions of a name, each with its condition")
    func ifdefAlternatives() throws {
        let text = """
            #ifdef CONFIG_NO_HZ_FULL
            static bool rcu_nohz_full_cpu(void)
            {
            	return tick_nohz_full_cpu(smp_processor_id());
            }
            #elif defined(CONFIG_RCU_NOCB_CPU)
            static bool rcu_nohz_full_cpu(void)
            {
            	return rcu_rdp_is_offloaded(this_cpu_ptr(&rcu_data));
            }
            #else
            static bool rcu_nohz_full_cpu(void) { return false; }
            #endif
            """
        let finder = ScopeFinder(CLexer.lex(text))
        let scope = SourceScope.function("rcu_nohz_full_cpu")
        let all = finder.definitions(of: scope)
        #expect(all.map(\.line) == [2, 7, 12])
        #expect(
            all.map { finder.conditions(of: $0) } == [
                ["CONFIG_NO_HZ_FULL"], ["CONFIG_RCU_NOCB_CPU"], ["!CONFIG_NO_HZ_FULL && !CONFIG_RCU_NOCB_CPU"],
            ])
        #expect(try finder.resolve(scope, condition: "CONFIG_RCU_NOCB_CPU", path: "t.c").line == 7)
        #expect(try finder.resolve(scope, condition: "#elif defined(CONFIG_RCU_NOCB_CPU)", path: "t.c").line == 7)
        #expect(
            try finder.resolve(scope, condition: "!CONFIG_NO_HZ_FULL && !CONFIG_RCU_NOCB_CPU", path: "t.c").line == 12)
        #expect(
            throws: AnchorError(
                .conditionNotMatched(definitions: [2, 7, 12]), path: "t.c", scope: scope, condition: "CONFIG_SMP",
                candidates: [
                    SourceLine(number: 2, text: "static bool rcu_nohz_full_cpu(void)  [condition: CONFIG_NO_HZ_FULL]"),
                    SourceLine(
                        number: 7, text: "static bool rcu_nohz_full_cpu(void)  [condition: CONFIG_RCU_NOCB_CPU]"),
                    SourceLine(
                        number: 12,
                        text:
                            "static bool rcu_nohz_full_cpu(void) { return false; }  [condition: !CONFIG_NO_HZ_FULL && !CONFIG_RCU_NOCB_CPU]"
                    ),
                ])
        ) {
            try finder.resolve(scope, condition: "CONFIG_SMP", path: "t.c")
        }
    }
}
