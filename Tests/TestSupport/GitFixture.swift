import Foundation

/// A small git repository made with the real git CLI for one test, isolated from the
/// host's configuration (its own HOME, no system config), with a fixed identity and dates.
public final class GitFixture: @unchecked Sendable {
    public let scratch: ScratchDirectory
    /// The repository (its work tree, or the bare repository itself).
    public let path: String
    public let home: String
    public var environment: [String: String]

    /// Creates a repository; `bare` makes a bare one.
    public init(bare: Bool = false, identity: Bool = true) throws {
        scratch = try ScratchDirectory("kseries-repo")
        home = "\(scratch.path)/home"
        path = "\(scratch.path)/repo"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        environment = ProcessRunner.isolatedGitEnvironment(home: home)
        try ProcessRunner.checked(
            ["git", "init", "-q", "-b", "main"] + (bare ? ["--bare"] : []) + [path], environment: environment)
        if identity {
            try git("config", "user.name", "Config User")
            try git("config", "user.email", "config.user@example.org")
        }
    }

    /// Runs git in the repository and returns its standard output, trimmed of the final newline.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try gitOutput(arguments).trimmingCharacters(in: .newlines)
    }

    public func gitOutput(_ arguments: [String], input: [UInt8]? = nil) throws -> String {
        try ProcessRunner.checked(["git", "-C", path] + arguments, environment: environment, input: input).stdoutText
    }

    /// Writes files into the work tree and commits them all; returns the commit id.
    @discardableResult
    public func commit(_ files: [String: String], message: String = "change") throws -> String {
        for (name, contents) in files {
            let url = URL(fileURLWithPath: "\(path)/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// A digest of everything kseries must never touch: HEAD, the index and the work tree.
    public func userStateDigest() throws -> String {
        let head = try ProcessRunner.run(["git", "-C", path, "symbolic-ref", "HEAD"], environment: environment).stdoutText
        let headID = try ProcessRunner.run(["git", "-C", path, "rev-parse", "HEAD"], environment: environment).stdoutText
        var parts = [head, headID]
        let gitDir = try git("rev-parse", "--absolute-git-dir")
        if let index = FileManager.default.contents(atPath: "\(gitDir)/index") {
            parts.append("index:\(index.count):\(index.hashValue)")
            parts.append(try git("ls-files", "-s"))
        }
        if try git("rev-parse", "--is-bare-repository") == "false" {
            parts.append(try git("status", "--porcelain=v1", "--untracked-files=all", "--ignored"))
            let files = try ProcessRunner.checked(["find", path, "-path", "\(path)/.git", "-prune", "-o", "-type", "f", "-print0"])
            let list = files.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.sorted()
            for file in list {
                let data = FileManager.default.contents(atPath: file) ?? Data()
                parts.append("\(file):\(data.count):\(Array(data).reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })")
            }
        }
        return parts.joined(separator: "\n")
    }
}
