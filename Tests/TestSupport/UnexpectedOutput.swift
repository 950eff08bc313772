/// Thrown by test helpers that parse output (git's, a report's, a server's) when it does not
/// have the shape they index into: the test fails with the output in its log instead of the
/// whole test process trapping on an index out of range.
public struct UnexpectedOutput: Error, CustomStringConvertible {
    public var problem: String
    public var output: String

    public init(_ problem: String, output: String) {
        self.problem = problem
        self.output = output
    }

    public var description: String { "\(problem)\n--- output ---\n\(output)" }
}
