import CSource
import Testing

/// Scopes made by the preprocessor: branches of `#if` blocks, macros, the include block.
@Suite("Preprocessor scopes")
struct PreprocessorScopeTests {
    let header = """
        /* SPDX-License-Identifier: GPL-2.0 */
        #ifndef _LINUX_CONTEXT_TRACKING_H
        #define _LINUX_CONTEXT_TRACKING_H

        #include <linux/sched.h>
        #include <linux/vtime.h>
        /* state */
        #include <linux/context_tracking_state.h>
        #ifdef CONFIG_X86
        #include <asm/ptrace.h>
        #endif

        #include <linux/instrumentation.h>
        int ct_state;

        #ifdef CONFIG_CONTEXT_TRACKING_USER
        extern void ct_cpu_track_user(int cpu);

        #define CT_WARN_ON(cond) \\
        	WARN_ON(context_tracking_enabled() && (cond))

        #else
        static inline void ct_cpu_track_user(int cpu) { }
        #define CT_WARN_ON(cond) do { } while (0)
        #endif /* !CONFIG_CONTEXT_TRACKING_USER */

        #if defined(CONFIG_A) && IS_ENABLED(CONFIG_B)
        int ab;
        #elifndef CONFIG_C
        int not_c;
        #elif CONFIG_D > 1
        int d;
        #else
        int rest;
        #endif

        #endif

        """

    func body(_ scope: SourceScope, occurrence: Int? = nil, in text: String? = nil) throws -> String {
        let lexed = CLexer.lex(text ?? header)
        let definition = try ScopeFinder(lexed).resolve(scope, occurrence: occurrence, path: "h")
        return definition.bodyTokens.map { lexed.text(of: lexed.tokens[$0]) }.joined(separator: " ")
    }

    @Test("branch conditions: #ifdef, #ifndef, #if, #elif…, and #else as the negation of the earlier ones")
    func branchConditions() throws {
        let blocks = ScopeFinder(CLexer.lex(header)).conditionalBlocks()
        #expect(
            blocks.map { $0.branches.map(\.condition) } == [
                ["!_LINUX_CONTEXT_TRACKING_H"],
                ["CONFIG_X86"],
                ["CONFIG_CONTEXT_TRACKING_USER", "!CONFIG_CONTEXT_TRACKING_USER"],
                [
                    "CONFIG_A && IS_ENABLED(CONFIG_B)", "!CONFIG_C", "CONFIG_D > 1",
                    "!(CONFIG_A && IS_ENABLED(CONFIG_B)) && CONFIG_C && !(CONFIG_D > 1)",
                ],
            ])
        #expect(blocks.map(\.depth) == [0, 1, 1, 1])
        try #require(blocks.count == 4)
        #expect(
            blocks[3].branches.map(\.expression) == [
                "defined(CONFIG_A) && IS_ENABLED(CONFIG_B)", "CONFIG_C", "CONFIG_D > 1", "",
            ])
        #expect(blocks.map { $0.endif?.line } == [37, 11, 25, 35])
    }

    @Test("conditions compare as tokens, with defined() dropped and the directive read as a condition")
    func conditionMatching() {
        #expect(ConditionText.matches("CONFIG_X", "CONFIG_X"))
        #expect(ConditionText.matches("#ifdef CONFIG_X", "CONFIG_X"))
        #expect(ConditionText.matches("#if defined(CONFIG_X)", "CONFIG_X"))
        #expect(ConditionText.matches("( CONFIG_X )", "CONFIG_X"))
        #expect(ConditionText.matches("#ifndef CONFIG_X", "!CONFIG_X"))
        #expect(ConditionText.matches("!defined(CONFIG_X)", "!CONFIG_X"))
        #expect(ConditionText.matches("!(CONFIG_X)", "!CONFIG_X"))
        #expect(ConditionText.matches("IS_ENABLED( CONFIG_X )", "IS_ENABLED(CONFIG_X)"))
        #expect(!ConditionText.matches("CONFIG_X", "!CONFIG_X"))
        #expect(!ConditionText.matches("CONFIG_X", "IS_ENABLED(CONFIG_X)"))
        #expect(!ConditionText.matches("CONFIG_X", ""))
    }

    @Test("a branch by its condition: the lines between its directive and the next one")
    func conditionalScope() throws {
        #expect(try body(.conditional("CONFIG_X86")) == "# include < asm / ptrace . h >")
        #expect(
            try body(.conditional("#ifdef CONFIG_CONTEXT_TRACKING_USER")).hasPrefix("extern void ct_cpu_track_user"))
        #expect(
            try body(.conditional("!CONFIG_CONTEXT_TRACKING_USER"))
                == "static inline void ct_cpu_track_user ( int cpu ) { } # define CT_WARN_ON ( cond ) do { } while ( 0 )"
        )
        #expect(try body(.conditional("#elifndef CONFIG_C")) == "int not_c ;")
        #expect(try body(.conditional("CONFIG_D>1")) == "int d ;")
        let finder = ScopeFinder(CLexer.lex(header))
        #expect(throws: AnchorError.self) { try finder.resolve(.conditional("CONFIG_Y"), path: "h") }
        let missing = try #require(
            editError(
                header, SourceEdit(scope: .conditional("CONFIG_CONTEXT_TRACKING"), action: .insertAtBodyEnd(code: "x;"))
            ))
        #expect(
            missing.description == """
                test.c: conditional CONFIG_CONTEXT_TRACKING: no #if, #elif or #else branch has this condition; similar: conditional CONFIG_CONTEXT_TRACKING_USER (line 16), conditional !CONFIG_CONTEXT_TRACKING_USER (line 22)
                  test.c:16: #ifdef CONFIG_CONTEXT_TRACKING_USER
                  test.c:22: #else
                """)
        #expect(
            try edited(
                header,
                SourceEdit(
                    scope: .conditional("CONFIG_CONTEXT_TRACKING_USER"),
                    action: .insertAtBodyEnd(code: "extern bool ct_in_run_loop(void);"))
            )
            .contains("\tWARN_ON(context_tracking_enabled() && (cond))\n\nextern bool ct_in_run_loop(void);\n#else\n"))
        #expect(
            try edited(
                header,
                SourceEdit(
                    scope: .conditional("!CONFIG_CONTEXT_TRACKING_USER"),
                    action: .insertAtBodyStart(code: "static inline bool ct_in_run_loop(void) { return false; }"))
            )
            .contains(
                "#else\nstatic inline bool ct_in_run_loop(void) { return false; }\nstatic inline void ct_cpu_track_user"
            ))
        // An anchor in a branch: only that branch is searched.
        #expect(
            try edited(
                header,
                SourceEdit(
                    scope: .conditional("!CONFIG_CONTEXT_TRACKING_USER"),
                    action: .insertAfter(anchor: "#define CT_WARN_ON(cond)", code: "#define CT_NOTE() do { } while (0)")
                )
            )
            .contains("#define CT_WARN_ON(cond) do { } while (0)\n#define CT_NOTE() do { } while (0)\n#endif"))
    }

    @Test("a branch inside a function takes the indentation of its code")
    func branchInFunction() throws {
        let text = "void f(void)\n{\n\ta();\n#ifdef CONFIG_SMP\n\tb();\n#endif\n}\n"
        #expect(
            try edited(text, SourceEdit(scope: .conditional("CONFIG_SMP"), action: .insertAtBodyStart(code: "c();")))
                == "void f(void)\n{\n\ta();\n#ifdef CONFIG_SMP\n\tc();\n\tb();\n#endif\n}\n")
        #expect(
            try edited(text, SourceEdit(scope: .conditional("CONFIG_SMP"), action: .insertAtBodyEnd(code: "c();")))
                == "void f(void)\n{\n\ta();\n#ifdef CONFIG_SMP\n\tb();\n\tc();\n#endif\n}\n")
    }

    @Test("a macro's replacement list is its body; several #defines of one name are alternatives")
    func macroScope() throws {
        #expect(try body(.macro("CT_WARN_ON"), occurrence: 1) == "WARN_ON ( context_tracking_enabled ( ) && ( cond ) )")
        #expect(try body(.macro("CT_WARN_ON"), occurrence: 2) == "do { } while ( 0 )")
        #expect(try body(.macro("_LINUX_CONTEXT_TRACKING_H")) == "")
        let finder = ScopeFinder(CLexer.lex(header))
        #expect(finder.definitions(of: .macro("CT_WARN_ON")).map(\.line) == [19, 24])
        #expect(finder.definitions(of: .macro("CT_WARN")).isEmpty)
        let ambiguous = try #require(
            editError(header, SourceEdit(scope: .macro("CT_WARN_ON"), action: .insertAtBodyEnd(code: "x;"))))
        #expect(ambiguous.kind == .scopeAmbiguous(definitions: [19, 24]))
        #expect(
            ambiguous.candidates.map(\.text) == [
                "#define CT_WARN_ON(cond) \\  [condition: CONFIG_CONTEXT_TRACKING_USER]",
                "#define CT_WARN_ON(cond) do { } while (0)  [condition: !CONFIG_CONTEXT_TRACKING_USER]",
            ])
    }

    @Test("lines added inside a multi-line macro continue it, with aligned backslashes")
    func macroEdits() throws {
        let text = """
            #define kvm_for_each_vcpu(idx, vcpup, kvm)			\\
            	xa_for_each_range(&kvm->vcpu_array, idx, vcpup, 0,	\\
            			  (atomic_read(&kvm->online_vcpus) - 1))
            int x;

            """
        let scope = SourceScope.macro("kvm_for_each_vcpu")
        #expect(
            try edited(text, SourceEdit(scope: scope, action: .insertAtBodyStart(code: "lockdep_assert();")))
                == """
                #define kvm_for_each_vcpu(idx, vcpup, kvm)			\\
                	lockdep_assert();					\\
                	xa_for_each_range(&kvm->vcpu_array, idx, vcpup, 0,	\\
                			  (atomic_read(&kvm->online_vcpus) - 1))
                int x;

                """)
        // The last line reaches the backslash column already: one space before its backslash.
        #expect(
            try edited(text, SourceEdit(scope: scope, action: .insertAtBodyEnd(code: "if (1)\n\tnothing();")))
                == """
                #define kvm_for_each_vcpu(idx, vcpup, kvm)			\\
                	xa_for_each_range(&kvm->vcpu_array, idx, vcpup, 0,	\\
                			  (atomic_read(&kvm->online_vcpus) - 1)) \\
                	if (1)							\\
                		nothing();
                int x;

                """)
        #expect(
            try edited(text, SourceEdit(scope: scope, action: .replace(anchor: "0,", with: "0,\n/* first */")))
                .contains("vcpup, 0,\t\\\n\t/* first */\t\t\t\t\t\t\\\n\t\t\t  (atomic_read"))
        // Outside the macro's scope, new lines go around the whole directive.
        #expect(
            try edited(text, SourceEdit(scope: .file, action: .insertAfter(anchor: "vcpup, 0,", code: "x;")))
                == text.replacingOccurrences(of: "\nint x;\n", with: "\nx;\nint x;\n"))
    }

    @Test("the include block: the first run of #include lines, with comments, blank lines and #if blocks of includes")
    func includeBlock() throws {
        let lexed = CLexer.lex(header)
        let block = try #require(ScopeFinder(lexed).definitions(of: .includes).first)
        #expect(block.line == 5)
        try #require(lexed.tokens.indices.contains(block.bodyTokens.upperBound - 1), "\(block.bodyTokens)")
        #expect(lexed.tokens[block.bodyTokens.upperBound - 1].line == 13)
        #expect(
            try edited(
                header, SourceEdit(scope: .includes, action: .insertAtBodyEnd(code: "#include <linux/kvm_types.h>"))
            )
            .contains("#include <linux/instrumentation.h>\n#include <linux/kvm_types.h>\nint ct_state;\n"))
        #expect(
            try edited(header, SourceEdit(scope: .includes, action: .insertAtBodyStart(code: "#include <linux/bug.h>")))
                .contains("#define _LINUX_CONTEXT_TRACKING_H\n\n#include <linux/bug.h>\n#include <linux/sched.h>\n"))
        #expect(
            try edited(
                header,
                SourceEdit(
                    scope: .includes,
                    action: .insertAfter(anchor: "#include <linux/vtime.h>", code: "#include <linux/kvm_host.h>"))
            )
            .contains("#include <linux/vtime.h>\n#include <linux/kvm_host.h>\n/* state */\n"))
        // A run that ends inside an #if stops before it; a file without includes has no block.
        let open = "#include <a.h>\n#ifdef X\n#include <b.h>\nint x;\n#endif\n"
        let openLexed = CLexer.lex(open)
        let openBlock = try #require(ScopeFinder(openLexed).definitions(of: .includes).first)
        try #require(openLexed.tokens.indices.contains(openBlock.bodyTokens.upperBound - 1), "\(openBlock.bodyTokens)")
        #expect(openLexed.tokens[openBlock.bodyTokens.upperBound - 1].line == 1)
        #expect(ScopeFinder(CLexer.lex("int x;\n")).definitions(of: .includes).isEmpty)
        #expect(
            editError("int x;\n", SourceEdit(scope: .includes, action: .insertAtBodyEnd(code: "#include <a.h>")))?.kind
                == .scopeNotFound(similar: [], declarations: []))
    }
}
