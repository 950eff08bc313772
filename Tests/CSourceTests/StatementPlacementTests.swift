import CSource
import Testing

/// `after` and `before` put lines around the statement the anchor is in, never inside it.
@Suite("Statement placement")
struct StatementPlacementTests {
    func after(_ anchor: String, in body: String, _ code: String = "new();") throws(AnchorError) -> String {
        try edited(
            "void f(void)\n{\n\(body)}\n",
            SourceEdit(scope: .function("f"), action: .insertAfter(anchor: anchor, code: code)))
    }

    func before(_ anchor: String, in body: String, _ code: String = "new();") throws(AnchorError) -> String {
        try edited(
            "void f(void)\n{\n\(body)}\n",
            SourceEdit(scope: .function("f"), action: .insertBefore(anchor: anchor, code: code)))
    }

    @Test("an anchor in an if condition: after the whole if, with its else; before the if")
    func ifCondition() throws {
        let body = "\tif (!context_tracking_guest_exit()) {\n\t\tinstrumentation_begin();\n\t} else\n\t\tx();\n\ty();\n"
        #expect(
            try after("context_tracking_guest_exit()", in: body)
                == "void f(void)\n{\n\tif (!context_tracking_guest_exit()) {\n\t\tinstrumentation_begin();\n\t} else\n\t\tx();\n\tnew();\n\ty();\n}\n"
        )
        #expect(
            try before("context_tracking_guest_exit()", in: body)
                == "void f(void)\n{\n\tnew();\n\tif (!context_tracking_guest_exit()) {\n\t\tinstrumentation_begin();\n\t} else\n\t\tx();\n\ty();\n}\n"
        )
    }

    @Test("an anchor that ends its statement: right after its line, as before")
    func wholeStatement() throws {
        let body = "\tint cpu = get_cpu();\n\n\tput_cpu();\n"
        #expect(
            try after("get_cpu();", in: body)
                == "void f(void)\n{\n\tint cpu = get_cpu();\n\tnew();\n\n\tput_cpu();\n}\n")
        #expect(
            try before("get_cpu()", in: body)
                == "void f(void)\n{\n\tnew();\n\tint cpu = get_cpu();\n\n\tput_cpu();\n}\n")
    }

    @Test("an anchor on a continuation line: around the whole statement")
    func continuedStatement() throws {
        let body = "\tret = kvm_vcpu_ioctl(vcpu,\n\t\t\t     arg);\n\treturn ret;\n"
        #expect(
            try before("arg", in: body)
                == "void f(void)\n{\n\tnew();\n\tret = kvm_vcpu_ioctl(vcpu,\n\t\t\t     arg);\n\treturn ret;\n}\n")
        #expect(
            try after("kvm_vcpu_ioctl", in: body)
                == "void f(void)\n{\n\tret = kvm_vcpu_ioctl(vcpu,\n\t\t\t     arg);\n\tnew();\n\treturn ret;\n}\n")
    }

    @Test("an anchor ending with { opens the block: inside it, at its indentation")
    func blockOpening() throws {
        let body = "\tfor (i = 0; i < n; i++) {\n\t\tx(i);\n\t}\n"
        #expect(
            try after("for ($expr; $expr; $expr) {", in: body)
                == "void f(void)\n{\n\tfor (i = 0; i < n; i++) {\n\t\tnew();\n\t\tx(i);\n\t}\n}\n")
        // The `;` of a for header does not end a statement.
        #expect(
            try after("i = 0;", in: body)
                == "void f(void)\n{\n\tfor (i = 0; i < n; i++) {\n\t\tx(i);\n\t}\n\tnew();\n}\n")
        #expect(
            try after("while (1) {", in: "\twhile (1) {\n\t}\n")
                == "void f(void)\n{\n\twhile (1) {\n\t\tnew();\n\t}\n}\n")
    }

    @Test("initializers and enum bodies are lists: lines go around the anchor's own lines")
    func lists() throws {
        let text = """
            static struct file_operations kvm_vcpu_fops = {
            	.release        = kvm_vcpu_release,
            	.unlocked_ioctl = kvm_vcpu_ioctl,
            	.mmap           = kvm_vcpu_mmap,
            };
            enum ctx_state {
            	CT_STATE_KERNEL = 0,
            	CT_STATE_IDLE,
            };

            """
        #expect(
            try edited(
                text,
                SourceEdit(
                    scope: .file, action: .insertAfter(anchor: ".release = $id,", code: ".open = kvm_vcpu_open,"))
            )
            .contains("\t.release        = kvm_vcpu_release,\n\t.open = kvm_vcpu_open,\n\t.unlocked_ioctl"))
        #expect(
            try edited(
                text, SourceEdit(scope: .file, action: .insertBefore(anchor: "kvm_vcpu_mmap", code: "/* last */"))
            )
            .contains("kvm_vcpu_ioctl,\n\t/* last */\n\t.mmap"))
        #expect(
            try edited(
                text,
                SourceEdit(
                    scope: .structure(.enum, "ctx_state"),
                    action: .insertAfter(anchor: "CT_STATE_IDLE,", code: "CT_STATE_GUEST_RUN,"))
            )
            .contains("\tCT_STATE_IDLE,\n\tCT_STATE_GUEST_RUN,\n};"))
        // Arguments of a call are not a list of lines: around the statement.
        #expect(
            try after("b,", in: "\tf(a,\n\t  b,\n\t  c);\n")
                == "void f(void)\n{\n\tf(a,\n\t  b,\n\t  c);\n\tnew();\n}\n")
    }

    @Test("unbraced bodies, do-while, labels, case, ?: and else-if chains")
    func otherStatements() throws {
        #expect(
            try before("y();", in: "\tif (x)\n\t\ty();\n\tz();\n")
                == "void f(void)\n{\n\tnew();\n\tif (x)\n\t\ty();\n\tz();\n}\n")
        #expect(
            try after("y();", in: "\tif (x)\n\t\ty();\n\telse\n\t\tw();\n\tz();\n")
                == "void f(void)\n{\n\tif (x)\n\t\ty();\n\telse\n\t\tw();\n\tnew();\n\tz();\n}\n")
        #expect(
            try after("x()", in: "\tdo {\n\t\ty();\n\t} while (x());\n\tz();\n")
                == "void f(void)\n{\n\tdo {\n\t\ty();\n\t} while (x());\n\tnew();\n\tz();\n}\n")
        #expect(
            try before("b()", in: "\tint v[] = {\n\t\ta(),\n\t\tb(),\n\t};\n", "z(),")
                == "void f(void)\n{\n\tint v[] = {\n\t\ta(),\n\t\tz(),\n\t\tb(),\n\t};\n}\n")
        #expect(
            try before("y();", in: "\tx();\nout:\n\ty();\n")
                == "void f(void)\n{\n\tx();\nout:\n\tnew();\n\ty();\n}\n")
        #expect(
            try before("y();", in: "\tswitch (v) {\n\tcase 1:\n\t\ty();\n\t}\n")
                == "void f(void)\n{\n\tswitch (v) {\n\tcase 1:\n\t\tnew();\n\t\ty();\n\t}\n}\n")
        #expect(
            try before("c", in: "\tv = a ? b :\n\t    c;\n")
                == "void f(void)\n{\n\tnew();\n\tv = a ? b :\n\t    c;\n}\n")
        #expect(
            try after("else if (b())", in: "\tif (a()) {\n\t\tx();\n\t} else if (b()) {\n\t\ty();\n\t}\n\tz();\n")
                == "void f(void)\n{\n\tif (a()) {\n\t\tx();\n\t} else if (b()) {\n\t\ty();\n\t}\n\tnew();\n\tz();\n}\n")
        #expect(
            try before("b()", in: "\tif (a()) {\n\t\tx();\n\t} else if (b()) {\n\t\ty();\n\t}\n")
                == "void f(void)\n{\n\tnew();\n\tif (a()) {\n\t\tx();\n\t} else if (b()) {\n\t\ty();\n\t}\n}\n")
    }
}
