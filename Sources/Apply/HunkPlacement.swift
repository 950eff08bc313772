/// Where a hunk landed.
public struct HunkPlacement: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based hunk number in its file patch.
    public var hunk: Int
    /// The 1-based line, in the file as patched by the earlier hunks, where the hunk's preimage
    /// started (git's "Hunk #n succeeded at LINE").
    public var line: Int
    /// How far that is from where git looked first (the `+c` of `@@ -a,b +c,d @@`): git's
    /// "(offset N lines)". 0 when the hunk landed where the patch said.
    public var offset: Int
    /// The context actually used when `ApplyOptions.minimumContext` let git drop some; nil when
    /// all of it matched.
    public var reducedContext: ReducedContext?

    public init(hunk: Int, line: Int, offset: Int, reducedContext: ReducedContext? = nil) {
        self.hunk = hunk
        self.line = line
        self.offset = offset
        self.reducedContext = reducedContext
    }

    public var description: String {
        var text = "hunk #\(hunk) at line \(line)"
        if offset != 0 { text += " (offset \(offset) line\(abs(offset) == 1 ? "" : "s"))" }
        if let reducedContext { text += " with context reduced to \(reducedContext.leading)/\(reducedContext.trailing)" }
        return text
    }
}
