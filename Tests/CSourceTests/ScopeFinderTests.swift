import CSource
import Testing

@Suite("ScopeFinder")
struct ScopeFinderTests {
    func lines(of scope: SourceScope, in text: String) -> [Int] {
        ScopeFinder(CLexer.lex(text)).definitions(of: scope).map(\.line)
    }

    func body(of scope: SourceScope, in text: String, occurrence: Int? = nil) throws -> String {
        let lexed = CLexer.lex(text)
        let definition = try ScopeFinder(lexed).resolve(scope, occurrence: occurrence, path: "t.c")
        return definition.bodyTokens.map { lexed.text(of: lexed.tokens[$0]) }.joined(separator: " ")
    }

    @Test("a definition is found; a prototype and a call are not definitions")
    func definitionPrototypeCall() throws {
        let text = """
            static int rcu_pending(int user);
            int caller(void)
            {
            	return rcu_pending(1);
            }
            static int rcu_pending(int user)
            {
            	return user;
            }
            EXPORT_SYMBOL_GPL(rcu_pending);
            """
        #expect(lines(of: .function("rcu_pending"), in: text) == [6])
        #expect(ScopeFinder(CLexer.lex(text)).declarations(of: .function("rcu_pending")) == [1])
        #expect(try body(of: .function("rcu_pending"), in: text) == "return user ;")
        #expect(try body(of: .function("caller"), in: text) == "return rcu_pending ( 1 ) ;")
    }

    @Test("the return type on its own line, inline specifiers and section attributes")
    func specifiers() {
        let text = """
            static __always_inline bool
            ct_state_inc(int incby)
            {
            	return 1;
            }

            noinstr void ct_idle_enter(void) { }

            static void __init
            __maybe_unused rcu_init_one(void)
            {
            }
            """
        #expect(lines(of: .function("ct_state_inc"), in: text) == [2])
        #expect(lines(of: .function("ct_idle_enter"), in: text) == [7])
        #expect(lines(of: .function("rcu_init_one"), in: text) == [10])
    }

    @Test("lock annotations and __attribute__ between the parameters and the body")
    func trailingAttributes() {
        let text = """
            static void rcu_report_qs_rnp(unsigned long mask, struct rcu_node *rnp)
            	__releases(rnp->lock)
            {
            }
            void lock_it(spinlock_t *l) __acquires(l) __must_hold(&other) __attribute__((noinline)) {
            }
            int (paren_name)(int a) { return a; }
            """
        #expect(lines(of: .function("rcu_report_qs_rnp"), in: text) == [1])
        #expect(lines(of: .function("lock_it"), in: text) == [5])
        #expect(lines(of: .function("paren_name"), in: text) == [7])
    }

    @Test("names inside bodies, macros, comments and strings are not definitions")
    func notDefinitions() {
        let text = """
            #define DEFINE_F(x) void f(void) { x; }
            /* void f(void) { } */
            const char *s = "void f(void) { }";
            void g(void)
            {
            	f();
            }
            struct ops o = { .f = f, };
            """
        #expect(lines(of: .function("f"), in: text).isEmpty)
        #expect(lines(of: .function("g"), in: text) == [4])
    }

    @Test("an #ifdef stub and a real definition are ambiguous until an occurrence picks one")
    func ifdefStub() throws {
        let text = """
            #ifdef CONFIG_CONTEXT_TRACKING_USER
            static __always_inline bool context_tracking_guest_exit(void)
            {
            	return context_tracking_enabled_this_cpu();
            }
            #else
            static __always_inline bool context_tracking_guest_exit(void) { return false; }
            #endif
            """
        let finder = ScopeFinder(CLexer.lex(text))
        let scope = SourceScope.function("context_tracking_guest_exit")
        let candidates = [
            SourceLine(
                number: 2,
                text:
                    "static __always_inline bool context_tracking_guest_exit(void)  [condition: CONFIG_CONTEXT_TRACKING_USER]"
            ),
            SourceLine(
                number: 7,
                text:
                    "static __always_inline bool context_tracking_guest_exit(void) { return false; }  [condition: !CONFIG_CONTEXT_TRACKING_USER]"
            ),
        ]
        #expect(
            throws: AnchorError(
                .scopeAmbiguous(definitions: [2, 7]), path: "t.c", scope: scope, candidates: candidates)
        ) {
            try finder.resolve(scope, path: "t.c")
        }
        #expect(try body(of: scope, in: text, occurrence: 1) == "return context_tracking_enabled_this_cpu ( ) ;")
        #expect(try body(of: scope, in: text, occurrence: 2) == "return false ;")
        #expect(
            throws: AnchorError(
                .occurrenceOutOfRange(3, definitions: [2, 7]), path: "t.c", scope: scope, occurrence: 3,
                candidates: candidates)
        ) {
            try finder.resolve(scope, occurrence: 3, path: "t.c")
        }
    }

    @Test("conditional branches that each open a brace count once")
    func unbalancedBranches() {
        let text = """
            #ifdef CONFIG_A
            static void a(int x) {
            #else
            static void a(int x, int y) {
            #endif
            	if (x)
            		return;
            }

            void after(void)
            {
            }
            """
        #expect(lines(of: .function("after"), in: text) == [10])
        #expect(lines(of: .function("a"), in: text) == [2, 4])
    }

    @Test("struct, union and enum definitions, also inside a typedef")
    func tagTypes() throws {
        let text = """
            struct context_tracking;
            typedef struct context_tracking {
            	bool active;
            } ct_t;
            union u { int a; };
            enum ctx_state { CT_STATE_USER, CT_STATE_GUEST };
            struct __attribute__((packed)) packed { char c; };
            void f(struct context_tracking *ct) { struct context_tracking local; }
            """
        #expect(lines(of: .structure(.struct, "context_tracking"), in: text) == [2])
        #expect(try body(of: .structure(.struct, "context_tracking"), in: text) == "bool active ;")
        #expect(lines(of: .structure(.union, "u"), in: text) == [5])
        #expect(lines(of: .structure(.enum, "ctx_state"), in: text) == [6])
        #expect(lines(of: .structure(.struct, "packed"), in: text) == [7])
        #expect(lines(of: .structure(.struct, "u"), in: text).isEmpty)
        #expect(ScopeFinder(CLexer.lex(text)).declarations(of: .structure(.struct, "context_tracking")) == [1])
    }

    @Test("the file scope is every token")
    func fileScope() throws {
        #expect(try body(of: .file, in: "int a; /* c */ #x") == "int a ; # x")
    }

    @Test("a missing scope reports similar names and prototypes, and shows their lines")
    func notFound() {
        let text = """
            void vcpu_load(struct kvm_vcpu *vcpu);
            void vcpu_put(struct kvm_vcpu *vcpu)
            {
            }
            void vcpu_lod(void)
            {
            }
            void vcpu_load_extra(void)
            {
            }
            struct kvm_vcpu { int cpu; };
            """
        let finder = ScopeFinder(CLexer.lex(text))
        #expect(
            throws: AnchorError(
                .scopeNotFound(
                    similar: [
                        ScopeCandidate(scope: .function("vcpu_lod"), line: 5),
                        ScopeCandidate(scope: .function("vcpu_load_extra"), line: 8),
                    ],
                    declarations: [1]),
                path: "t.c", scope: .function("vcpu_load"),
                candidates: [
                    SourceLine(number: 1, text: "void vcpu_load(struct kvm_vcpu *vcpu);"),
                    SourceLine(number: 5, text: "void vcpu_lod(void)"),
                    SourceLine(number: 8, text: "void vcpu_load_extra(void)"),
                ])
        ) {
            try finder.resolve(.function("vcpu_load"), path: "t.c")
        }
        #expect(
            throws: AnchorError(
                .scopeNotFound(
                    similar: [ScopeCandidate(scope: .structure(.struct, "kvm_vcpu"), line: 11)], declarations: []),
                path: "t.c", scope: .structure(.union, "kvm_vcpu"),
                candidates: [SourceLine(number: 11, text: "struct kvm_vcpu { int cpu; };")])
        ) {
            try finder.resolve(.structure(.union, "kvm_vcpu"), path: "t.c")
        }
    }
}
