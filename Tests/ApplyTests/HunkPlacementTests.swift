import Apply
import Foundation
import Testing
import TestSupport

/// `l1` … `l12`, one per line.
let twelve = Array((1...12).map { "l\($0)\n" }.joined().utf8)

/// Applies `diff` to `target` (as `f.c`) with kseries and with real git, checks that both agree
/// on success and on the bytes, and returns kseries' result.
@discardableResult
func applyBoth(
    _ diff: String, to target: [UInt8]?, options: ApplyOptions = ApplyOptions(), gitOptions: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> FileApplyResult {
    let ours = try applyDiff(diff, to: target, options: options)
    let git = try GitOracle.apply(diff, files: target.map { ["f.c": $0] } ?? [:], options: gitOptions, read: ["f.c"])
    #expect(ours.applied == git.applied, "kseries: \(ours); git: \(git.log)", sourceLocation: sourceLocation)
    if ours.applied && git.applied {
        #expect(ours.result?.bytes == git.files["f.c"], "bytes differ from git's", sourceLocation: sourceLocation)
    }
    return ours
}

/// The placement and failure report of a result, for short assertions.
extension FileApplyResult {
    var mismatch: HunkMismatch? {
        if case .failed(.hunkFailed(let mismatch)) = verdict { return mismatch }
        return nil
    }

    var failure: ApplyFailure? {
        if case .failed(let failure) = verdict { return failure }
        return nil
    }

    var text: String { String(decoding: result?.bytes ?? [], as: UTF8.self) }
}

@Suite("Where a hunk lands: git's search from the stated line outwards")
struct HunkPlacementTests {
    static let changeL6 = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -4,5 +4,5 @@
         l4
         l5
        -l6
        +L6
         l7
         l8

        """

    @Test("a hunk whose context is where the patch says applies cleanly")
    func exactPosition() throws {
        let result = try applyBoth(Self.changeL6, to: twelve)
        #expect(result.verdict == .clean)
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 4, offset: 0)])
        #expect(result.text.contains("l5\nL6\nl7\n"))
    }

    @Test("lines added above the hunk move it down: applied with offset +3")
    func offsetDown() throws {
        let result = try applyBoth(Self.changeL6, to: text("new 1", "new 2", "new 3") + twelve)
        #expect(result.verdict == .appliedWithOffset)
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 7, offset: 3)])
        #expect(result.description == "f.c: applied with hunk #1 at line 7 (offset 3 lines)")
    }

    @Test("lines removed above the hunk move it up: applied with offset -2")
    func offsetUp() throws {
        let result = try applyBoth(Self.changeL6, to: Array(twelve.dropFirst(6)))
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 2, offset: -2)])
    }

    static let kvk = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -3,3 +3,3 @@
         k
        -v
        +V
         k

        """

    @Test("when the context is both one line after and one line before, git takes the one after")
    func afterBeforeBefore() throws {
        // The preimage `k v k` is expected at line 3; it is at lines 2 and 4, not 3.
        let result = try applyBoth(Self.kvk, to: text("x", "k", "v", "k", "v", "k", "y"))
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 4, offset: 1)])
        let applied = try #require(result.result, "\(result)")
        #expect(lines(applied.bytes) == ["x", "k", "v", "k", "V", "k", "y", ""])
    }

    @Test("the nearest occurrence wins: one line before beats two lines after")
    func nearestWins() throws {
        // Expected at line 3; present at lines 2 and 5.
        let result = try applyBoth(Self.kvk, to: text("k", "k", "v", "k", "z", "k", "v", "k"))
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 2, offset: -1)])
    }

    @Test("a later hunk is searched from its own +line, not from where the earlier hunk landed")
    func laterHunksStartFromTheirNewLine() throws {
        // The patch changes l3 and l15 of l1…l20. The target has four extra lines on top (so
        // hunk 1 lands 4 lines down) and also a copy of hunk 2's context exactly where the patch
        // says hunk 2 is. git (unlike GNU patch) does not carry hunk 1's offset over: it finds
        // the copy first.
        let diff = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -2,3 +2,3 @@
             line2
            -line3
            +LINE3
             line4
            @@ -14,3 +14,3 @@
             line14
            -line15
            +LINE15
             line16

            """
        var target = ["x1", "x2", "x3", "x4"] + (1...9).map { "line\($0)" }
        target += ["line14", "line15", "line16", "line13", "line14", "line15", "line16"] + (17...20).map { "line\($0)" }
        let result = try applyBoth(diff, to: Array(target.map { $0 + "\n" }.joined().utf8))
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 6, offset: 4), HunkPlacement(hunk: 2, line: 14, offset: 0)])
        let applied = lines(try #require(result.result, "\(result)").bytes)
        try #require(applied.count > 19, "\(applied)")
        #expect(applied[13...19] == ["line14", "LINE15", "line16", "line13", "line14", "line15", "line16"])
    }

    @Test("a hunk cannot match lines an earlier hunk wrote, unless overlap is allowed")
    func noOverlap() throws {
        let diff = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -1,3 +1,4 @@
             a
             b
            +q
             c
            @@ -8,3 +9,3 @@
             b
            -q
            +Q
             c

            """
        let target = text("a", "b", "c", "x", "y", "z", "w")
        let refused = try applyBoth(diff, to: target)
        #expect(refused.mismatch?.hunk == 2)
        #expect(refused.mismatch?.nearest?.reason == .overlapsEarlierHunk)
        #expect(refused.placements == [HunkPlacement(hunk: 1, line: 1, offset: 0)])

        let allowed = try applyBoth(diff, to: target, options: ApplyOptions(allowOverlap: true), gitOptions: ["--allow-overlap"])
        #expect(allowed.text == "a\nb\nQ\nc\nx\ny\nz\nw\n")
    }

    @Test("reduced context (-C1) drops outer context lines that no longer match, and says so")
    func reducedContext() throws {
        let diff = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -3,7 +3,7 @@
             l3
             l4
             l5
            -l6
            +L6
             l7
             l8
             l9

            """
        var target = twelve
        target.replaceSubrange(6..<8, with: Array("changed".utf8))  // l3 → changed
        let strict = try applyBoth(diff, to: target)
        #expect(strict.mismatch?.nearest?.firstDifference == 0)

        let reduced = try applyBoth(diff, to: target, options: ApplyOptions(minimumContext: 1), gitOptions: ["-C1"])
        #expect(reduced.verdict == .appliedWithOffset)
        // git steps its start line back by one per dropped leading line, hence the offset.
        #expect(reduced.placements == [HunkPlacement(hunk: 1, line: 4, offset: 2, reducedContext: ReducedContext(leading: 2, trailing: 2))])
        let git = try GitOracle.apply(diff, files: ["f.c": target], options: ["-C1"])
        #expect(git.log.contains("Context reduced to (2/2) to apply fragment at 4"))
    }
}

@Suite("Hunks at the start and end of a file")
struct FileBoundaryTests {
    static let firstLine = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -1,3 +1,3 @@
        -l1
        +L1
         l2
         l3

        """

    @Test("a hunk starting at line 1 has no leading context, so it only applies at the start of the file")
    func matchBeginning() throws {
        #expect(try applyBoth(Self.firstLine, to: twelve).verdict == .clean)
        let shifted = try applyBoth(Self.firstLine, to: text("/* licence */") + twelve)
        #expect(shifted.mismatch?.nearest == NearMatch(line: 2, matchingLines: 3, totalLines: 3, reason: .notAtStartOfFile))
        #expect(shifted.description.contains("must match at the start of the file"))
    }

    static let lastLine = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -10,3 +10,3 @@
         l10
         l11
        -l12
        +L12

        """

    @Test("a hunk without trailing context only applies at the end of the file")
    func matchEnd() throws {
        #expect(try applyBoth(Self.lastLine, to: twelve).verdict == .clean)
        let longer = try applyBoth(Self.lastLine, to: twelve + text("l13"))
        #expect(longer.mismatch?.nearest?.reason == .notAtEndOfFile)
        // …but where the end moved, the hunk follows it.
        let shorter = try applyBoth(Self.lastLine, to: Array(twelve.dropFirst(3)))
        #expect(shorter.placements == [HunkPlacement(hunk: 1, line: 9, offset: -1)])
    }

    static let zeroContext = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -6 +6 @@
        -l6
        +L6

        """

    @Test("a -U0 hunk has no trailing context: it needs --unidiff-zero to apply in the middle of a file")
    func unidiffZero() throws {
        let target = text("a", "b") + twelve
        #expect(try applyBoth(Self.zeroContext, to: target).mismatch?.nearest?.reason == .notAtEndOfFile)
        let zero = try applyBoth(Self.zeroContext, to: target, options: ApplyOptions(unidiffZero: true), gitOptions: ["--unidiff-zero"])
        #expect(zero.placements == [HunkPlacement(hunk: 1, line: 8, offset: 2)])
    }

    static let addFinalNewline = """
        diff --git a/f.c b/f.c
        --- a/f.c
        +++ b/f.c
        @@ -11,2 +11,2 @@
         l11
        -l12
        \\ No newline at end of file
        +l12

        """

    @Test("\\ No newline at end of file is part of the context: it must match the file's last byte")
    func noNewlineAtEnd() throws {
        let withoutNewline = Array(twelve.dropLast())
        let fixed = try applyBoth(Self.addFinalNewline, to: withoutNewline)
        #expect(fixed.result?.bytes == twelve)
        let already = try applyBoth(Self.addFinalNewline, to: twelve)
        #expect(already.mismatch != nil)
        #expect(already.description.contains("(no newline)"))
    }

    @Test("a hunk may remove the final newline")
    func removeFinalNewline() throws {
        let diff = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -12 +12 @@
            -l12
            +l12
            \\ No newline at end of file

            """
        #expect(try applyBoth(diff, to: twelve).result?.bytes == Array(twelve.dropLast()))
    }
}

@Suite("What a failed hunk reports")
struct MismatchReportTests {
    @Test("context must match exactly: a whitespace change fails, and the report shows the line that differs")
    func whitespaceIsNotFuzzed() throws {
        var target = twelve
        target.insert(UInt8(ascii: "\t"), at: 12)  // "\tl5"
        let result = try applyBoth(HunkPlacementTests.changeL6, to: target)
        let mismatch = try #require(result.mismatch)
        #expect(mismatch.hunk == 1)
        #expect(mismatch.expectedLine == 4)
        #expect(mismatch.location == PatchLocation(file: "test.patch", line: 4))
        #expect(mismatch.preimage == [[UInt8]("l4\n"), [UInt8]("l5\n"), [UInt8]("l6\n"), [UInt8]("l7\n"), [UInt8]("l8\n")])
        #expect(
            mismatch.nearest
                == NearMatch(
                    line: 4, matchingLines: 4, totalLines: 5, reason: .linesDiffer, firstDifference: 1,
                    expected: [UInt8]("l5\n"), found: [UInt8]("\tl5\n")))
        #expect(
            result.description
                == "test.patch:1: f.c: hunk #1 (@@ -4,5 +4,5 @@, test.patch:4) does not apply at or near line 4; "
                + "nearest: line 4 matches 4 of 5 lines; hunk line 2 differs: expected \"l5\", found \"\tl5\"")
    }

    @Test("the nearest place is the one with the most identical lines, even far from the stated line")
    func nearestFarAway() throws {
        var target = Array((1...40).map { "filler \($0)\n" }.joined().utf8)
        target += text("l4", "l5", "l6", "CHANGED", "l8")
        let result = try applyBoth(HunkPlacementTests.changeL6, to: target)
        #expect(result.mismatch?.nearest?.line == 41)
        #expect(result.mismatch?.nearest?.matchingLines == 4)
        #expect(result.mismatch?.nearest?.found == [UInt8]("CHANGED\n"))
    }

    @Test("the first failing hunk stops the file; the hunks placed before it are reported")
    func firstFailureStops() throws {
        let diff = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -1,2 +1,2 @@
            -l1
            +L1
             l2
            @@ -6,2 +6,2 @@
             l6
            -l7
            +L7
            @@ -11,2 +11,2 @@
             l11
            -l12
            +L12

            """
        var target = twelve
        target.replaceSubrange(18..<20, with: Array("lx".utf8))  // l7 → lx
        let result = try applyBoth(diff, to: target)
        #expect(result.mismatch?.hunk == 2)
        #expect(result.placements == [HunkPlacement(hunk: 1, line: 1, offset: 0)])
        #expect(result.result == nil)
    }
}
