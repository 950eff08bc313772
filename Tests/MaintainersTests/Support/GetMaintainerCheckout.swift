import Foundation
import TestSupport

/// Just enough of a checkout of a kernel commit for `scripts/get_maintainer.pl` to give the
/// answers a full checkout gives: the script, `MAINTAINERS`, `.mailmap`,
/// `.get_maintainer.ignore`, the files `top_of_kernel_tree` looks for, every directory
/// (the script turns an `F:` naming a directory into a prefix with `-d`), every symbolic
/// link, and the files asked about (`-f`, and the `.yaml` files whose addresses it reads).
final class GetMaintainerCheckout: @unchecked Sendable {
    let scratch: ScratchDirectory
    let root: String
    private let environment: [String: String]

    static let flags = ["--nogit", "--nogit-fallback", "--norolestats"]

    init(tree: String, ref: String, files: [String]) throws {
        scratch = try ScratchDirectory("kseries-get-maintainer")
        root = "\(scratch.path)/linux"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let git = ["git", "-C", tree]
        let directories = try ProcessRunner.checked(git + ["ls-tree", "-r", "-d", "-z", "--name-only", ref]).stdout
        for directory in directories.split(separator: 0) {
            try FileManager.default.createDirectory(
                atPath: "\(root)/\(String(decoding: directory, as: UTF8.self))", withIntermediateDirectories: true)
        }
        let listing = try ProcessRunner.checked(git + ["ls-tree", "-r", "-z", ref]).stdout
        let symlinks = listing.split(separator: 0).compactMap { line -> String? in
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("120000 "), let tab = text.firstIndex(of: "\t") else { return nil }
            return String(text[text.index(after: tab)...])
        }
        let wanted = [
            "MAINTAINERS", "scripts/get_maintainer.pl", ".mailmap", ".get_maintainer.ignore",
            "COPYING", "CREDITS", "Kbuild", "Makefile", "README",
        ] + symlinks + files
        let archive = try ProcessRunner.checked(git + ["archive", "--format=tar", ref, "--"] + Array(Set(wanted)).sorted())
        try ProcessRunner.checked(["tar", "-x", "-C", root], input: archive.stdout)
        environment = Self.environment(home: scratch.path)
    }

    /// Runs the `scripts/get_maintainer.pl` already in `workTree` (a small fixture tree).
    init(workTree: String, scratch: ScratchDirectory) {
        self.scratch = scratch
        root = workTree
        environment = Self.environment(home: scratch.path)
    }

    /// No ~/.get_maintainer.conf from the host; Perl's hash order fixed, so that a rerun
    /// prints the same (the script orders equally deep sections by it).
    private static func environment(home: String) -> [String: String] {
        var environment = ProcessRunner.isolatedGitEnvironment(home: home)
        environment["PERL_HASH_SEED"] = "0"
        environment["PERL_PERTURB_KEYS"] = "0"
        environment["LC_ALL"] = "C.UTF-8"
        return environment
    }

    /// The lines get_maintainer.pl prints for `arguments` after `flags`, run at the top of
    /// the checkout.
    func lines(_ arguments: [String], flags: [String] = GetMaintainerCheckout.flags) throws -> [String] {
        let output = try ProcessRunner.checked(
            ["perl", "scripts/get_maintainer.pl"] + flags + arguments, in: root, environment: environment)
        // Every line, empty ones included (the script prints one for a malformed `L:`).
        var lines = output.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Runs each argument list with a few processes at a time; results in the same order.
    func lines(forEach argumentLists: [[String]], flags: [String] = GetMaintainerCheckout.flags) throws -> [[String]] {
        let results = ResultBox(count: argumentLists.count)
        // Plain threads: each blocks on its process, which Dispatch's worker pool is not for.
        let workers = max(2, ProcessInfo.processInfo.activeProcessorCount)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<workers {
            Thread.detachNewThread {
                while let index = results.take() {
                    results.store(index, Result { try self.lines(argumentLists[index], flags: flags) })
                }
                done.signal()
            }
        }
        for _ in 0..<workers { done.wait() }
        return try results.values.map { try $0!.get() }
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private(set) var values: [Result<[String], any Error>?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ index: Int, _ value: Result<[String], any Error>) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }
    }
}
