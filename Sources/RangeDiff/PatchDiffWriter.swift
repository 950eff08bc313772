import Git

/// Writes the diff between two normalised patches the way `git range-diff --no-color` prints
/// it under a `!` pair (`patch_diff` in range-diff.c): no file headers, hunk headers without
/// line counts (`@@ Metadata`, `@@ a.c: main`), every line indented by 4 spaces.
///
/// The hunk header's function comes from range-diff's own driver: the nearest line above the
/// hunk in the old patch matching `^ ## (.*) ##$` or `^.?@@ (.*)$` (xdiff's `get_func_line`,
/// with its memory of the previous hunk's function).
struct PatchDiffWriter {
    private let diff = TextDiff(indentHeuristic: true)
    private static let indent = Array("    ".utf8)

    func render(old: [UInt8], new: [UInt8]) throws(GitError) -> [UInt8] {
        let hunks = try diff.hunks(old[...], new[...])
        guard !hunks.isEmpty else { return [] }
        let oldLines = Self.lines(of: old)
        var out: [UInt8] = []
        var function: ArraySlice<UInt8> = []
        var previousSearchStart = -1
        for hunk in hunks {
            // xdiff's 0-based first line of the hunk in the old text.
            let start = hunk.oldCount > 0 ? hunk.oldStart - 1 : hunk.oldStart
            var line = start - 1
            while line != previousSearchStart && line >= 0 && line < oldLines.count {
                if let found = Self.sectionName(oldLines[line]) {
                    function = found
                    break
                }
                line -= 1
            }
            previousSearchStart = start - 1

            out += Self.indent + Array("@@".utf8)
            if !function.isEmpty { out += [UInt8(ascii: " ")] + function }
            out.append(0x0A)
            for line in hunk.lines {
                out += Self.indent
                out.append(line.origin)
                out += line.content
            }
        }
        return out
    }

    /// The text's lines (xdiff's records), each with its newline.
    static func lines(of text: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? text.endIndex
            lines.append(text[start..<end])
            start = end
        }
        return lines
    }

    /// range-diff's function name for a line (`ff_regexp` with its two patterns): the group
    /// of the first pattern that matches, cut to 80 bytes and trimmed of trailing space.
    static func sectionName(_ record: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var line = record
        if line.last == 0x0A {
            line = line.dropLast()
            if line.last == 0x0D { line = line.dropLast() }
        }
        let match: ArraySlice<UInt8>
        let sectionOpen = Array(" ## ".utf8), sectionClose = Array(" ##".utf8)
        if line.count >= 7, line.starts(with: sectionOpen), line.suffix(3).elementsEqual(sectionClose) {
            match = line.dropFirst(4).dropLast(3)
        } else if line.starts(with: Array("@@ ".utf8)) {
            match = line.dropFirst(3)
        } else if line.count >= 4, line.dropFirst().starts(with: Array("@@ ".utf8)) {
            match = line.dropFirst(4)
        } else {
            return nil
        }
        var name = match.prefix(80)
        while let last = name.last, MediumMessage.isSpace(last) { name = name.dropLast() }
        return name
    }
}
