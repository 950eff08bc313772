import Git

/// Why a build workspace could not be prepared or used, with what the user must fix.
public struct BuildError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: Sendable {
        /// Programs or headers Kbuild needs are not installed (names, Debian packages).
        case missingTools(tools: [String], packages: [String])
        /// Another run holds the workspace's lock.
        case locked(holder: String)
        /// A file or folder of the cache could not be read or written.
        case io
        /// A make run that prepares the workspace failed (its output's tail is in the message).
        case make
        /// Reading the kernel tree failed.
        case git(GitError)
    }

    public var code: Code
    /// The workspace or file concerned.
    public var path: String
    /// The kernel ref and configuration, when known.
    public var ref: String?
    public var config: String?
    public var message: String

    public init(_ code: Code, path: String, ref: String? = nil, config: String? = nil, message: String) {
        self.code = code
        self.path = path
        self.ref = ref
        self.config = config
        self.message = message
    }

    public var description: String {
        let context = [ref.map { "at \($0)" }, config.map { "config \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return (context.isEmpty ? "" : context + ": ") + message + (path.isEmpty ? "" : " (\(path))")
    }
}
