/// A template that cannot be used, with the file and line to fix.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    /// The template file.
    public var path: String
    /// 1-based line in that file, nil when the whole file is at fault.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
