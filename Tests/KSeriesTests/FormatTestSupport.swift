import Foundation
import KSeries
import Testing
import TestSupport

/// A repository whose history a test writes commit by commit with the real git CLI: files as
/// bytes, renames, modes, symlinks, authors and dates per commit, and raw commit objects for
/// what `git commit` will not write (a Latin-1 author, a declared encoding).
final class FormatHistory: @unchecked Sendable {
    let fixture: GitFixture
    /// Seconds of the next commit; each commit advances it by a minute unless told otherwise.
    var time: Int64 = 1_700_000_000

    init() throws {
        fixture = try GitFixture()
    }

    /// A bare clone of the repository, next to it.
    func bareClone() throws -> String {
        let bare = "\(fixture.scratch.path)/bare.git"
        try ProcessRunner.checked(["git", "clone", "-q", "--bare", path, bare], environment: fixture.environment)
        return bare
    }

    var path: String { fixture.path }

    func write(_ path: String, _ text: String) throws { try write(path, bytes: Array(text.utf8)) }

    func write(_ path: String, bytes: [UInt8]) throws {
        try fixture.scratch.write("repo/\(path)", bytes: bytes)
    }

    func remove(_ path: String) throws { try fixture.git("rm", "-q", path) }

    func move(_ old: String, _ new: String) throws {
        let directory = (new as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: "\(path)/\(directory)", withIntermediateDirectories: true)
        }
        try fixture.git("mv", old, new)
    }

    func chmod(_ path: String, executable: Bool) throws {
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: "\(self.path)/\(path)")
    }

    func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: "\(self.path)/\(path)", withDestinationPath: target)
    }

    /// Commits everything in the work tree; returns the commit id.
    @discardableResult
    func commit(
        _ message: String, author: (name: String, email: String)? = nil, at seconds: Int64? = nil,
        extra: [String] = []
    ) throws -> String {
        time = seconds ?? time + 60
        var environment = fixture.environment
        environment["GIT_AUTHOR_DATE"] = "\(time) +0100"
        environment["GIT_COMMITTER_DATE"] = "\(time) +0100"
        if let author {
            environment["GIT_AUTHOR_NAME"] = author.name
            environment["GIT_AUTHOR_EMAIL"] = author.email
        }
        try ProcessRunner.checked(["git", "-C", path, "add", "-A"], environment: environment)
        try ProcessRunner.checked(
            ["git", "-C", path, "commit", "-q", "--allow-empty", "--allow-empty-message", "-m", message] + extra,
            environment: environment)
        return try fixture.git("rev-parse", "HEAD")
    }

    /// Writes a commit object from raw header and message bytes on top of HEAD, with the
    /// work tree's content as its tree, and moves HEAD to it.
    @discardableResult
    func rawCommit(authorLine: [UInt8], encoding: String?, message: [UInt8]) throws -> String {
        try fixture.git("add", "-A")
        let tree = try fixture.git("write-tree")
        let parent = try fixture.git("rev-parse", "HEAD")
        var object = Array("tree \(tree)\nparent \(parent)\nauthor ".utf8) + authorLine
        object += Array("\ncommitter Test Committer <committer@example.org> \(time) +0200\n".utf8)
        if let encoding { object += Array("encoding \(encoding)\n".utf8) }
        object += [0x0A] + message
        let id = try fixture.gitOutput(["hash-object", "-t", "commit", "-w", "--stdin"], input: object)
            .trimmingCharacters(in: .newlines)
        try fixture.git("reset", "-q", "--soft", id)
        return id
    }
}

/// Runs `git format-patch` and `kseries format` with the same arguments and compares every
/// file byte for byte; only the time in message ids (git takes it from the clock) is
/// normalised. Counts identical files across all comparisons.
final class FormatOracle: @unchecked Sendable {
    private(set) var identical = 0
    private(set) var total = 0
    private(set) var mismatches: [String] = []
    /// How many differing mails of each kind (`DifferenceClass`), for the figures a run prints.
    private(set) var differenceClasses: [String: Int] = [:]
    let scratch: ScratchDirectory
    private var runs = 0
    /// Mismatches past this many are counted and named, without a diff each.
    private let detailedMismatches: Int

    init(detailedMismatches: Int = .max) throws {
        scratch = try ScratchDirectory("kseries-format-oracle")
        self.detailedMismatches = detailedMismatches
    }

    /// Compares both tools on `arguments` in `repository` (run from `directory`, the
    /// repository by default). `kseriesOnly` arguments go to kseries alone. git gets
    /// `--signature=kseries <version>` unless `gitSignature` is false (when the configuration
    /// or the arguments give the signature).
    func compare(
        _ label: String, repository: String, _ arguments: [String], environment: [String: String],
        kseriesOnly: [String] = [], gitSignature: Bool = true
    ) throws {
        runs += 1
        let gitFolder = "\(scratch.path)/git-\(runs)"
        let ourFolder = "\(scratch.path)/kseries-\(runs)"
        // Both tools at once: they only read the repository.
        let gitCommand = ["git", "-C", repository, "format-patch", "-q"]
            + (gitSignature ? ["--signature=kseries \(SeriesGenerator.version)"] : []) + ["-o", gitFolder] + arguments
        let ourArguments = ["format", "--tree", repository, "-o", ourFolder] + kseriesOnly + arguments
        let directory = scratch.path
        let outcomes = ConcurrentRuns()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                outcomes.set(0, Result { try ProcessRunner.run(gitCommand, environment: environment) })
            } else {
                outcomes.set(1, Result { try KSeriesBinary.run(ourArguments, in: directory, environment: environment) })
            }
        }
        let gitRun = try outcomes.get(0)
        let ours = try outcomes.get(1)
        guard gitRun.status == 0 else {
            mismatches.append("\(label): git format-patch failed: \(gitRun.stderrText)")
            total += 1
            return
        }
        let expected = (try? FileManager.default.contentsOfDirectory(atPath: gitFolder).sorted()) ?? []
        guard ours.status == 0 else {
            mismatches.append("\(label): kseries format failed: \(ours.stderrText)")
            total += max(expected.count, 1)
            return
        }
        let produced = try FileManager.default.contentsOfDirectory(atPath: ourFolder).sorted()
        if produced.filter({ $0 != "series.mbox" }) != expected {
            mismatches.append("\(label): files differ: git \(expected), kseries \(produced)")
        }
        for name in expected {
            total += 1
            let theirs = Self.normalised(try scratch.read("git-\(runs)/\(name)"))
            guard let mine = try? scratch.read("kseries-\(runs)/\(name)") else { continue }
            let normalisedMine = Self.normalised(mine)
            if normalisedMine == theirs {
                identical += 1
            } else if mismatches.count >= detailedMismatches {
                for kind in Self.differenceClasses(git: theirs, kseries: normalisedMine) { differenceClasses[kind, default: 0] += 1 }
                mismatches.append("\(label): \(name) differs")
            } else {
                for kind in Self.differenceClasses(git: theirs, kseries: normalisedMine) { differenceClasses[kind, default: 0] += 1 }
                let diff = try ProcessRunner.run(
                    ["git", "diff", "--no-index", "--text", "\(gitFolder)/\(name)", "\(ourFolder)/\(name)"])
                mismatches.append("\(label): \(name) differs:\n\(diff.stdoutText)")
            }
        }
    }

    struct MissingRun: Error {
        var index: Int
    }

    /// The outcomes of two programs run at once.
    private final class ConcurrentRuns: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Int: Result<ProcessOutput, any Error>] = [:]

        func set(_ index: Int, _ result: Result<ProcessOutput, any Error>) {
            lock.lock()
            results[index] = result
            lock.unlock()
        }

        func get(_ index: Int) throws -> ProcessOutput {
            lock.lock()
            defer { lock.unlock() }
            guard let result = results[index] else { throw MissingRun(index: index) }
            return try result.get()
        }
    }

    /// The kinds of line in which two mails differ: the function context of a hunk header,
    /// the MIME headers, `index` lines, other headers, or something else.
    static func differenceClasses(git: [UInt8], kseries: [UInt8]) -> Set<String> {
        let theirs = git.split(separator: 0x0A, omittingEmptySubsequences: false)
        let ours = kseries.split(separator: 0x0A, omittingEmptySubsequences: false)
        func kind(_ line: ArraySlice<UInt8>) -> String? {
            for (prefix, name) in [
                ("@@", "function context"), ("MIME-Version", "MIME headers"), ("Content-", "MIME headers"),
                ("index ", "abbreviated ids"), ("Subject:", "Subject header"), ("From:", "From header"),
            ] where line.starts(with: Array(prefix.utf8)) {
                return name
            }
            return nil
        }
        // Lines only one side has (MIME headers) shift the rest: compare as multisets of lines.
        var counts: [ArraySlice<UInt8>: Int] = [:]
        for line in theirs { counts[line, default: 0] += 1 }
        for line in ours { counts[line, default: 0] -= 1 }
        var classes = Set<String>()
        for (line, count) in counts where count != 0 { classes.insert(kind(line) ?? "other") }
        return classes.isEmpty ? ["line order"] : classes
    }

    /// Replaces the digits of `.<digits>.git.` (the time in git's message ids) with `T`.
    static func normalised(_ bytes: [UInt8]) -> [UInt8] {
        let marker = Array(".git.".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ".") {
                var end = index + 1
                while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
                if end > index + 1, bytes[end...].starts(with: marker) {
                    out += Array(".T".utf8)
                    index = end
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }
}
