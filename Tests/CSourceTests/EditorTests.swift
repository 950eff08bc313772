import CSource
import Testing

@Suite("CSourceEditor")
struct EditorTests {
    let vcpu = """
        void vcpu_load(struct kvm_vcpu *vcpu)
        {
        	int cpu = get_cpu();

        	if (cpu)
        		kvm_arch_vcpu_load(vcpu, cpu); /* trailing */
        	put_cpu();
        }

        """

    @Test("insertAfter: whole new lines after the anchor's line, at its indentation")
    func insertAfter() throws {
        let result = try edited(
            vcpu,
            SourceEdit(
                scope: .function("vcpu_load"), action: .insertAfter(anchor: "int cpu = get_cpu();", code: "foo();")))
        #expect(
            result == """
                void vcpu_load(struct kvm_vcpu *vcpu)
                {
                	int cpu = get_cpu();
                	foo();

                	if (cpu)
                		kvm_arch_vcpu_load(vcpu, cpu); /* trailing */
                	put_cpu();
                }

                """)
    }

    @Test("insertAfter a multi-line anchor goes after the line where it ends, at its first line's indentation")
    func insertAfterMultiLine() throws {
        let result = try edited(
            vcpu,
            SourceEdit(
                scope: .function("vcpu_load"),
                action: .insertAfter(anchor: "if (cpu) kvm_arch_vcpu_load(vcpu, cpu);", code: "bar();")))
        #expect(result.contains("/* trailing */\n\tbar();\n\tput_cpu();"))
    }

    @Test(
        "insertBefore: code blocks keep relative tabs, blank lines stay empty, leading and trailing blank lines are kept"
    )
    func insertBefore() throws {
        let code = "\nif (x) {\n\tbar();\n  \n}\n\n"
        let result = try edited(
            vcpu, SourceEdit(scope: .function("vcpu_load"), action: .insertBefore(anchor: "put_cpu();", code: code)))
        #expect(
            result == """
                void vcpu_load(struct kvm_vcpu *vcpu)
                {
                	int cpu = get_cpu();

                	if (cpu)
                		kvm_arch_vcpu_load(vcpu, cpu); /* trailing */

                	if (x) {
                		bar();

                	}

                	put_cpu();
                }

                """)
        #expect(!result.contains(" \n") && !result.contains("\t\n"))
    }

    @Test("replace: exactly the matched bytes; further lines get the anchor line's indentation")
    func replace() throws {
        let scope = SourceScope.function("vcpu_load")
        #expect(
            try edited(
                vcpu, SourceEdit(scope: scope, action: .replace(anchor: "get_cpu ( )", with: "raw_smp_processor_id()"))
            )
            .contains("\tint cpu = raw_smp_processor_id();\n"))
        #expect(
            try edited(vcpu, SourceEdit(scope: scope, action: .replace(anchor: "put_cpu();", with: "a();\nb();\n")))
                .contains("\ta();\n\tb();\n}"))
    }

    @Test("replace with nothing removes whole lines, not just their text")
    func replaceRemovesLines() throws {
        let result = try edited(
            vcpu, SourceEdit(scope: .function("vcpu_load"), action: .replace(anchor: "put_cpu();", with: "")))
        #expect(result.contains("/* trailing */\n}\n"))
        let partial = try edited(
            vcpu, SourceEdit(scope: .function("vcpu_load"), action: .replace(anchor: "vcpu,", with: "")))
        #expect(partial.contains("kvm_arch_vcpu_load( cpu);"))
    }

    @Test("body start and end use the first statement's indentation")
    func bodyStartEnd() throws {
        let scope = SourceScope.function("vcpu_load")
        let result = try edited(
            vcpu, SourceEdit(scope: scope, action: .insertAtBodyStart(code: "int a;")),
            SourceEdit(scope: scope, action: .insertAtBodyEnd(code: "\nz();")))
        #expect(result.hasPrefix("void vcpu_load(struct kvm_vcpu *vcpu)\n{\n\tint a;\n\tint cpu = get_cpu();\n"))
        #expect(result.hasSuffix("\tput_cpu();\n\n\tz();\n}\n"))
    }

    @Test("body start in a struct skips directives to find the member indentation; an empty body gets one tab more")
    func structAndEmptyBodies() throws {
        let text = "struct s {\n#ifdef A\n        int a;\n#endif\n};\n\tstruct t {\n\t};\nvoid f(void)\n{\n}\n"
        #expect(
            try edited(text, SourceEdit(scope: .structure(.struct, "s"), action: .insertAtBodyStart(code: "int z;")))
                == "struct s {\n        int z;\n#ifdef A\n        int a;\n#endif\n};\n\tstruct t {\n\t};\nvoid f(void)\n{\n}\n"
        )
        #expect(
            try edited(text, SourceEdit(scope: .structure(.struct, "t"), action: .insertAtBodyEnd(code: "int z;")))
                .contains("\tstruct t {\n\t\tint z;\n\t};\n"))
        #expect(
            try edited(text, SourceEdit(scope: .function("f"), action: .insertAtBodyStart(code: "return;")))
                .hasSuffix("void f(void)\n{\n\treturn;\n}\n"))
    }

    @Test("one-line bodies cannot take new lines")
    func oneLineBody() {
        let text = "static inline void stub(void) { }\nstatic inline int two(void) { return 0; }\n"
        #expect(
            editError(text, SourceEdit(scope: .function("stub"), action: .insertAtBodyStart(code: "x();")))?.kind
                == .unsupportedLayout(
                    line: 1, reason: "new lines there would fall outside the body (its braces are on lines 1 and 1)"))
        #expect(
            editError(text, SourceEdit(scope: .function("stub"), action: .insertAtBodyEnd(code: "x();")))?.kind
                == .unsupportedLayout(line: 1, reason: "the body is on one line"))
        #expect(
            editError(
                text, SourceEdit(scope: .function("two"), action: .insertAfter(anchor: "return 0;", code: "x();")))?
                .kind
                == .unsupportedLayout(
                    line: 2, reason: "new lines there would fall outside the body (its braces are on lines 2 and 2)"))
    }

    @Test("new lines never split a comment or a backslash-continued line")
    func splitting() throws {
        let text = "void f(void)\n{\n\ta(); /* starts\n\t * here */\n#define M(x) \\\n\tdo_it(x)\n}\n"
        #expect(
            editError(text, SourceEdit(scope: .function("f"), action: .insertAfter(anchor: "a();", code: "b();")))?.kind
                == .unsupportedLayout(line: 3, reason: "new lines there would split the comment on lines 3-4"))
        // An anchor inside a directive puts new lines around the whole directive.
        #expect(
            try edited(text, SourceEdit(scope: .function("f"), action: .insertBefore(anchor: "do_it(x)", code: "b();")))
                == "void f(void)\n{\n\ta(); /* starts\n\t * here */\nb();\n#define M(x) \\\n\tdo_it(x)\n}\n")
        #expect(
            try edited(text, SourceEdit(scope: .function("f"), action: .insertAfter(anchor: "M(x)", code: "b();")))
                == "void f(void)\n{\n\ta(); /* starts\n\t * here */\n#define M(x) \\\n\tdo_it(x)\nb();\n}\n")
        // Inside the macro's own scope, new lines continue the macro, the backslash aligned.
        #expect(
            try edited(text, SourceEdit(scope: .macro("M"), action: .insertBefore(anchor: "do_it(x)", code: "b();")))
                == "void f(void)\n{\n\ta(); /* starts\n\t * here */\n#define M(x) \\\n\tb(); \\\n\tdo_it(x)\n}\n")
    }

    @Test("file scope: edits anywhere, body start and end are the file's ends, a missing final newline is added")
    func fileScope() throws {
        let text = "#include <a.h>\nint x;"
        #expect(
            try edited(text, SourceEdit(scope: .file, action: .insertAfter(anchor: "int x;", code: "int y;")))
                == "#include <a.h>\nint x;\nint y;\n")
        #expect(
            try edited(text, SourceEdit(scope: .file, action: .insertAtBodyEnd(code: "int y;")))
                == "#include <a.h>\nint x;\nint y;\n")
        #expect(
            try edited(text, SourceEdit(scope: .file, action: .insertAtBodyStart(code: "// SPDX")))
                == "// SPDX\n#include <a.h>\nint x;")
        #expect(
            try edited(
                text, SourceEdit(scope: .file, action: .insertBefore(anchor: "#include <a.h>", code: "#include <b.h>")))
                == "#include <b.h>\n#include <a.h>\nint x;")
    }

    @Test("a failed edit leaves the bytes unchanged; the change reports what it did")
    func atomicity() throws {
        var editor = CSourceEditor(bytes: Array(vcpu.utf8), path: "kvm_main.c")
        #expect(throws: AnchorError.self) {
            try editor.apply(
                SourceEdit(scope: .function("vcpu_load"), action: .insertAfter(anchor: "nothing", code: "x();")))
        }
        #expect(editor.bytes == Array(vcpu.utf8))
        let change = try editor.apply(
            SourceEdit(scope: .function("vcpu_load"), action: .insertAfter(anchor: "put_cpu();", code: "x();")))
        #expect(change.line == 8 && change.range.isEmpty && change.replacement == Array("\tx();\n".utf8))
    }

    @Test("bytes that are not UTF-8 survive an edit untouched")
    func nonUTF8() throws {
        var bytes = Array("void f(void)\n{\n\ta(); /* ".utf8) + [0xE9, 0xFF] + Array(" */\n}\n".utf8)
        var editor = CSourceEditor(bytes: bytes, path: "latin1.c")
        try editor.apply(SourceEdit(scope: .function("f"), action: .insertBefore(anchor: "a();", code: "b();")))
        bytes.insert(contentsOf: Array("\tb();\n".utf8), at: 15)
        #expect(editor.bytes == bytes)
    }
}

@Suite("Inserting around a whole definition")
struct DefinitionPositionTests {
    let source = """
        int before;

        /*
         * The doc comment of f.
         */
        static __always_inline
        int f(void)
        {
        	return 1;
        }
        EXPORT_SYMBOL_GPL(f);

        struct s {
        	int a;
        };
        int after;

        """

    func apply(_ scope: SourceScope, _ action: SourceEdit.Action) throws -> String {
        var editor = CSourceEditor(bytes: Array(source.utf8), path: "t.c")
        try editor.apply(SourceEdit(scope: scope, action: action))
        return String(decoding: editor.bytes, as: UTF8.self)
    }

    @Test("before a function goes above its return type and its doc comment")
    func beforeFunction() throws {
        let out = try apply(.function("f"), .insertBeforeDefinition(code: "int g;\n\n"))
        #expect(out.contains("int before;\n\nint g;\n\n/*\n * The doc comment of f.\n */\nstatic __always_inline\nint f(void)\n"))
    }

    @Test("after a function goes after its EXPORT_SYMBOL; after a struct, after its `};`")
    func afterDefinitions() throws {
        let function = try apply(.function("f"), .insertAfterDefinition(code: "\nint g;"))
        #expect(function.contains("}\nEXPORT_SYMBOL_GPL(f);\n\nint g;\n\nstruct s {"))
        let structure = try apply(.structure(.struct, "s"), .insertAfterDefinition(code: "int t;"))
        #expect(structure.contains("\tint a;\n};\nint t;\nint after;\n"))
    }

    @Test("a scope without braces has no definition to insert around")
    func notForFileScope() throws {
        #expect(throws: AnchorError.self) { try apply(.file, .insertAfterDefinition(code: "x;")) }
    }
}
