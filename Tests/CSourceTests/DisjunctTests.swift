import CSource
import Testing

@Suite("addDisjunct")
struct DisjunctTests {
    func add(_ expression: String, after operand: String, in text: String) throws(AnchorError) -> String {
        try edited(
            text, SourceEdit(scope: .function("f"), action: .addDisjunct(afterOperand: operand, expression: expression))
        )
    }

    @Test("an operand followed by || at the end of its line gets a new line after it")
    func operandEndsLine() throws {
        let text =
            "int f(void)\n{\n\tif ((user || idle() ||\n\t     (gp &&\n\t      late())) &&\n\t    full())\n\t\treturn 0;\n}\n"
        #expect(
            try add("guest()", after: "idle()", in: text)
                == "int f(void)\n{\n\tif ((user || idle() ||\n\t     guest() ||\n\t     (gp &&\n\t      late())) &&\n\t    full())\n\t\treturn 0;\n}\n"
        )
    }

    @Test("otherwise the line breaks after the operand")
    func operandMidLine() throws {
        let text = "int f(void)\n{\n\tif ((user || idle()) && full())\n\t\treturn 0;\n\treturn a || b || c;\n}\n"
        #expect(
            try add("guest()", after: "idle()", in: text).contains(
                "\tif ((user || idle() ||\n\t     guest()) && full())\n"))
        #expect(
            try add("guest()", after: "user", in: text).contains(
                "\tif ((user ||\n\t     guest() || idle()) && full())\n"))
        #expect(try add("d", after: "b", in: text).contains("\treturn a || b ||\n\t       d || c;\n"))
    }

    @Test("alignment counts tabs as 8 columns and writes tabs, then spaces")
    func alignment() throws {
        let text = "int f(void)\n{\n\t\tx = foo(aaaaaaa || b);\n}\n"
        // `(` is at column 16 + 7 = 23, so the operand column is 24: three tabs.
        #expect(try add("c", after: "b", in: text).contains("\t\tx = foo(aaaaaaa || b ||\n\t\t\tc);\n"))
    }

    @Test("an operand that && or ! binds is not an operand of the || chain")
    func notAnOperand() throws {
        let text = "int f(void)\n{\n\tif (a && b || !c)\n\t\treturn 0;\n}\n"
        func failure(_ operand: String, _ reason: String) -> AnchorError {
            AnchorError(.notAnOperand(line: 3, reason: reason), path: "test.c", scope: .function("f"), anchor: operand)
        }
        #expect(throws: failure("a", "it is followed by `&&`, not `||` or `)`")) { try add("z", after: "a", in: text) }
        #expect(throws: failure("b", "it follows `&&`, not `||` or `(`")) { try add("z", after: "b", in: text) }
        #expect(throws: failure("c", "it follows `!`, not `||` or `(`")) { try add("z", after: "c", in: text) }
        #expect(try add("z", after: "!c", in: text).contains("\tif (a && b || !c ||\n\t    z)\n"))
    }

    @Test("the expression to add must not be blank")
    func blankExpression() {
        let text = "int f(void)\n{\n\treturn a || b;\n}\n"
        #expect(throws: AnchorError(.emptyExpression, path: "test.c", scope: .function("f"), anchor: "a")) {
            try add(" \n ", after: "a", in: text)
        }
    }
}
