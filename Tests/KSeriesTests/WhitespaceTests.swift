import Foundation
import Testing

@testable import KSeries

/// `trimmingWhitespace()` is Foundation's `trimmingCharacters(in: .whitespaces)` without the
/// bridge for ASCII-edged text: both must agree on every kind of line.
@Suite("trimming whitespace as Foundation does")
struct WhitespaceTests {
    @Test("spaces, tabs, other blanks, control characters and combining marks at either end")
    func sameAsFoundation() {
        let pieces = ["", " ", "\t", "  \t ", "\u{A0}", "\u{3000}", "\u{2009}", "\r", "\n", "\u{0}", "\u{1F}", "\u{85}", "\u{301}", "é"]
        let cores = ["", "a", "Reviewed-by: A <a@b>", "x \t y", "é", "\u{301}x", "x\u{301}"]
        for before in pieces {
            for core in cores {
                for after in pieces {
                    let line = before + core + after
                    #expect(line.trimmingWhitespace() == line.trimmingCharacters(in: .whitespaces), "\(line.debugDescription)")
                    let sliced = ("-" + line + "-").dropFirst().dropLast()
                    #expect(sliced.trimmingWhitespace() == sliced.trimmingCharacters(in: .whitespaces))
                }
            }
        }
    }
}
