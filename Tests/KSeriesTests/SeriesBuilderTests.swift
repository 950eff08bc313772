import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// SeriesBuilder applies a policy's patches one after another, each on the files as the
/// patches before it left them.
@Suite("edits of a file across patches")
struct SeriesBuilderTests {
    @Test("a file a later patch edits again keeps the earlier patch's edits")
    func laterPatchKeepsEarlierEdits() throws {
        let fixture = try GitFixture()
        try fixture.commit(["a.c": "int f(void)\n{\n\tint x = 0;\n\treturn x;\n}\n"], message: "base")
        let policy = try PolicyLoader().load(
            yaml: """
                base: main
                cover: {subject: s, body: b}
                patches:
                  - subject: "a: first"
                    body: one
                    edits:
                      - {file: a.c, function: f, after: "int x = 0;", insert: "x++;"}
                  - subject: "a: second"
                    body: two
                    edits:
                      - {file: a.c, function: f, before: "return x;", insert: "x *= 2;"}
                """,
            path: "policy.yaml", name: "p")
        let repository = try Repository(at: fixture.path)
        let base = try repository.commitID(forRevision: "main")
        let patches = try SeriesBuilder(repository: repository).edit(policy: policy, base: base, ref: "main")
        #expect(patches.count == 2)
        #expect(String(decoding: patches[0].files[0].contents, as: UTF8.self) == "int f(void)\n{\n\tint x = 0;\n\tx++;\n\treturn x;\n}\n")
        #expect(String(decoding: patches[1].files[0].contents, as: UTF8.self) == "int f(void)\n{\n\tint x = 0;\n\tx++;\n\tx *= 2;\n\treturn x;\n}\n")
    }
}
