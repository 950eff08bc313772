/// One line of a range-diff: a patch of the old series, of the new, or one of each, and how
/// they relate.
public struct PatchPair: Sendable, Equatable {
    /// How the two sides of a pair relate (range-diff's `=`, `!`, `<`, `>`).
    public enum Relation: Sendable, Equatable {
        /// `=`: the same patch, message and metadata included.
        case identical
        /// `!`: the same patch, changed (code, message or author).
        case changed
        /// `<`: an old patch with no counterpart in the new series.
        case removed
        /// `>`: a new patch with no counterpart in the old series.
        case added
    }

    /// Index of the old patch in the list given to `RangeDiff`, nil for `.added`.
    public var old: Int?
    /// Index of the new patch in the list given to `RangeDiff`, nil for `.removed`.
    public var new: Int?
    public var relation: Relation

    public init(old: Int?, new: Int?, relation: Relation) {
        self.old = old
        self.new = new
        self.relation = relation
    }
}

/// The result of a range-diff: the pairs in the order git prints them, and the text.
public struct RangeDiffReport: Sendable, Equatable {
    public var pairs: [PatchPair]
    /// Exactly what `git range-diff --no-color` prints (empty when only pairs were asked for).
    public var text: [UInt8]

    public init(pairs: [PatchPair], text: [UInt8]) {
        self.pairs = pairs
        self.text = text
    }
}
