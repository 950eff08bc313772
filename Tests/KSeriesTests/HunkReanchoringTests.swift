import Apply
import KSeries
import Testing

/// `HunkReanchoring`: a hunk that no longer applies as text, redone as a C edit on small files.
@Suite("re-anchoring a hunk semantically")
struct HunkReanchoringTests {
    /// The single hunk of a one-file diff of `f.c`, with `section` after its `@@ … @@`.
    func hunk(_ section: String, _ body: String) throws -> Hunk {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let old = lines.count { !$0.hasPrefix("+") }
        let new = lines.count { !$0.hasPrefix("-") }
        let diff = "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,\(old) +1,\(new) @@ \(section)\n" + body
        let patch = try #require(try PatchParser.parse(Array(diff.utf8), name: "test").first)
        return try #require(patch.files.first?.hunks.first)
    }

    func place(_ hunk: Hunk, in file: String) -> String? {
        HunkReanchoring.place(hunk, in: Array(file.utf8), path: "f.c").map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("an insertion after a call that became an if condition goes after the whole if, in the function the context names")
    func insertionAfterStatement() throws {
        // The @@ text names the function before; the leading context names the right one.
        let hunk = try hunk(
            "static void enter(void)",
            """
             static void leave(void)
             {
             \tguest_exit();
            +
            +\t/* note it */
            +\tnote_exit();
             }
             

            """)
        let file = """
            static void enter(void)
            {
            \tguest_enter();
            }

            static void leave(void)
            {
            \tif (!guest_exit()) {
            \t\taccount();
            \t}
            }

            """
        #expect(place(hunk, in: file) == """
            static void enter(void)
            {
            \tguest_enter();
            }

            static void leave(void)
            {
            \tif (!guest_exit()) {
            \t\taccount();
            \t}

            \t/* note it */
            \tnote_exit();
            }

            """)
    }

    @Test("an insertion after a blank context line keeps the blank line between the anchor and the new lines")
    func insertionAfterBlankContext() throws {
        let hunk = try hunk(
            "static int a;",
            """
             static int b;
             static DEFINE_PER_CPU(struct vcpu *, running);
             
            +DEFINE_PER_CPU(unsigned long, last_exit);
            +EXPORT_PER_CPU_SYMBOL_GPL(last_exit);
            +
             struct dentry *dir;

            """)
        let file = "static DEFINE_PER_CPU(struct vcpu *, running);\n\nstatic struct dentry *dir;\n"
        #expect(place(hunk, in: file) == """
            static DEFINE_PER_CPU(struct vcpu *, running);

            DEFINE_PER_CPU(unsigned long, last_exit);
            EXPORT_PER_CPU_SYMBOL_GPL(last_exit);

            static struct dentry *dir;

            """)
    }

    @Test("an insertion whose preceding line changed goes before the line that follows it, in the file after a definition ends")
    func insertionBeforeNextLine() throws {
        let hunk = try hunk(
            "static void leave(void)",
            """
             \t\tuser_exit(GUEST);
             }
             
            +static void helper(void)
            +{
            +}
            +
             #define WARN(cond) WARN_ON(cond)

            """)
        let file = "static bool leave(void)\n{\n\tuser_exit(STATE_GUEST);\n\treturn true;\n}\n\n#define WARN(cond) WARN_ON(cond)\n"
        #expect(place(hunk, in: file) == """
            static bool leave(void)
            {
            \tuser_exit(STATE_GUEST);
            \treturn true;
            }

            static void helper(void)
            {
            }

            #define WARN(cond) WARN_ON(cond)

            """)
    }

    @Test("a disjunct added to a one-line condition is added to the same operand of a condition spread over lines")
    func disjunct() throws {
        let hunk = try hunk(
            "static int pending(int user)",
            """
             \t/* Idle? */
            -\tif ((user || from_idle()) && full_cpu())
            +\tif ((user || from_idle() ||
            +\t     recent_exit()) && full_cpu())
             \t\treturn 0;

            """)
        let file = """
            static int pending(int user)
            {
            \tif ((user || from_idle() ||
            \t     (in_progress &&
            \t      !local_read())) &&
            \t    full_cpu())
            \t\treturn 0;
            \treturn 1;
            }

            """
        #expect(place(hunk, in: file) == """
            static int pending(int user)
            {
            \tif ((user || from_idle() ||
            \t     recent_exit() ||
            \t     (in_progress &&
            \t      !local_read())) &&
            \t    full_cpu())
            \t\treturn 0;
            \treturn 1;
            }

            """)
    }

    @Test("another replacement replaces the removed lines' tokens where they occur once, whatever the spacing")
    func replacement() throws {
        let hunk = try hunk(
            "int f(void)",
            """
             {
            -\tx = old_call(a, b);
            +\tx = new_call(a,
            +\t             b);
             \treturn x;

            """)
        let file = "int f(void)\n{\n\tint x;\n\n\tx = old_call(a,b);\n\tx++;\n\treturn x;\n}\n"
        #expect(place(hunk, in: file) == "int f(void)\n{\n\tint x;\n\n\tx = new_call(a,\n\t             b);\n\tx++;\n\treturn x;\n}\n")
    }

    @Test("a hunk whose anchors are gone or match twice, or that changes two places, is refused")
    func refusal() throws {
        let insertion = try hunk(
            "int f(void)",
            """
             \tlock();
            +\tcount++;
             \tunlock();

            """)
        // Both anchors match twice in f().
        #expect(place(insertion, in: "int f(void)\n{\n\tlock();\n\tunlock();\n\tlock();\n\tunlock();\n}\n") == nil)
        // Both are gone.
        #expect(place(insertion, in: "int f(void)\n{\n\tspin_lock();\n\tspin_unlock();\n}\n") == nil)
        // A lone brace is no anchor.
        let afterBrace = try hunk("int f(void)", " }\n+int g;\n \n")
        #expect(place(afterBrace, in: "int f(void)\n{\n}\n") == nil)
        // Removed text that occurs twice.
        let replacement = try hunk("int f(void)", "-\tx = 1;\n+\tx = 2;\n")
        #expect(place(replacement, in: "int f(void)\n{\n\tx = 1;\n\tx = 1;\n}\n") == nil)
        // Two changes in one hunk.
        let twice = try hunk("int f(void)", "+\ta();\n \tb();\n+\tc();\n")
        #expect(place(twice, in: "int f(void)\n{\n\tb();\n}\n") == nil)
    }
}
