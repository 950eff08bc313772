import Testing

@testable import Policy

/// The nesting check skips the content of block scalars; which lines open one is read from
/// the bytes for ASCII lines, and must agree with reading them as text.
@Suite("block scalar headers")
struct NestingLimitTests {
    @Test("ASCII lines: the byte reading agrees with the text reading")
    func asciiAgrees() {
        let pieces = ["", " ", "\t", "  ", "key:", "- ", "|", ">", "|+2", ">-", "|x", "#c", " #", "a#b", "| #c", "|# c", "\r", "a|", "9", "-"]
        var checked = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let line = Array((a + b + c).utf8)
                    #expect(
                        NestingLimit.asciiStartsBlockScalar(line) == NestingLimit.decodedStartsBlockScalar(line),
                        "\((a + b + c).debugDescription)")
                    checked += 1
                }
            }
        }
        #expect(NestingLimit.startsBlockScalar(Array("    insert: |".utf8)))
        #expect(NestingLimit.startsBlockScalar(Array("  - >-2 # folded".utf8)))
        #expect(!NestingLimit.startsBlockScalar(Array("    after: a || b".utf8)))
        #expect(checked == 8000)
    }
}
