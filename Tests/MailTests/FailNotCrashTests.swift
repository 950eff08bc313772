import Mail
import TestSupport
import Testing

/// The suite's rule: what the code under test returns is checked with `#require` before it
/// is indexed or unwrapped, and helpers that parse output throw; so a wrong count fails one
/// test with a message instead of trapping the whole test process.
@Suite("A broken expectation fails its test, never the test process")
struct FailNotCrashTests {
    @Test("#require on a missing message records a failure and ends the test where indexing would trap")
    func requireEndsTheTest() {
        let messages: [PreparedMessage] = []
        var reached = false
        withKnownIssue("this #require fails on purpose") {
            let first = try #require(messages.first)
            reached = true
            _ = first
        }
        #expect(!reached)
    }

    @Test("a dry run cut inside its last message is an error of the parser, not an index out of range")
    func truncatedDryRun() throws {
        let messages = try Fixtures.prepare(try Fixtures.awkwardSeries())
        let last = try #require(messages.last)
        let output = DryRun.render(messages, delivery: .sendmail(SendmailCommand(.shell("sendmail"))))
        #expect(try Fixtures.parseDryRun(output).count == messages.count)
        let cut = Array(output.prefix(output.count - last.bytes.count / 2))
        #expect(throws: UnexpectedOutput.self) { try Fixtures.parseDryRun(cut) }
    }
}
