import CSource
import Testing
import TestSupport

/// `LexedSource.replacing` must give exactly what lexing the whole edited file gives, or nil.
@Suite("Lexing only the edited lines")
struct LexedSpliceTests {
    static let source = Array(
        """
        #include <linux/kvm_host.h>
        /* a block comment
           over two lines */
        #define TWO_LINES(a) \\
            ((a) + 1)
        static const char *s = "a \\" quote"; // trailing comment
        int f(int x)
        {
        \treturn x + 'y';
        }

        """.utf8)

    func expectSame(_ splice: LexedSource?, _ expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let splice else {
            Issue.record("no splice", sourceLocation: sourceLocation)
            return
        }
        let full = CLexer.lex(expected)
        #expect(splice.bytes == full.bytes, sourceLocation: sourceLocation)
        #expect(splice.tokens == full.tokens, sourceLocation: sourceLocation)
        #expect(splice.comments == full.comments, sourceLocation: sourceLocation)
        #expect(splice.lineStarts == full.lineStarts, sourceLocation: sourceLocation)
    }

    func lineStart(_ line: Int, in bytes: [UInt8]) -> Int { CLexer.lex(bytes).startOfLine(line) }

    @Test("whole lines inserted, replaced and removed anywhere a line starts cleanly")
    func wholeLines() {
        let lexed = CLexer.lex(Self.source)
        let insertions: [[UInt8]] = [
            [], Array("int added;\n".utf8), Array("#ifdef X\n/* c */ x(); // d\n#endif\n\n".utf8),
            Array("#define M(a) \\\n\t(a)\n".utf8), Array("char *t = \"q\";\n".utf8),
        ]
        // Lines 1, 2, 6, 7, 8, 9, 10 and the end start cleanly; 3 is in a comment, 5 continues 4.
        for line in [1, 2, 6, 7, 8, 9, 10] {
            let start = lineStart(line, in: Self.source)
            for removed in [0, 1, 2] where line + removed <= 11 {
                let end = line + removed <= lexed.lineCount ? lineStart(line + removed, in: Self.source) : Self.source.count
                guard lexed.replacing(start..<end, with: []) != nil || removed == 0 else { continue }
                for inserted in insertions {
                    var expected = Self.source
                    expected.replaceSubrange(start..<end, with: inserted)
                    if let splice = lexed.replacing(start..<end, with: inserted) {
                        expectSame(splice, expected)
                    }
                }
            }
        }
        expectSame(lexed.replacing(Self.source.count..<Self.source.count, with: Array("int z;\n".utf8)),
                   Self.source + Array("int z;\n".utf8))
        expectSame(lexed.replacing(lineStart(7, in: Self.source)..<lineStart(9, in: Self.source), with: Array("int g(int x)\n{\n".utf8)),
                   { var b = Self.source; b.replaceSubrange(lineStart(7, in: Self.source)..<lineStart(9, in: Self.source), with: Array("int g(int x)\n{\n".utf8)); return b }())
    }

    @Test("nil where the lexer's state at the change is not the initial one")
    func unsafeChanges() {
        let lexed = CLexer.lex(Self.source)
        let inComment = lineStart(3, in: Self.source)
        let continued = lineStart(5, in: Self.source)
        let midLine = lineStart(7, in: Self.source) + 3
        #expect(lexed.replacing(inComment..<inComment, with: Array("x;\n".utf8)) == nil)
        #expect(lexed.replacing(continued..<continued, with: Array("x;\n".utf8)) == nil)
        #expect(lexed.replacing(midLine..<midLine, with: Array("x;\n".utf8)) == nil)
        let clean = lineStart(7, in: Self.source)
        #expect(lexed.replacing(clean..<clean, with: Array("x;".utf8)) == nil, "not whole lines")
        #expect(lexed.replacing(clean..<clean, with: Array("/* open\n".utf8)) == nil, "a comment left open")
        #expect(lexed.replacing(clean..<clean, with: Array("#define A \\\n".utf8)) == nil, "a line left continued")
    }

    @Test("on the real kvm_main.c, every edit the run-loop policy makes lexes as the whole file does")
    func realKernelEdits() throws {
        let bytes = try KernelTree.show("v6.12-deb", "virt/kvm/kvm_main.c")
        var editor = CSourceEditor(bytes: bytes, path: "virt/kvm/kvm_main.c")
        var lexed = CLexer.lex(bytes)
        for (function, anchor) in [("vcpu_load", "int cpu = get_cpu();"), ("vcpu_put", "preempt_disable();")] {
            let change = try editor.apply(
                SourceEdit(scope: .function(function), action: .insertAfter(anchor: anchor, code: "kvm_note_run_loop();")))
            let splice = try #require(lexed.replacing(change.range, with: change.replacement), "\(function): a clean edit")
            expectSame(splice, editor.bytes)
            lexed = splice
        }
    }
}
