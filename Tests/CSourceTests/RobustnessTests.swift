import CSource
import Testing

@Suite("Robustness on broken and random input")
struct RobustnessTests {
    /// Found by FuzzCSource: each `#else` folded the conditions of the `#else`s before it into
    /// its own, so the text doubled at every one; twenty took 14 s and the memory with it.
    @Test("thirty #else in one block (a preprocessor error) each negate the #if alone; nothing doubles")
    func repeatedElse() throws {
        let source = "#ifndef X\nint a;\n" + String(repeating: "#else\nint b;\n", count: 30) + "#endif\n"
        let finder = ScopeFinder(CLexer.lex(source))
        let block = try #require(finder.conditionalBlocks().first)
        #expect(block.branches.map(\.condition) == ["!X"] + Array(repeating: "X", count: 30))
        #expect(finder.definitions(of: .conditional("X")).count == 30)
    }

    @Test("an unterminated block comment runs to the end of the file")
    func unterminatedBlockComment() {
        let lexed = CLexer.lex("int a; /* never closed\n { \"")
        #expect(lexed.tokens.map { lexed.text(of: $0) } == ["int", "a", ";"])
        #expect(lexed.comments == [7..<27])
    }

    @Test("an unterminated string or character literal stops at the end of its line")
    func unterminatedLiterals() {
        #expect(spellings("s = \"abc\nint x;") == ["s", "=", "\"abc", "int", "x", ";"])
        #expect(spellings("#error don't do that\nint x;") == ["#", "error", "don", "'t do that", "int", "x", ";"])
        #expect(spellings("c = '\\") == ["c", "=", "'\\"])
        #expect(spellings("\"") == ["\""])
    }

    @Test("a lone backslash or a slash at the end of input")
    func trailingBytes() {
        #expect(spellings("a \\") == ["a", "\\"])
        #expect(spellings("a /") == ["a", "/"])
        #expect(spellings("a \\\n") == ["a"])
    }

    @Test("unbalanced braces do not break scope finding or editing")
    func unbalancedBraces() throws {
        let text = "}}) void f(void)\n{\n\tint x;\n\n{ ( [\n"
        let finder = ScopeFinder(CLexer.lex(text))
        // Stray closers pop nothing, so `f` is still at depth 0; its body is never closed.
        let f = try #require(finder.definitions(of: .function("f")).first)
        #expect(f.closeBrace == nil && f.line == 1)
        #expect(
            try edited(text, SourceEdit(scope: .function("f"), action: .insertBefore(anchor: "int x;", code: "y();")))
                == "}}) void f(void)\n{\n\ty();\n\tint x;\n\n{ ( [\n")
        let open = "void g(void)\n{\n\tint x;\n"
        let g = try #require(ScopeFinder(CLexer.lex(open)).definitions(of: .function("g")).first)
        #expect(g.closeBrace == nil)
        #expect(
            try edited(open, SourceEdit(scope: .function("g"), action: .insertAfter(anchor: "int x;", code: "y();")))
                == "void g(void)\n{\n\tint x;\n\ty();\n")
        #expect(
            editError(open, SourceEdit(scope: .function("g"), action: .insertAtBodyEnd(code: "y();")))?.kind
                == .unsupportedLayout(line: 2, reason: "the body's `{` has no matching `}`"))
    }

    @Test("random bytes: tokens are ordered, in bounds, on the right lines; every stage terminates", arguments: 0..<8)
    func randomBytes(seed: UInt64) {
        var generator = SeededGenerator(seed: seed &* 0x1234_5678 &+ 1)
        // Mostly bytes that matter to C, so that comments, literals and directives overlap.
        let interesting = Array("/*\"'\\\n{}()#;|&<>=.e+-0aL_ \t\r".utf8)
        for _ in 0..<40 {
            let count = Int.random(in: 0..<600, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator)
                    ? interesting[Int.random(in: 0..<interesting.count, using: &generator)]
                    : UInt8.random(in: 0...255, using: &generator)
            }
            let lexed = CLexer.lex(bytes)
            var previousEnd = 0
            for token in lexed.tokens {
                #expect(
                    token.range.lowerBound >= previousEnd && !token.range.isEmpty
                        && token.range.upperBound <= bytes.count)
                #expect(token.line == lexed.line(containing: token.range.lowerBound))
                previousEnd = token.range.upperBound
            }
            for comment in lexed.comments {
                #expect(!comment.isEmpty && comment.upperBound <= bytes.count)
                #expect(!lexed.tokens.contains { $0.range.overlaps(comment) })
            }
            let finder = ScopeFinder(lexed)
            _ = finder.definedScopes()
            _ = finder.definitions(of: .function("a"))
            _ = finder.definitions(of: .structure(.struct, "a"))
            let actions: [SourceEdit.Action] = [
                .insertAfter(anchor: "a", code: "x;"), .insertBefore(anchor: "(", code: "x;"),
                .replace(anchor: "a", with: ""), .addDisjunct(afterOperand: "a", expression: "b"),
                .insertAtBodyStart(code: "x;"), .insertAtBodyEnd(code: "\n\tx;\n"),
            ]
            for scope in [SourceScope.file, .function("a")] {
                for action in actions {
                    _ = editError(
                        String(decoding: bytes, as: UTF8.self), SourceEdit(scope: scope, occurrence: 1, action: action))
                    var editor = CSourceEditor(bytes: bytes, path: "random.c")
                    _ = try? editor.apply(SourceEdit(scope: scope, occurrence: 1, action: action))
                }
            }
        }
    }

    @Test("random C-like fragments: edits apply cleanly or throw, and never add trailing whitespace", arguments: 0..<4)
    func randomFragments(seed: UInt64) {
        var generator = SeededGenerator(seed: seed &+ 0xC0FFEE)
        let fragments = [
            "void a(void)\n", "int a(int x) __acquires(x)\n", "{\n", "}\n", "\tb();\n", "\tif ((a || b() ||\n",
            "\t     c)\n",
            "\t\treturn a || b;\n", "(", ")", " || ", "b()", "/* note\n * more */\n", "// line\n", "#ifdef X\n",
            "#else\n",
            "#endif\n", "#define M(x) \\\n\tdo { } while (0)\n", "struct a {\n", "\tint b;\n", "};\n", "\"{\"", "'}'",
            "\n", "  ",
        ]
        let edits: [SourceEdit.Action] = [
            .insertAfter(anchor: "b();", code: "x();\n\n\ty();"), .insertBefore(anchor: "int b;", code: "\nint z;"),
            .insertAtBodyStart(code: "s();"), .insertAtBodyEnd(code: "e();\n"),
            .replace(anchor: "b()", with: "r()\n&& q()"),
            .addDisjunct(afterOperand: "b()", expression: "d()"), .addDisjunct(afterOperand: "a", expression: "d()"),
        ]
        var applied = 0
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 1..<30, using: &generator))
                .map { _ in fragments[Int.random(in: 0..<fragments.count, using: &generator)] }.joined()
            let original = Array(text.utf8)
            for scope in [SourceScope.function("a"), .structure(.struct, "a"), .file] {
                for action in edits {
                    var editor = CSourceEditor(bytes: original, path: "fragments.c")
                    guard let change = try? editor.apply(SourceEdit(scope: scope, occurrence: 1, action: action)) else {
                        continue
                    }
                    applied += 1
                    var expected = original
                    expected.replaceSubrange(change.range, with: change.replacement)
                    #expect(editor.bytes == expected)
                    let introduced = String(decoding: change.replacement, as: UTF8.self)
                    #expect(
                        !introduced.contains(" \n") && !introduced.contains("\t\n"),
                        "\(action) on \(text.debugDescription)")
                }
            }
        }
        #expect(applied > 500)
    }
}
