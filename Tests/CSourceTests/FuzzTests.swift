import CSource
import Testing

/// Property tests on random and hostile input: the scanner, the scope finder and the editor
/// never crash, and each input is handled within a time bound (a hang or a quadratic blow-up
/// fails the test instead of stalling CI).
@Suite("Fuzzing")
struct FuzzTests {
    /// The time an input may take: far above what it needs in a debug build (milliseconds for the
    /// random inputs, about a second for the largest hostile ones; every stage is linear: the
    /// hostile shapes at 3k, 6k and 12k bytes take time in proportion), so that only a hang or a
    /// superlinear blow-up fails, even on a loaded machine.
    static func budget(forBytes count: Int) -> Duration {
        .seconds(2) + .milliseconds(count / 2)
    }

    static let scopes: [SourceScope] = [
        .file, .function("a"), .function("M(a)"), .structure(.struct, "a"), .conditional("X"), .conditional("!X"),
        .macro("M"), .includes,
    ]

    static let actions: [SourceEdit.Action] = [
        .insertAfter(anchor: "a", code: "x;"), .insertBefore(anchor: "(", code: "x;\n\n\ty;"),
        .insertAfter(anchor: "$id ($expr)", code: "x;"), .insertBefore(anchor: "if ($expr) {", code: "x;"),
        .insertAfter(anchor: "{", code: "x;"), .replace(anchor: "a", with: ""), .replace(anchor: "b()", with: "c(\nd)"),
        .addDisjunct(afterOperand: "a", expression: "b"), .addDisjunct(afterOperand: "$id()", expression: "e"),
        .insertAtBodyStart(code: "x;"), .insertAtBodyEnd(code: "\n\tx;\n"),
    ]

    /// Runs every finder query and every edit on `bytes`; returns how many edits applied.
    /// An applied edit changes exactly the range it reports and adds no trailing whitespace.
    @discardableResult
    static func exercise(_ bytes: [UInt8], label: String) -> Int {
        let finder = ScopeFinder(CLexer.lex(bytes))
        _ = finder.definedScopes()
        _ = finder.functionDefinitions()
        for definition in finder.functionDefinitions().prefix(20) { _ = finder.conditions(of: definition) }
        _ = finder.conditionalBlocks()
        var applied = 0
        for scope in scopes {
            _ = finder.definitions(of: scope)
            _ = finder.declarations(of: scope)
            for condition in [nil, "X", "!X"] {
                _ = try? finder.resolve(scope, occurrence: 1, condition: condition, path: label)
            }
            for action in actions {
                for occurrence in [nil, 1] {
                    var editor = CSourceEditor(bytes: bytes, path: label)
                    guard
                        let change = try? editor.apply(SourceEdit(scope: scope, occurrence: occurrence, action: action))
                    else { continue }
                    applied += 1
                    var expected = bytes
                    expected.replaceSubrange(change.range, with: change.replacement)
                    #expect(editor.bytes == expected, "\(label): \(scope) \(action)")
                    let added = change.replacement
                    for index in added.indices.dropLast() where added[index + 1] == 0x0A {
                        #expect(added[index] != 0x20 && added[index] != 0x09, "\(label): trailing blank from \(action)")
                    }
                }
            }
        }
        return applied
    }

    /// `exercise(bytes)`, which must end within its budget.
    static func timed(_ bytes: [UInt8], label: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let clock = ContinuousClock()
        var applied = 0
        let elapsed = clock.measure { applied = exercise(bytes, label: label) }
        #expect(
            elapsed < budget(forBytes: bytes.count), "\(label): \(bytes.count) bytes took \(elapsed)",
            sourceLocation: sourceLocation)
        return applied
    }

    @Test("random bytes, biased to C's special characters", arguments: 0..<6)
    func randomBytes(seed: UInt64) {
        var generator = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ 7)
        let interesting = Array("/*\"'\\\n{}()[]#;:?|&<>=.,$e+-0aLbMX_ \t\r".utf8)
        for round in 0..<25 {
            let count = Int.random(in: 0..<800, using: &generator)
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<4, using: &generator) > 0
                    ? interesting[Int.random(in: 0..<interesting.count, using: &generator)]
                    : UInt8.random(in: 0...255, using: &generator)
            }
            _ = Self.timed(bytes, label: "seed \(seed) round \(round)")
        }
    }

    @Test("random C-like fragments: edits apply or throw, and often apply", arguments: 0..<4)
    func randomFragments(seed: UInt64) {
        var generator = SeededGenerator(seed: seed &+ 0xF00D)
        let fragments = [
            "void a(void)\n", "SYSCALL_DEFINE1(a, int, x)\n", "static int FNAME(a)(int x)\n",
            "int a(int x) __acquires(x)\n",
            "{\n", "}\n", "\tb();\n", "\tif ((a || b() ||\n", "\t     c)\n", "\t\treturn a || b;\n", "\tif (a) {\n",
            "\t} else {\n", "\tdo {\n", "\t} while (a);\n", "out:\n", "\tcase 1:\n", "(", ")", " || ", "b()",
            "x ? a : b",
            "/* note\n * more */\n", "// line\n", "#ifdef X\n", "#if defined(X) && Y\n", "#else\n", "#elif Z\n",
            "#endif\n", "#include <a.h>\n", "#define M(x) \\\n\tdo { a(x); } while (0)\n", "#define M 1\n",
            "struct a {\n", "\tint b;\n", "};\n", "BTF_ID(func, a)\n", "\"{\"", "'}'", "\n", "  ",
        ]
        var applied = 0
        for round in 0..<60 {
            let text = (0..<Int.random(in: 1..<40, using: &generator))
                .map { _ in fragments[Int.random(in: 0..<fragments.count, using: &generator)] }.joined()
            applied += Self.timed(Array(text.utf8), label: "seed \(seed) round \(round): \(text.debugDescription)")
        }
        #expect(applied > 150)
    }

    @Test("hostile shapes: deep nesting, unclosed everything, long chains, huge lines")
    func hostileShapes() {
        // Big enough that a quadratic pass in any stage would blow the time bound.
        let n = 4_000
        let cases: [(String, String)] = [
            ("open parentheses", "void a(void) {" + String(repeating: "(", count: n)),
            ("open braces", "void a(void)\n" + String(repeating: "{\n", count: n)),
            ("close braces", String(repeating: "}", count: n) + "void a(void)\n{\n\tb();\n}\n"),
            ("unclosed #if", String(repeating: "#if X\nvoid a(void) { b(); }\n", count: n / 10)),
            ("stray #else and #endif", String(repeating: "#else\n#endif\n#elif X\n", count: n / 10)),
            ("unterminated comment", "void a(void)\n{\n/*" + String(repeating: "{ b(); ", count: n)),
            ("unterminated string", "void a(void)\n{\n\t\"" + String(repeating: "\\\n", count: n)),
            ("continuations", String(repeating: "\\\n", count: n) + "#define M(x) x\n"),
            ("ternary chain", "void a(void)\n{\n\tv = " + String(repeating: "a ? b : ", count: n / 4) + "c;\n}\n"),
            ("labels", "void a(void)\n{\n" + String(repeating: "l: ", count: n / 4) + "b();\n}\n"),
            (
                "else chain",
                "void a(void)\n{\n\tif (a) b();" + String(repeating: " else if (a) b();", count: n / 8) + "\n}\n"
            ),
            (
                "long || chain",
                "void a(void)\n{\n\tif (a" + String(repeating: " || a", count: n / 4) + ")\n\t\tb();\n}\n"
            ),
            ("many functions", String(repeating: "int a(int x)\n{\n\treturn b() || a;\n}\n", count: n / 20)),
            ("many macros", String(repeating: "#define M(x) \\\n\tb(x)\n", count: n / 10)),
            ("only hashes", String(repeating: "#", count: n)),
            ("nul bytes", String(repeating: "\0", count: n)),
        ]
        for (label, text) in cases {
            _ = Self.timed(Array(text.utf8), label: label)
        }
    }
}
