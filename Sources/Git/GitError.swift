import CGit2

/// A failure reported by libgit2 or by kseries' use of it, with what we were doing.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that react to specific cases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let generic = Code(rawValue: GIT_ERROR.rawValue)
        public static let notFound = Code(rawValue: GIT_ENOTFOUND.rawValue)
        public static let exists = Code(rawValue: GIT_EEXISTS.rawValue)
        public static let ambiguous = Code(rawValue: GIT_EAMBIGUOUS.rawValue)
        public static let invalidSpec = Code(rawValue: GIT_EINVALIDSPEC.rawValue)
        public static let modified = Code(rawValue: GIT_EMODIFIED.rawValue)
        public static let locked = Code(rawValue: GIT_ELOCKED.rawValue)
        /// Not a libgit2 code: the ref moved since we read it (our compare-and-swap failed).
        public static let referenceMoved = Code(rawValue: -1001)
        /// Not a libgit2 code: git identity (`user.name`/`user.email`) is not configured.
        public static let identityUnset = Code(rawValue: -1002)
        /// Not a libgit2 code: an object has an unexpected type (a tree where a blob was wanted, …).
        public static let wrongType = Code(rawValue: -1003)

        public var description: String { "\(rawValue)" }
    }

    /// The libgit2 return code, or one of kseries' own codes.
    public let code: Code
    /// libgit2's error class (`GIT_ERROR_*`), 0 when the error is kseries' own.
    public let errorClass: Int32
    /// libgit2's message, or kseries' own.
    public let message: String
    /// What we were doing, e.g. `resolving revision 'v6.12-deb' in /home/me/linux`.
    public let operation: String

    public init(code: Code, errorClass: Int32 = 0, message: String, operation: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.operation = operation
    }

    public var description: String { "\(operation): \(message)" }

    /// Builds the error for a failed libgit2 call; reads `git_error_last()` at once.
    static func last(_ result: Int32, _ operation: @autoclosure () -> String) -> GitError {
        var message = "libgit2 error \(result)"
        var errorClass: Int32 = 0
        if let last = git_error_last() {
            errorClass = last.pointee.klass
            if let text = last.pointee.message {
                message = String(cString: text).trimmingTrailingNewlines()
            }
        }
        return GitError(code: Code(rawValue: result), errorClass: errorClass, message: message, operation: operation())
    }
}

/// Throws `GitError` when a libgit2 call returned a negative code.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
    if result < 0 { throw GitError.last(result, operation()) }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
