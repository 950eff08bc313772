import Foundation
import Git
import RangeDiff
import TestSupport

/// One commit of a test series: a message and the edits it makes.
struct TestPatch {
    enum Edit {
        /// Replaces the file (creating it) with this text.
        case write(String)
        /// Rewrites the file's current text.
        case transform(@Sendable (String) -> String)
        /// Writes raw bytes.
        case bytes([UInt8])
        case delete
        case rename(to: String)
        case executable(Bool)
    }

    var message: String
    var edits: [(path: String, edit: Edit)]
    /// `--author` for this commit, nil for the fixture's author.
    var author: String? = nil

    init(_ message: String, _ edits: [(path: String, edit: Edit)], author: String? = nil) {
        self.message = message
        self.edits = edits
        self.author = author
    }
}

/// A small repository made with the git CLI in which series are built on tags, then compared
/// by `git range-diff` and by `RangeDiff`.
final class SeriesRepository {
    let fixture: GitFixture

    init() throws {
        fixture = try GitFixture()
    }

    var path: String { fixture.path }

    /// Checks out `base` (detached; nil: the unborn branch), commits `patches` on it, tags the
    /// tip `tag`; returns its id.
    @discardableResult
    func build(_ patches: [TestPatch], on base: String?, tag: String) throws -> String {
        if let base { try fixture.git("checkout", "-q", "--detach", base) }
        for patch in patches {
            for (path, edit) in patch.edits { try apply(edit, to: path) }
            try fixture.git("add", "-A")
            var arguments = ["commit", "-q", "--allow-empty", "-m", patch.message]
            if let author = patch.author { arguments += ["--author", author] }
            _ = try fixture.gitOutput(arguments)
        }
        try fixture.git("tag", "-f", tag)
        return try fixture.git("rev-parse", "HEAD")
    }

    private func apply(_ edit: TestPatch.Edit, to path: String) throws {
        let file = "\(fixture.path)/\(path)"
        switch edit {
        case .write(let text):
            try write(Array(text.utf8), to: file)
        case .transform(let change):
            let old = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            try write(Array(change(old).utf8), to: file)
        case .bytes(let bytes):
            try write(bytes, to: file)
        case .delete:
            try fixture.git("rm", "-q", path)
        case .rename(let newPath):
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: "\(fixture.path)/\(newPath)").deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try fixture.git("mv", path, newPath)
        case .executable(let executable):
            try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: file)
        }
    }

    private func write(_ bytes: [UInt8], to file: String) throws {
        let url = URL(fileURLWithPath: file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// `git range-diff --no-color [options] oldBase..oldTip newBase..newTip`.
    func gitRangeDiff(_ oldBase: String, _ oldTip: String, _ newBase: String, _ newTip: String, options: [String] = [])
        throws -> [UInt8]
    {
        try ProcessRunner.checked(
            ["git", "-C", path, "range-diff", "--no-color"] + options + ["\(oldBase)..\(oldTip)", "\(newBase)..\(newTip)"],
            environment: fixture.environment
        ).stdout
    }
}

/// Compares `RangeDiff` with `git range-diff` on the same ranges of a repository.
struct RangeDiffOracle {
    var repositoryPath: String
    var environment: [String: String]

    struct Outcome {
        var expected: [UInt8]
        var actual: [UInt8]
        var identical: Bool { expected == actual }
    }

    func run(
        _ oldBase: String, _ oldTip: String, _ newBase: String, _ newTip: String, creationFactor: Int? = nil
    ) throws -> Outcome {
        let options = creationFactor.map { ["--creation-factor=\($0)"] } ?? []
        let expected = try ProcessRunner.checked(
            ["git", "-C", repositoryPath, "range-diff", "--no-color"] + options
                + ["\(oldBase)..\(oldTip)", "\(newBase)..\(newTip)"],
            environment: environment
        ).stdout
        let repository = try Repository(at: repositoryPath)
        let rangeDiff = RangeDiff(repository: repository)
        func range(_ base: String, _ tip: String) throws -> [ObjectID] {
            try rangeDiff.commits(from: repository.commitID(forRevision: base), to: repository.commitID(forRevision: tip))
        }
        let actual = try rangeDiff.compare(
            old: range(oldBase, oldTip), new: range(newBase, newTip),
            creationFactor: creationFactor ?? RangeDiff.defaultCreationFactor)
        return Outcome(expected: expected, actual: actual)
    }

    /// `git diff --no-index` of the two outputs, for the test log.
    static func readableDifference(_ outcome: Outcome) -> String {
        guard let scratch = try? ScratchDirectory("range-diff-mismatch") else { return "(no scratch directory)" }
        try? scratch.write("git", bytes: outcome.expected)
        try? scratch.write("kseries", bytes: outcome.actual)
        let diff = try? ProcessRunner.run(
            ["git", "diff", "--no-index", "--no-color", "git", "kseries"], in: scratch.path)
        return diff?.stdoutText ?? "(git diff failed)"
    }
}
