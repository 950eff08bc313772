import Foundation

/// The real kernel repository built by `scripts/kernel-tree` (tags `v6.1-deb`, `v6.12-deb`).
public enum KernelTree {
    /// The two kernels the tree holds, newest first.
    public static let refs = ["v6.12-deb", "v6.1-deb"]

    /// Its path: `$KSERIES_KERNEL_TREE`, else `~/.cache/kseries/linux`.
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["KSERIES_KERNEL_TREE"], !path.isEmpty { return path }
        return "\(FileManager.default.homeDirectoryForCurrentUser.path)/.cache/kseries/linux"
    }

    /// Fails (never skips) when the tree is missing, saying how to make it. The first call
    /// prints which kernels the tree holds, so that a failing real-kernel test's log names the
    /// Debian versions it ran on.
    public static func require() throws -> String {
        let output = try ProcessRunner.run(["git", "-C", path, "rev-parse", "--verify", "-q", "v6.12-deb^{commit}"])
        guard output.status == 0 else {
            throw MissingKernelTree(path: path)
        }
        announce
        return path
    }

    /// The kernel tags of the fixture, each with its commit and what it was imported from.
    public struct Tag: Sendable, Equatable {
        public var name: String
        public var commit: String
        /// The tag message's first line: `Debian linux-source-6.12 6.12.118-1~deb12u1`.
        public var source: String
    }

    /// The tags `v6.1-deb` and `v6.12-deb` of the tree as it is now.
    public static func tags() throws -> [Tag] {
        try tags(in: try require())
    }

    private static func tags(in repository: String) throws -> [Tag] {
        let output = try ProcessRunner.checked([
            "git", "-C", repository, "for-each-ref", "--format=%(refname:short)%09%(*objectname)%09%(contents:subject)",
            "refs/tags/v6.1-deb", "refs/tags/v6.12-deb",
        ])
        return output.stdoutText.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            return fields.count == 3 ? Tag(name: fields[0], commit: fields[1], source: fields[2]) : nil
        }
    }

    /// One line naming what the tree holds, for failure messages:
    /// `kernel tree <path>: v6.1-deb = Debian linux-source-6.1 <version> (<commit>), …`.
    public static var versions: String { describe((try? tags()) ?? []) }

    private static func describe(_ tags: [Tag]) -> String {
        guard !tags.isEmpty else { return "the kernel tree at \(path) (unreadable tags)" }
        return "kernel tree \(path): " + tags.map { "\($0.name) = \($0.source) (\($0.commit.prefix(12)))" }.joined(separator: ", ")
    }

    /// Printed once, by the first `require()`: not through `tags()`, which calls `require()`.
    private static let announce: Void = {
        print("real-kernel tests run on \(describe((try? tags(in: path)) ?? []))")
    }()

    /// Reads a file at a ref with real git.
    public static func show(_ ref: String, _ file: String) throws -> [UInt8] {
        try ProcessRunner.checked(["git", "-C", try require(), "show", "\(ref):\(file)"]).stdout
    }

    public struct MissingKernelTree: Error, CustomStringConvertible {
        public var path: String
        public var description: String {
            "the real kernel tree is missing at \(path): run scripts/kernel-tree (or set KSERIES_KERNEL_TREE)"
        }
    }
}

/// A bare clone of the real kernel tree that shares its objects (instant, no copy), so a test
/// can write objects and refs without disturbing other tests or the cached tree.
public final class KernelScratchClone: @unchecked Sendable {
    public let scratch: ScratchDirectory
    public let path: String
    public let environment: [String: String]

    public init() throws {
        let source = try KernelTree.require()
        scratch = try ScratchDirectory("kseries-kernel")
        path = "\(scratch.path)/linux.git"
        environment = ProcessRunner.isolatedGitEnvironment(home: scratch.path)
        try ProcessRunner.checked(["git", "clone", "-q", "--bare", "--shared", source, path], environment: environment)
    }

    /// Commits on top of `ref` a change to one file (through a temporary index, as a
    /// developer's commit would look) and points `tag` at it; returns the commit id.
    @discardableResult
    public func commit(on ref: String, tag: String, file: String, message: String, _ transform: (String) -> String) throws -> String {
        var environment = self.environment
        environment["GIT_INDEX_FILE"] = "\(scratch.path)/index-\(tag)"
        func git(_ arguments: [String], input: [UInt8]? = nil) throws -> String {
            try ProcessRunner.checked(["git", "-C", path] + arguments, environment: environment, input: input)
                .stdoutText.trimmingCharacters(in: .newlines)
        }
        let old = try ProcessRunner.checked(["git", "-C", path, "show", "\(ref):\(file)"], environment: environment).stdout
        let new = transform(String(decoding: old, as: UTF8.self))
        let blob = try git(["hash-object", "-w", "--stdin"], input: Array(new.utf8))
        let mode = try git(["ls-tree", ref, "--", file]).split(separator: " ").first.map(String.init) ?? "100644"
        _ = try git(["read-tree", ref])
        _ = try git(["update-index", "--cacheinfo", "\(mode),\(blob),\(file)"])
        let tree = try git(["write-tree"])
        let commit = try git(["commit-tree", tree, "-p", "\(ref)^{commit}", "-m", message])
        _ = try git(["tag", tag, commit])
        return commit
    }

    /// A work tree of `ref` holding only `paths` (a sparse checkout), for `git am`.
    public func sparseWorkTree(at ref: String, paths: [String]) throws -> String {
        let workTree = "\(scratch.path)/work"
        try ProcessRunner.checked(["git", "clone", "-q", "--shared", "--no-checkout", path, workTree], environment: environment)
        try ProcessRunner.checked(["git", "-C", workTree, "sparse-checkout", "set", "--no-cone"] + paths, environment: environment)
        try ProcessRunner.checked(["git", "-C", workTree, "checkout", "-q", "--detach", ref], environment: environment)
        return workTree
    }
}
