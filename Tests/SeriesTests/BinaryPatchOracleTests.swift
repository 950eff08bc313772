import Foundation
import Git
import Series
import Testing

/// `GIT binary patch` data must equal git's: zlib level 1 literals and git's deltas.
@Suite("binary patches against git")
struct BinaryPatchOracleTests {
    /// Deterministic pseudo-random bytes (xorshift), with a NUL so that git sees binary data.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        var out = [UInt8](repeating: 0, count: count)
        for index in 1..<max(count, 1) where index < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out[index] = UInt8(truncatingIfNeeded: state)
        }
        return out
    }

    static func edited(_ data: [UInt8], at offsets: [Int], seed: UInt8) -> [UInt8] {
        var out = data
        for offset in offsets where offset < out.count { out[offset] &+= seed }
        return out
    }

    /// Pairs of (old, new) contents that exercise literals, deltas, window slides, several
    /// deflate blocks, copies longer than 64 KiB and culled delta index buckets.
    static let pairs: [(name: String, old: [UInt8], new: [UInt8])] = {
        let big = noise(200_000, seed: 11)
        let text = [UInt8](repeating: 0, count: 1) + Array(String(repeating: "kernel text line\n", count: 9000).utf8)
        let blockA = noise(16, seed: 5).map { $0 | 1 }
        let blockB = noise(16, seed: 6).map { $0 | 1 }
        let alternating: [UInt8] = (0..<3000).flatMap { $0 % 2 == 0 ? blockA : blockB } + [0]
        return [
            ("small-edit.bin", noise(1000, seed: 1), edited(noise(1000, seed: 1), at: [500], seed: 3)),
            ("rewrite.bin", noise(3000, seed: 2), noise(2000, seed: 3)),
            ("append.bin", noise(5000, seed: 4), noise(5000, seed: 4) + Array("appended\0tail".utf8)),
            ("big-edits.bin", big, edited(big, at: [10, 70_000, 150_000, 199_999], seed: 7)),
            ("text-like.bin", text, edited(text, at: [100, 90_000], seed: 1) + text.prefix(4000)),
            ("alternating.bin", alternating, Array(alternating.reversed())),
            ("tiny.bin", [0, 1], [0, 1, 2]),
        ]
    }()

    @Test("added, modified and deleted binary files in format-patch mails")
    func binaryFilesInMails() throws {
        let fixture = try SeriesFixture.make()
        let repository = fixture.repository
        for pair in Self.pairs { try repository.write("bin/\(pair.name)", pair.old) }
        try repository.write("bin/empty-then-full.bin", [])
        try repository.commit("bin: add")
        for pair in Self.pairs { try repository.write("bin/\(pair.name)", pair.new) }
        try repository.write("bin/empty-then-full.bin", Self.noise(700, seed: 9))
        try repository.remove("bin/tiny.bin")
        try repository.commit("bin: change")

        let commits = try fixture.commits(from: "HEAD~2")
        let format = try fixture.format(commits)
        let expected = try repository.formatPatch("--signature", "kseries-test", "HEAD~2..HEAD")
        let mails = PatchSeries(commits: commits).mails(format: format)
        #expect(mails.map(\.fileName) == expected.map(\.name))
        for (mail, reference) in zip(mails, expected) {
            expectSameBytes(mail.bytes, reference.bytes, reference.name)
        }
        try #require(commits.count == 2, "\(commits.map(\.id.hex))")
        let methods = commits[1].binaryPatches.values.map(\.forward.method)
        #expect(methods.contains(.delta))
        #expect(methods.contains(.literal))
    }

    @Test("literals of assorted sizes equal git's zlib output", arguments: [0, 1, 3, 40, 4_096, 70_000, 300_000])
    func literalSizes(_ size: Int) throws {
        let repository = try ScratchRepository()
        let content = Self.noise(size, seed: UInt64(size) + 17).enumerated().map { $0.offset % 3 == 0 ? 0 : $0.element }
        let file = repository.home.appendingPathComponent("blob.bin")
        try Data(content).write(to: file)
        // `git diff --no-index` (exit status 1: differences) against /dev/null: a new file.
        let gitOutput = try repository.run(
            ["diff", "--no-index", "--binary", "/dev/null", file.path], success: [0, 1])
        let patch = BinaryFilePatch(oldContent: [], newContent: content)
        let text = String(decoding: gitOutput, as: UTF8.self)
        let start = text.range(of: "GIT binary patch\n").map { text.distance(from: text.startIndex, to: $0.lowerBound) }
        if size == 0 {
            #expect(start == nil)  // git shows an empty file as text, with no binary patch
            return
        }
        let expected = Array(gitOutput[(start ?? 0)...])
        expectSameBytes(patch.rendered, expected, "literal of \(size) bytes")
    }
}
