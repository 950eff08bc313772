import Apply
import Foundation
import TestSupport
import Testing

/// A small, seeded random generator (SplitMix64), so a failing differential case can be
/// replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }
}

extension [UInt8] {
    /// Bytes of a string literal, for readable tests.
    init(_ text: String) { self = Array(text.utf8) }
}

/// Lines joined with `\n` after each, for readable tests.
func text(_ lines: String...) -> [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }

func lines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// Parses a plain diff given as text.
func parseDiff(_ diff: String, name: String = "test.patch") throws -> [FilePatch] {
    let commits = try PatchParser.parse(Array(diff.utf8), name: name)
    return commits.flatMap(\.files)
}

/// Applies a one-file diff to `contents` (nil: the file does not exist).
func applyDiff(_ diff: String, to contents: [UInt8]?, mode: UInt32 = 0o100644, options: ApplyOptions = ApplyOptions()) throws
    -> FileApplyResult
{
    let files = try parseDiff(diff)
    try #require(files.count == 1, "one file patch expected, parsed \(files.count)")
    let outcome = PatchApplier(options: options).apply(files) { (path: String) -> FileContent? in
        contents.map { FileContent(bytes: $0, mode: mode) }
    }
    return try #require(outcome.files.first, "no result for the one file")
}

/// Runs git with the fixture's isolated environment in `directory`, never throwing on failure.
func runGit(_ arguments: [String], in directory: String, environment: [String: String], input: [UInt8]? = nil) throws
    -> ProcessOutput
{
    try ProcessRunner.run(["git"] + arguments, in: directory, environment: environment, input: input)
}

/// What real `git apply -v` does with `diff` on a scratch work tree holding `files`.
struct GitOracle {
    var applied: Bool
    /// The files afterwards (only those named in `files` or created by the patch, read back).
    var files: [String: [UInt8]]
    var log: String

    static func apply(_ diff: String, files: [String: [UInt8]], options: [String] = [], read paths: [String] = []) throws -> GitOracle {
        let scratch = try ScratchDirectory("kseries-apply-oracle")
        let environment = ProcessRunner.isolatedGitEnvironment(home: scratch.path)
        let work = "\(scratch.path)/work"
        try ProcessRunner.checked(["git", "init", "-q", work], environment: environment)
        for (path, bytes) in files { try scratch.write("work/\(path)", bytes: bytes) }
        let run = try runGit(["apply", "-v"] + options + ["-"], in: work, environment: environment, input: Array(diff.utf8))
        var after: [String: [UInt8]] = [:]
        for path in Set(files.keys).union(paths) {
            if let data = FileManager.default.contents(atPath: "\(work)/\(path)") { after[path] = Array(data) }
        }
        return GitOracle(applied: run.status == 0, files: after, log: run.stderrText)
    }
}

/// A scratch folder on a memory file system when the machine has one (`/dev/shm`), else in
/// the temporary directory; removed when released. The differential tests write thousands of
/// small files, which costs far more on a disk than the patching itself.
final class FastScratch: @unchecked Sendable {
    let path: String
    /// An environment isolated from the host's git configuration (see `ProcessRunner`).
    let environment: [String: String]

    init(_ label: String) throws {
        let memory = "/dev/shm"
        var isDirectory: ObjCBool = false
        let base =
            FileManager.default.fileExists(atPath: memory, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.isWritableFile(atPath: memory)
            ? memory : FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: "\(path)/home", withIntermediateDirectories: true)
        environment = ProcessRunner.isolatedGitEnvironment(home: "\(path)/home")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `git init` of a new repository at `name` below the folder; returns its path.
    func repository(_ name: String) throws -> String {
        try ProcessRunner.checked(["git", "init", "-q", "-b", "main", "\(path)/\(name)"], environment: environment)
        return "\(path)/\(name)"
    }

    /// Runs git in `directory` and throws when it fails.
    @discardableResult
    func git(_ arguments: [String], in directory: String) throws -> ProcessOutput {
        try ProcessRunner.checked(["git", "-C", directory] + arguments, environment: environment)
    }
}

/// Writes a file with its executable bit.
func writeFile(_ content: FileContent, to path: String) throws {
    let executable = content.mode & 0o111 != 0
    guard FileManager.default.createFile(
        atPath: path, contents: Data(content.bytes), attributes: executable ? [.posixPermissions: 0o755] : nil)
    else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
}
