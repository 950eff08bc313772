import Foundation

/// Text that a test looked for in a file and did not find as often as it expected.
public struct TextNotFound: Error, CustomStringConvertible {
    public var description: String
}

extension Array where Element == UInt8 {
    /// Offsets where `needle` starts.
    public func occurrences(of needle: some StringProtocol) -> [Int] {
        let needle = Array(needle.utf8)
        guard !needle.isEmpty, needle.count <= count else { return [] }
        return (0...(count - needle.count)).filter { start in
            self[start] == needle[0] && self[start..<(start + needle.count)].elementsEqual(needle)
        }
    }

    /// The 1-based line on which the `occurrence`-th match of `needle` starts, plus `offset`
    /// lines. Tests read line numbers from the tree they run on this way, never from one
    /// Debian release's bytes (a point release moves them).
    public func line(of needle: some StringProtocol, occurrence: Int = 1, offset: Int = 0) throws -> Int {
        let found = occurrences(of: needle)
        guard occurrence >= 1, occurrence <= found.count else {
            throw TextNotFound(description: "\"\(needle)\" occurs \(found.count) times, not \(occurrence) or more")
        }
        return self[..<found[occurrence - 1]].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } + offset
    }

    /// This text with its one occurrence of `old` replaced by `new`, or nil when `old` does
    /// not occur exactly once.
    public func replacingOnce(_ old: String, with new: String) -> [UInt8]? {
        let found = occurrences(of: old)
        guard found.count == 1 else { return nil }
        var copy = self
        copy.replaceSubrange(found[0]..<(found[0] + old.utf8.count), with: Array(new.utf8))
        return copy
    }
}
