/// Levenshtein distance between names, for "did you mean" candidates.
enum EditDistance {
    /// The edit distance between `first` and `second`, or `limit` if it is at least `limit`.
    static func between(_ first: String, _ second: String, limit: Int) -> Int {
        let a = Array(first.utf8)
        let b = Array(second.utf8)
        if abs(a.count - b.count) >= limit { return limit }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for (i, byte) in a.enumerated() {
            current[0] = i + 1
            var rowMinimum = current[0]
            for (j, other) in b.enumerated() {
                let substitution = previous[j] + (byte == other ? 0 : 1)
                current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
                rowMinimum = min(rowMinimum, current[j + 1])
            }
            if rowMinimum >= limit { return limit }
            swap(&previous, &current)
        }
        return min(previous[b.count], limit)
    }
}
