import CSource
import Testing

@Suite("Anchor wildcards")
struct WildcardTests {
    let text = """
        static void rcu_report(struct rcu_node *rnp, unsigned long flags)
        {
        	int cpu = smp_processor_id();

        	if (rcu_gp_in_progress() && (rnp->qsmask & mask) != 0)
        		rcu_report_qs_rnp(mask, rnp, rnp->gp_seq, flags);
        	raw_spin_unlock_irqrestore_rcu_node(rnp, flags);
        	x = foo(a, (b, c), d[1]);
        }
        """

    /// The text of every match of `anchor` in the function.
    func matches(_ anchor: String) throws -> [String] {
        let lexed = CLexer.lex(text)
        let definition = try ScopeFinder(lexed).resolve(.function("rcu_report"), path: "t.c")
        return try Anchor(anchor).matches(in: lexed, within: definition.bodyTokens).map { range in
            try #require(
                !range.isEmpty && lexed.tokens.indices.contains(range.lowerBound)
                    && lexed.tokens.indices.contains(range.upperBound - 1), "match \(range) of \(lexed.tokens.count) tokens")
            let start = lexed.tokens[range.lowerBound].range.lowerBound
            let end = lexed.tokens[range.upperBound - 1].range.upperBound
            try #require(start <= end && end <= lexed.bytes.count, "bytes \(start)..<\(end) of \(lexed.bytes.count)")
            return String(decoding: lexed.bytes[start..<end], as: UTF8.self)
        }
    }

    @Test("$id matches one identifier")
    func identifier() throws {
        #expect(try matches("int $id = smp_processor_id();") == ["int cpu = smp_processor_id();"])
        #expect(try matches("$id = $id();") == ["cpu = smp_processor_id();"])
        #expect(try matches("raw_spin_unlock_irqrestore_rcu_node($id, $id);").count == 1)
        #expect(try matches("foo($id, $id, $id)").isEmpty)
    }

    @Test("$expr matches a balanced expression, the shortest that lets the rest match")
    func expression() throws {
        #expect(try matches("if ($expr)") == ["if (rcu_gp_in_progress() && (rnp->qsmask & mask) != 0)"])
        #expect(
            try matches("rcu_report_qs_rnp($expr, $expr, $expr, flags)") == [
                "rcu_report_qs_rnp(mask, rnp, rnp->gp_seq, flags)"
            ])
        // Commas inside brackets belong to the expression; at the top they separate.
        #expect(try matches("foo($expr, $expr, $expr)") == ["foo(a, (b, c), d[1])"])
        #expect(try matches("foo($expr)").isEmpty)
        // Never across a statement.
        #expect(try matches("cpu $expr raw_spin_unlock_irqrestore_rcu_node").isEmpty)
        #expect(try matches("= $expr;") == ["= smp_processor_id();", "= foo(a, (b, c), d[1]);"])
    }

    @Test("misused wildcards are errors that say why")
    func misuse() {
        func failure(_ anchor: String, _ reason: String) -> AnchorError {
            AnchorError(.invalidAnchor(reason: reason), path: "test.c", scope: .function("rcu_report"), anchor: anchor)
        }
        let edit = { (anchor: String) in
            SourceEdit(scope: .function("rcu_report"), action: .insertAfter(anchor: anchor, code: "x();"))
        }
        #expect(
            editError(text, edit("$expr;")) == failure("$expr;", "`$expr` needs a token of the anchor on each side"))
        #expect(
            editError(text, edit("= $expr")) == failure("= $expr", "`$expr` needs a token of the anchor on each side"))
        #expect(
            editError(text, edit("if ($expr $expr)"))
                == failure("if ($expr $expr)", "two `$expr` in a row cannot be told apart"))
        #expect(
            editError(text, edit("$foo = 1;"))
                == failure("$foo = 1;", "unknown wildcard `$foo`; the wildcards are `$id` and `$expr`"))
    }

    @Test("an edit with wildcards lands like one without")
    func edit() throws {
        #expect(
            try edited(
                text,
                SourceEdit(
                    scope: .function("rcu_report"),
                    action: .insertBefore(anchor: "raw_spin_unlock_irqrestore_rcu_node($id, $id);", code: "trace();"))
            )
            .contains("flags);\n\ttrace();\n\traw_spin_unlock"))
        #expect(
            try edited(
                text,
                SourceEdit(
                    scope: .function("rcu_report"),
                    action: .replace(anchor: "if ($expr && ($expr) != 0)", with: "if (rcu_gp_in_progress())"))
            )
            .contains("\tif (rcu_gp_in_progress())\n\t\trcu_report_qs_rnp("))
    }

    @Test("many $expr against a long expression stay fast")
    func noBlowUp() throws {
        let terms = (0..<400).map { "a\($0)" }.joined(separator: " + ")
        let long = "void f(void)\n{\n\tx = \(terms);\n}\n"
        let lexed = CLexer.lex(long)
        let definition = try ScopeFinder(lexed).resolve(.function("f"), path: "t.c")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(
                Anchor("x = $expr + $expr + $expr + $expr + $expr - b;").matches(
                    in: lexed, within: definition.bodyTokens
                ).isEmpty)
            #expect(
                Anchor("= $expr + $expr + $expr + $expr + a399;").matches(in: lexed, within: definition.bodyTokens)
                    .count == 1)
        }
        #expect(elapsed < .seconds(5))
    }
}
