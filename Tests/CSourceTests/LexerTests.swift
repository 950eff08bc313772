import CSource
import Testing

@Suite("CLexer")
struct LexerTests {
    @Test("identifiers, numbers and punctuators")
    func basicTokens() {
        let lexed = tokens("int cpu = get_cpu(); x->y += 0x1fULL;")
        #expect(
            lexed.map(\.spelling) == [
                "int", "cpu", "=", "get_cpu", "(", ")", ";", "x", "->", "y", "+=", "0x1fULL", ";",
            ])
        #expect(
            lexed.map(\.token.kind) == [
                .identifier, .identifier, .punctuator, .identifier, .punctuator, .punctuator, .punctuator,
                .identifier, .punctuator, .identifier, .punctuator, .number, .punctuator,
            ])
    }

    @Test("multi-character punctuators take the longest match")
    func punctuators() {
        #expect(
            spellings("a<<=b>>=c...d##e&&f||g==h!=i<=j>=k++ --l%=m^=n|=o&=p*=q/=r-=s<<t>>u")
                == [
                    "a", "<<=", "b", ">>=", "c", "...", "d", "##", "e", "&&", "f", "||", "g", "==", "h", "!=", "i",
                    "<=", "j", ">=", "k", "++", "--", "l", "%=", "m", "^=", "n", "|=", "o", "&=", "p", "*=", "q",
                    "/=", "r", "-=", "s", "<<", "t", ">>", "u",
                ])
        #expect(spellings("a..b") == ["a", ".", ".", "b"])
        #expect(spellings("x--->y") == ["x", "--", "->", "y"])
    }

    @Test("pp-numbers include exponents with signs, suffixes and a leading dot")
    func numbers() {
        #expect(
            spellings("1e+10 .5 0x1p-3 10UL 1.2.3 1-2") == ["1e+10", ".5", "0x1p-3", "10UL", "1.2.3", "1", "-", "2"])
    }

    @Test("comments are skipped but recorded, and both kinds count")
    func comments() {
        let text = "a /* one */ b // two\nc /* three\nlines */ d"
        let lexed = CLexer.lex(text)
        #expect(lexed.tokens.map { lexed.text(of: $0) } == ["a", "b", "c", "d"])
        #expect(
            lexed.comments.map { String(decoding: lexed.bytes[$0], as: UTF8.self) } == [
                "/* one */", "// two", "/* three\nlines */",
            ])
        #expect(lexed.tokens.map(\.line) == [1, 1, 2, 3])
    }

    @Test("comment markers inside strings and characters are text")
    func commentMarkersInLiterals() {
        let lexed = tokens(#"s = "/* not a comment */"; t = "// nor this"; c = '/';"#)
        #expect(
            lexed.map(\.spelling) == [
                "s", "=", #""/* not a comment */""#, ";", "t", "=", #""// nor this""#, ";", "c", "=", "'/'", ";",
            ])
        #expect(CLexer.lex(#"x = "/*"; y;"#).comments.isEmpty)
    }

    @Test("escaped quotes and braces in character literals")
    func characterLiterals() {
        let lexed = tokens(#"if (c == '\'' || c == '{' || c == '"') { s = "a\"b\\"; }"#)
        #expect(
            lexed.map(\.spelling) == [
                "if", "(", "c", "==", #"'\''"#, "||", "c", "==", "'{'", "||", "c", "==", #"'"'"#, ")", "{", "s", "=",
                #""a\"b\\""#, ";", "}",
            ])
        #expect(lexed.filter { $0.token.kind == .character }.count == 3)
    }

    @Test("encoding prefixes belong to their literals")
    func prefixes() {
        let lexed = tokens(#"L"wide" u8"utf8" u'c' U"x" Lx "y""#)
        #expect(lexed.map(\.spelling) == [#"L"wide""#, #"u8"utf8""#, "u'c'", #"U"x""#, "Lx", #""y""#])
        #expect(lexed.map(\.token.kind) == [.string, .string, .character, .string, .identifier, .string])
    }

    @Test("a backslash-newline is whitespace and still counts a line")
    func continuations() {
        let lexed = tokens("a \\\n b\\\r\n c \\  \n d\ne")
        #expect(lexed.map(\.spelling) == ["a", "b", "c", "d", "e"])
        #expect(lexed.map(\.token.line) == [1, 2, 3, 4, 5])
    }

    @Test("a line comment continues over a backslash-newline")
    func continuedLineComment() {
        let lexed = CLexer.lex("a // comment \\\n still comment\nb")
        #expect(lexed.tokens.map { lexed.text(of: $0) } == ["a", "b"])
        #expect(lexed.tokens.last?.line == 3)
    }

    @Test("a # first on its logical line starts a directive that runs to the end of that line")
    func directives() {
        let lexed = tokens("#define CT_WARN_ON(cond) WARN_ON(x)\nint y;\n  # if A \\\n && B\nz # w\n")
        #expect(
            lexed.map(\.spelling) == [
                "#", "define", "CT_WARN_ON", "(", "cond", ")", "WARN_ON", "(", "x", ")", "int", "y", ";", "#", "if",
                "A",
                "&&", "B", "z", "#", "w",
            ])
        #expect(
            lexed.map(\.token.inDirective) == Array(repeating: true, count: 10) + [false, false, false]
                + Array(repeating: true, count: 5) + [false, false, false])
        #expect(lexed.filter(\.token.startsDirective).map(\.token.line) == [1, 3])
    }

    @Test("a directive continues across a multi-line block comment")
    func directiveWithBlockComment() {
        let lexed = tokens("#define X /* a\n b */ 1\nint y;")
        #expect(lexed.map(\.spelling) == ["#", "define", "X", "1", "int", "y", ";"])
        #expect(lexed.map(\.token.inDirective) == [true, true, true, true, false, false, false])
        #expect(lexed.map(\.token.line) == [1, 1, 1, 2, 3, 3, 3])
    }

    @Test("a comment before # on the same line still leaves the # first")
    func commentBeforeHash() {
        #expect(tokens("/* c */ #include <x.h>\n").first?.token.startsDirective == true)
        #expect(tokens("a; /* c */ # b\n").contains { $0.token.inDirective } == false)
    }

    @Test("tokens know their byte ranges")
    func ranges() {
        let lexed = CLexer.lex("ab  ->\n\tc")
        #expect(lexed.tokens.map(\.range) == [0..<2, 4..<6, 8..<9])
        #expect(lexed.lineStarts == [0, 7])
    }

    @Test("bytes that are not UTF-8 are kept and never trap")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x69, 0x6E, 0x74, 0x20, 0xFF, 0xFE, 0x3B, 0x0A, 0x22, 0xC3, 0x28, 0x22]
        let lexed = CLexer.lex(bytes)
        #expect(lexed.tokens.map(\.range) == [0..<3, 4..<6, 6..<7, 8..<12])
        #expect(lexed.tokens.map(\.kind) == [.identifier, .identifier, .punctuator, .string])
    }
}
