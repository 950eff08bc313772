import Git

/// Where a mail sits in its series: `[PATCH number/total]`, the cover letter being number 0.
public struct SeriesPosition: Sendable, Equatable {
    public var number: Int
    public var total: Int

    public init(number: Int, total: Int) {
        self.number = number
        self.total = total
    }
}
