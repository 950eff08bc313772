import Foundation
import TestSupport

/// A throw-away git repository built with the `git` command line, isolated from the user's
/// and the system's configuration, with fixed identities and dates. Unlike `GitFixture`, each
/// commit gets the identities set here and the next date, and git runs with a minimal
/// environment (`LC_ALL=C`): what the byte-for-byte format-patch oracles need.
final class ScratchRepository {
    private let scratch: ScratchDirectory
    let directory: URL
    let home: URL
    /// Author identity for the next commits.
    var authorName = "A U Thor"
    var authorEmail = "author@example.org"
    var committerName = "C O Mitter"
    var committerEmail = "committer@example.org"
    /// Seconds since the epoch and offset for the next commit; advanced by `commit`.
    var time: Int64 = 1_764_129_787
    var timezone = "+0100"

    init() throws {
        scratch = try ScratchDirectory("kseries-series")
        home = URL(fileURLWithPath: scratch.path, isDirectory: true)
        directory = home.appendingPathComponent("repo", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": authorName,
            "GIT_AUTHOR_EMAIL": authorEmail,
            "GIT_AUTHOR_DATE": "@\(time) \(timezone)",
            "GIT_COMMITTER_NAME": committerName,
            "GIT_COMMITTER_EMAIL": committerEmail,
            "GIT_COMMITTER_DATE": "@\(time) \(timezone)",
            "LC_ALL": "C",
        ]
    }

    /// Runs git in the repository and returns its standard output.
    @discardableResult
    func git(_ arguments: String..., input: [UInt8]? = nil, in workingDirectory: URL? = nil) throws -> [UInt8] {
        try run(arguments, input: input, in: workingDirectory)
    }

    /// Runs git with `arguments`; throws `ProcessFailure` for an exit status not in `success`.
    @discardableResult
    func run(
        _ arguments: [String], input: [UInt8]? = nil, in workingDirectory: URL? = nil, success: Set<Int32> = [0]
    ) throws -> [UInt8] {
        let output = try ProcessRunner.run(
            ["git"] + arguments, in: (workingDirectory ?? directory).path, environment: environment, input: input ?? [])
        guard success.contains(output.status) else { throw ProcessFailure(command: ["git"] + arguments, output: output) }
        return output.stdout
    }

    func gitText(_ arguments: String...) throws -> String {
        let bytes = try run(arguments)
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ path: String, _ text: String, executable: Bool = false) throws {
        try write(path, Array(text.utf8), executable: executable)
    }

    func write(_ path: String, _ bytes: [UInt8], executable: Bool = false) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: url.path)
    }

    /// Moves a file in the work tree; the next `commit` stages it (git detects the rename).
    func move(_ path: String, to newPath: String) throws {
        let target = directory.appendingPathComponent(newPath)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: directory.appendingPathComponent(path), to: target)
    }

    func remove(_ path: String) throws {
        try git("rm", "-q", "-f", path)
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-F", "-", input: Array(message.utf8))
        time += 3_661
        return try gitText("rev-parse", "HEAD")
    }

    /// Runs `git format-patch` into a fresh folder; returns (file name, bytes) in order.
    func formatPatch(_ arguments: String...) throws -> [(name: String, bytes: [UInt8])] {
        try formatPatch(arguments: arguments)
    }

    func formatPatch(arguments: [String]) throws -> [(name: String, bytes: [UInt8])] {
        let folder = home.appendingPathComponent("out-\(UUID().uuidString)")
        try run(["format-patch", "-q", "-o", folder.path] + arguments)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { name in
            (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
