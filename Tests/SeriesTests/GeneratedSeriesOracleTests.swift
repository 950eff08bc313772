import Foundation
import Git
import Series
import Testing

/// Commits generated from a fixed seed (deep paths, long and empty files, binary files,
/// deletions, long subjects), each mailed alone and then as a series with a cover letter,
/// compared with `git format-patch`.
@Suite("generated commits against git")
struct GeneratedSeriesOracleTests {
    /// A small deterministic generator (xorshift64*), so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    @Test("generated commits", arguments: [UInt64(1), 2, 3])
    func generated(seed: UInt64) throws {
        var random = SeededGenerator(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        var paths: [String] = []
        let rounds = 10
        for round in 0..<rounds {
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                var path = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                    String(repeating: "d", count: Int.random(in: 1...14, using: &random)) + "\(Int.random(in: 0...9, using: &random))"
                }.joined(separator: "/")
                path += (path.isEmpty ? "" : "/") + "f\(round)_\(Int.random(in: 0...99, using: &random)).c"
                if Bool.random(using: &random), let old = paths.randomElement(using: &random) { path = old }
                let lineCount = Int.random(in: 0...(Bool.random(using: &random) ? 1500 : 30), using: &random)
                var content = (0..<lineCount).map { _ in "l\(Int.random(in: 0...5, using: &random))\n" }.joined()
                if Int.random(in: 0...6, using: &random) == 0 { content = "\u{0}" + content }
                try repository.write(path, content)
                paths.append(path)
            }
            if Bool.random(using: &random), let victim = paths.randomElement(using: &random) {
                try? FileManager.default.removeItem(at: repository.directory.appendingPathComponent(victim))
                paths.removeAll { $0 == victim }
            }
            try repository.write("rounds/\(round).txt", "round \(round)\n")
            let words = String(repeating: "word ", count: Int.random(in: 0...25, using: &random))
            try repository.commit("generated round \(round) \(words)")

            let commits = try fixture.commits(from: "HEAD~1")
            let expected = try repository.formatPatch("--signature", "kseries-test", "-1")
            let mails = PatchSeries(commits: commits).mails(format: try fixture.format(commits))
            #expect(mails.map(\.fileName) == expected.map(\.name))
            for (mail, reference) in zip(mails, expected) { expectSameBytes(mail.bytes, reference.bytes, reference.name) }
        }

        let range = "HEAD~\(rounds)..HEAD"
        let commits = try fixture.commits(from: "HEAD~\(rounds)")
        let (seriesDiff, seriesBinaries) = try fixture.reader.diff(from: "HEAD~\(rounds)", to: "HEAD")
        let expected = try repository.formatPatch("--signature", "kseries-test", "--cover-letter", "-v7", range)
        let cover = CoverLetter(sender: fixture.sender, tipCommitID: commits.last?.id, seriesDiff: seriesDiff,
                                seriesBinaryPatches: seriesBinaries)
        let format = try fixture.format(commits, extra: [seriesDiff], rerollCount: "7")
        let mails = PatchSeries(commits: commits, coverLetter: cover).mails(format: format)
        #expect(mails.map(\.fileName) == expected.map(\.name))
        for (mail, reference) in zip(mails, expected) { expectSameBytes(mail.bytes, reference.bytes, reference.name) }
    }
}
