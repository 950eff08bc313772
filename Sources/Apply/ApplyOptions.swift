/// How strictly hunks must match, as `git apply`'s options say it. The defaults are git's:
/// every context line must match byte for byte, a hunk without leading (trailing) context must
/// match at the start (end) of the file, and a hunk may not match lines an earlier hunk wrote.
public struct ApplyOptions: Sendable, Hashable {
    /// `git apply -C<n>`: when a hunk does not match, retry it with its context reduced down to
    /// `n` lines on each side (git drops the first line when leading ≥ trailing, else the last).
    /// nil, the default, requires all context.
    public var minimumContext: Int?
    /// `--unidiff-zero`: the patch was made with `-U0`, so a hunk without context says nothing
    /// about the start or end of the file.
    public var unidiffZero: Bool
    /// `--allow-overlap`: a hunk may match lines an earlier hunk of the same file wrote.
    public var allowOverlap: Bool

    public init(minimumContext: Int? = nil, unidiffZero: Bool = false, allowOverlap: Bool = false) {
        self.minimumContext = minimumContext
        self.unidiffZero = unidiffZero
        self.allowOverlap = allowOverlap
    }
}
