#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies the hunks of one file patch to a file's bytes with `git apply`'s rules (apply.c's
/// `apply_one_fragment`, `find_pos`, `match_fragment`, `update_image`):
///
/// - a hunk's preimage (context and removed lines) must match byte for byte, newlines included;
/// - git looks first at the hunk's `+c` line (which already counts the lines earlier hunks
///   added or removed), then alternately one line after, one before, two after, two before…,
///   and takes the first match;
/// - a hunk whose old side starts at line 0 or 1 must match at the start of the file, and a
///   hunk with no trailing context must match at its end (unless `unidiffZero`);
/// - lines written by an earlier hunk cannot be matched again (unless `allowOverlap`);
/// - the first hunk that matches nowhere fails the file.
public struct HunkApplier: Sendable {
    public var options: ApplyOptions

    public init(options: ApplyOptions = ApplyOptions()) {
        self.options = options
    }

    /// The outcome for a whole file: its new bytes and where each hunk went, or the first
    /// hunk that did not match.
    public enum Outcome: Sendable, Hashable {
        case applied([UInt8], [HunkPlacement])
        case failed(HunkMismatch, placed: [HunkPlacement])
    }

    /// Applies `hunks` in order to `contents`.
    public func apply(_ hunks: [Hunk], to contents: [UInt8]) -> Outcome {
        var image = TextImage(contents)
        var placements: [HunkPlacement] = []
        for (index, hunk) in hunks.enumerated() {
            switch applyOne(hunk, number: index + 1, to: &image) {
            case .success(let placement): placements.append(placement)
            case .failure(let mismatch): return .failed(mismatch, placed: placements)
            }
        }
        return .applied(image.buffer, placements)
    }

    private func applyOne(_ hunk: Hunk, number: Int, to image: inout TextImage) -> Result<HunkPlacement, HunkMismatch> {
        var preimage = LineBuffer()
        var postimage = LineBuffer()
        for line in hunk.lines {
            switch line.kind {
            case .context:
                preimage.append(line.text)
                postimage.append(line.text)
            case .removed: preimage.append(line.text)
            case .added: postimage.append(line.text)
            }
        }
        var leading = hunk.leadingContext
        var trailing = hunk.trailingContext
        var matchBeginning = hunk.oldStart == 0 || (hunk.oldStart == 1 && !options.unidiffZero)
        var matchEnd = !options.unidiffZero && trailing == 0
        var position = hunk.newStart > 0 ? hunk.newStart - 1 : 0
        let originalPosition = position
        let originalBeginning = matchBeginning
        let originalEnd = matchEnd
        let fullPreimage = preimage
        let limit = options.minimumContext ?? Int.max

        var applied: Int?
        while true {
            applied = image.findPosition(
                of: preimage, from: position, matchBeginning: matchBeginning, matchEnd: matchEnd,
                allowOverlap: options.allowOverlap)
            if applied != nil { break }
            if leading <= limit && trailing <= limit { break }
            if matchBeginning || matchEnd {
                matchBeginning = false
                matchEnd = false
                continue
            }
            // git's reduction: drop a leading line when leading ≥ trailing, then a trailing one
            // when trailing is (still) larger. git also steps its start line back by one here.
            if leading >= trailing {
                preimage.removeFirst()
                postimage.removeFirst()
                position -= 1
                leading -= 1
            }
            if trailing > leading {
                preimage.removeLast()
                postimage.removeLast()
                trailing -= 1
            }
        }
        guard let applied else {
            let nearest = image.nearestMatch(
                of: fullPreimage, around: originalPosition, matchBeginning: originalBeginning, matchEnd: originalEnd)
            return .failure(
                HunkMismatch(
                    hunk: number, location: hunk.location, header: Self.header(hunk), expectedLine: originalPosition + 1,
                    preimage: hunk.preimage, nearest: nearest, lineEndings: image.lineEndingMismatch(of: fullPreimage)))
        }
        image.replace(at: applied, preimageLines: preimage.count, with: postimage, markPatched: !options.allowOverlap)
        let reduced =
            leading != hunk.leadingContext || trailing != hunk.trailingContext
            ? ReducedContext(leading: leading, trailing: trailing) : nil
        return .success(HunkPlacement(hunk: number, line: applied + 1, offset: applied - position, reducedContext: reduced))
    }

    static func header(_ hunk: Hunk) -> String {
        var text = "@@ -\(hunk.oldStart)\(hunk.oldCount == 1 ? "" : ",\(hunk.oldCount)")"
        text += " +\(hunk.newStart)\(hunk.newCount == 1 ? "" : ",\(hunk.newCount)") @@"
        if !hunk.section.isEmpty { text += " " + Bytes.text(hunk.section) }
        return text
    }
}

/// git's line hash (`hash_line`): whitespace-blind, 24 bits. Only a quick filter: a match is
/// always confirmed byte for byte.
@inline(__always)
func gitLineHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var hash: UInt32 = 0
    for byte in bytes where !Bytes.isGitSpace(byte) { hash = hash &* 3 &+ UInt32(byte) }
    return hash & 0xFF_FFFF
}

/// A hunk side: contiguous bytes and the length and hash of each line (git's `struct image`
/// for a preimage or postimage).
struct LineBuffer: Sendable {
    var bytes: [UInt8] = []
    var lengths: [Int] = []
    var hashes: [UInt32] = []

    var count: Int { lengths.count }

    mutating func append(_ line: [UInt8]) {
        bytes.append(contentsOf: line)
        lengths.append(line.count)
        hashes.append(line.withUnsafeBufferPointer(gitLineHash))
    }

    mutating func removeFirst() {
        bytes.removeFirst(lengths[0])
        lengths.removeFirst()
        hashes.removeFirst()
    }

    mutating func removeLast() {
        bytes.removeLast(lengths.removeLast())
        hashes.removeLast()
    }

    /// The lines as separate arrays.
    var lines: [[UInt8]] {
        var out: [[UInt8]] = []
        var start = 0
        for length in lengths {
            out.append(Array(bytes[start..<(start + length)]))
            start += length
        }
        return out
    }
}

/// The file being patched: its bytes and a line table (start, hash, written-by-a-hunk flag).
struct TextImage: Sendable {
    private(set) var buffer: [UInt8]
    private var starts: [Int] = []
    private var hashes: [UInt32] = []
    private var patched: [Bool] = []

    init(_ contents: [UInt8]) {
        buffer = contents
        let ranges = Bytes.lineRanges(contents)
        starts = ranges.map(\.lowerBound)
        hashes.reserveCapacity(ranges.count)
        contents.withUnsafeBufferPointer { all in
            for range in ranges {
                hashes.append(gitLineHash(UnsafeBufferPointer(rebasing: all[range])))
            }
        }
        patched = Array(repeating: false, count: ranges.count)
    }

    var lineCount: Int { starts.count }

    private func start(of line: Int) -> Int { line < starts.count ? starts[line] : buffer.count }

    func line(_ index: Int) -> [UInt8] { Array(buffer[start(of: index)..<start(of: index + 1)]) }

    /// `match_fragment` without whitespace options.
    private func matches(
        _ preimage: LineBuffer, at line: Int, matchBeginning: Bool, matchEnd: Bool, allowOverlap: Bool
    ) -> Bool {
        guard preimage.count + line <= lineCount else { return false }
        if matchEnd && preimage.count + line != lineCount { return false }
        if matchBeginning && line != 0 { return false }
        for index in 0..<preimage.count {
            if (!allowOverlap && patched[line + index]) || preimage.hashes[index] != hashes[line + index] { return false }
        }
        let current = start(of: line)
        let fits = matchEnd ? current + preimage.bytes.count == buffer.count : current + preimage.bytes.count <= buffer.count
        guard fits else { return false }
        return buffer.withUnsafeBufferPointer { all in
            preimage.bytes.withUnsafeBufferPointer { pre in
                pre.count == 0 || memcmp(all.baseAddress! + current, pre.baseAddress!, pre.count) == 0
            }
        }
    }

    /// `find_pos`: the first line matching `preimage`, searching from `line` outwards (line,
    /// +1, -1, +2, -2, …); nil when none.
    func findPosition(
        of preimage: LineBuffer, from line: Int, matchBeginning: Bool, matchEnd: Bool, allowOverlap: Bool
    ) -> Int? {
        var line = line
        var matchBeginning = matchBeginning
        // With overlaps allowed, a hunk that claims to start at the beginning may no longer do
        // so; git then trusts the end.
        if allowOverlap && matchBeginning && matchEnd && lineCount != preimage.count { matchBeginning = false }
        if matchBeginning {
            line = 0
        } else if matchEnd {
            line = lineCount - preimage.count
        }
        // A negative line (the preimage is longer than the file) wraps in git's unsigned
        // comparison and lands at the end.
        if line < 0 || line > lineCount { line = lineCount }
        var backwards = line
        var forwards = line
        var current = line
        var step = 0
        while true {
            if matches(preimage, at: current, matchBeginning: matchBeginning, matchEnd: matchEnd, allowOverlap: allowOverlap) {
                return current
            }
            while true {
                if backwards == 0 && forwards == lineCount { return nil }
                if step & 1 == 1 {
                    if backwards == 0 {
                        step += 1
                        continue
                    }
                    backwards -= 1
                    current = backwards
                } else {
                    if forwards == lineCount {
                        step += 1
                        continue
                    }
                    forwards += 1
                    current = forwards
                }
                break
            }
            step += 1
        }
    }

    /// `update_image`: replaces the preimage lines at `line` by the postimage.
    mutating func replace(at line: Int, preimageLines: Int, with postimage: LineBuffer, markPatched: Bool) {
        let removeCount = min(preimageLines, lineCount - line)
        let appliedAt = start(of: line)
        let removedBytes = start(of: line + removeCount) - appliedAt
        buffer.replaceSubrange(appliedAt..<(appliedAt + removedBytes), with: postimage.bytes)
        let delta = postimage.bytes.count - removedBytes
        var newStarts: [Int] = []
        newStarts.reserveCapacity(postimage.count)
        var offset = appliedAt
        for length in postimage.lengths {
            newStarts.append(offset)
            offset += length
        }
        for index in (line + removeCount)..<starts.count { starts[index] += delta }
        starts.replaceSubrange(line..<(line + removeCount), with: newStarts)
        hashes.replaceSubrange(line..<(line + removeCount), with: postimage.hashes)
        patched.replaceSubrange(line..<(line + removeCount), with: Array(repeating: markPatched, count: postimage.count))
    }

    /// Where `preimage` matches once every line's `\r` before its newline is ignored, and
    /// which side has them; nil when it matches nowhere that way either, or when neither has a CR.
    func lineEndingMismatch(of preimage: LineBuffer) -> LineEndingMismatch? {
        func stripped(_ line: [UInt8]) -> [UInt8] {
            guard line.count >= 2, line[line.count - 1] == Bytes.newline, line[line.count - 2] == UInt8(ascii: "\r") else { return line }
            return Array(line.dropLast(2)) + [Bytes.newline]
        }
        let wanted = preimage.lines
        guard !wanted.isEmpty, wanted.count <= lineCount else { return nil }
        let plain = wanted.map(stripped)
        let patchHasCR = plain != wanted
        for candidate in 0...(lineCount - wanted.count) {
            var fileHasCR = false
            var matched = true
            for (index, expected) in plain.enumerated() {
                if preimage.hashes[index] != hashes[candidate + index] {
                    matched = false
                    break
                }
                let found = line(candidate + index)
                let foundPlain = stripped(found)
                if foundPlain != expected {
                    matched = false
                    break
                }
                if foundPlain != found { fileHasCR = true }
            }
            if matched && fileHasCR != patchHasCR { return fileHasCR ? .fileHasCRLF(line: candidate + 1) : .patchHasCRLF(line: candidate + 1) }
        }
        return nil
    }

    /// The position where the most preimage lines are identical (ties: the one nearest
    /// `around`), and why it was not accepted.
    func nearestMatch(of preimage: LineBuffer, around: Int, matchBeginning: Bool, matchEnd: Bool) -> NearMatch? {
        let wanted = preimage.lines
        guard !wanted.isEmpty, lineCount > 0 else { return nil }
        var best: (line: Int, score: Int)?
        for candidate in 0..<lineCount {
            var score = 0
            for (index, expected) in wanted.enumerated() where candidate + index < lineCount {
                if preimage.hashes[index] == hashes[candidate + index], line(candidate + index) == expected { score += 1 }
            }
            guard score > 0 else { continue }
            if let current = best {
                if score < current.score { continue }
                if score == current.score && abs(candidate - around) >= abs(current.line - around) { continue }
            }
            best = (candidate, score)
        }
        guard let best else { return nil }
        let firstDifference = wanted.indices.first { index in
            best.line + index >= lineCount || line(best.line + index) != wanted[index]
        }
        var reason = NearMatch.Reason.linesDiffer
        if firstDifference == nil {
            if (0..<wanted.count).contains(where: { patched[best.line + $0] }) {
                reason = .overlapsEarlierHunk
            } else if matchBeginning && best.line != 0 {
                reason = .notAtStartOfFile
            } else if matchEnd {
                reason = .notAtEndOfFile
            }
        }
        return NearMatch(
            line: best.line + 1, matchingLines: best.score, totalLines: wanted.count, reason: reason,
            firstDifference: firstDifference, expected: firstDifference.map { wanted[$0] },
            found: firstDifference.flatMap { best.line + $0 < lineCount ? line(best.line + $0) : nil })
    }
}
