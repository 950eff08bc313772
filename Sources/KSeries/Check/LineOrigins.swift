import Git

/// Which patch of a series wrote each line of a file, like `git blame` over the series'
/// boundaries: line by line, through libgit2's xdiff between consecutive versions.
struct LineOrigins {
    /// The 1-based patch number that last wrote each line of the newest version (nil: the line
    /// comes from the base). `versions[0]` is the base (nil when the file is new), then one
    /// version per boundary.
    static func origins(of versions: [[UInt8]?]) -> [Int?] {
        var origins: [Int?] = Array(repeating: nil, count: lineCount(versions.first ?? nil))
        let diff = TextDiff(indentHeuristic: false)
        for index in versions.indices.dropFirst() {
            let old = versions[index - 1] ?? []
            let new = versions[index] ?? []
            if old == new { continue }
            guard let hunks = try? diff.hunks(old[...], new[...]) else {
                origins = Array(repeating: index, count: lineCount(new))
                continue
            }
            var next: [Int?] = []
            var oldLine = 1
            for hunk in hunks {
                let start = hunk.oldCount == 0 ? hunk.oldStart + 1 : hunk.oldStart
                while oldLine < start, oldLine <= origins.count {
                    next.append(origins[oldLine - 1])
                    oldLine += 1
                }
                for line in hunk.lines {
                    switch line.origin {
                    case UInt8(ascii: " "):
                        next.append(oldLine <= origins.count ? origins[oldLine - 1] : nil)
                        oldLine += 1
                    case UInt8(ascii: "-"):
                        oldLine += 1
                    case UInt8(ascii: "+"):
                        next.append(index)
                    default:
                        continue
                    }
                }
            }
            while oldLine <= origins.count {
                next.append(origins[oldLine - 1])
                oldLine += 1
            }
            origins = next
        }
        return origins
    }

    static func lineCount(_ bytes: [UInt8]?) -> Int {
        guard let bytes, !bytes.isEmpty else { return 0 }
        return bytes.count { $0 == 0x0A } + (bytes.last == 0x0A ? 0 : 1)
    }
}
