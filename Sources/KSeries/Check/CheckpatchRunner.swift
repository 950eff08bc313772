import Foundation
import Git

/// Runs the kernel tree's own `scripts/checkpatch.pl` (with perl) on patch files, reading the
/// script and its data from the git tree: no checkout of the kernel is needed.
///
/// A temporary folder gets `scripts/checkpatch.pl`, its word lists, `scripts/get_maintainer.pl`
/// and `MAINTAINERS` (for its "obsolete" checks), the files the patches touch, and the
/// top-level names checkpatch looks for to accept `--root`. Not extracted: the `include/`
/// headers checkpatch reads only to seed `--strict`'s CamelCase check.
public struct CheckpatchRunner {
    public let repository: Repository
    public let commit: ObjectID
    /// The ref name the user gave, for messages.
    public let ref: String

    public init(repository: Repository, commit: ObjectID, ref: String) {
        self.repository = repository
        self.commit = commit
        self.ref = ref
    }

    /// What checkpatch said about one patch.
    public struct Report: Sendable {
        public var patchFile: String
        public var errors: Int
        public var warnings: Int
        public var checks: Int
        /// The `ERROR:`/`WARNING:`/`CHECK:` lines, in order.
        public var findings: [String]
        /// checkpatch's whole output.
        public var output: String

        public var isClean: Bool { errors == 0 && warnings == 0 }
    }

    /// Why checkpatch could not run.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let scriptFiles = [
        "scripts/checkpatch.pl", "scripts/spelling.txt", "scripts/const_structs.checkpatch",
        "scripts/get_maintainer.pl", "MAINTAINERS", ".get_maintainer.ignore",
    ]
    static let treeMarkers = ["COPYING", "CREDITS", "Kbuild", "MAINTAINERS", "Makefile", "README"]
    static let treeMarkerFolders = ["Documentation", "arch", "include", "drivers", "fs", "init", "ipc", "kernel", "lib", "scripts"]

    /// Runs checkpatch on each patch file; `touchedPaths` are the tree files the patches change.
    public func run(patchFiles: [String], touchedPaths: [String], strict: Bool = false) throws -> [Report] {
        guard try PreconditionChecker.readIfPresent(repository, "scripts/checkpatch.pl", at: commit) != nil else {
            throw Unavailable(description: "checkpatch not run: \(ref) has no scripts/checkpatch.pl")
        }
        guard let perl = Self.which("perl") else {
            throw Unavailable(description: "checkpatch not run: perl is not installed (apt-get install perl)")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kseries-checkpatch-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in Self.treeMarkerFolders {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in Self.treeMarkers {
            FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: Data())
        }
        for path in Self.scriptFiles + touchedPaths {
            guard let file = try PreconditionChecker.readIfPresent(repository, path, at: commit) else { continue }
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try MailFolderWriter.writeFile(file.contents, to: target.path)
        }
        // One perl per patch, as many at once as there are cores: each spends most of its
        // time compiling checkpatch.pl, so one after another took 3× as long for 3 patches.
        let results = ConcurrentResults<Report>(count: patchFiles.count)
        DispatchQueue.concurrentPerform(iterations: patchFiles.count) { index in
            results[index] = Result { try Self.check(patchFiles[index], perl: perl, root: root, strict: strict) }
        }
        return try results.values()
    }

    /// Runs checkpatch on one patch file in the extracted tree at `root`.
    private static func check(_ patch: String, perl: String, root: URL, strict: Bool) throws -> Report {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perl)
        let absolute = URL(fileURLWithPath: patch).standardizedFileURL.path
        process.arguments = [root.appendingPathComponent("scripts/checkpatch.pl").path, "--root=\(root.path)", "--no-color", "--showfile"]
            + (strict ? ["--strict"] : []) + [absolute]
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return report(patchFile: patch, output: String(decoding: data, as: UTF8.self))
    }

    /// Parses checkpatch's output (`total: 0 errors, 1 warnings, 3 checks, 41 lines checked`).
    static func report(patchFile: String, output: String) -> Report {
        var errors = 0, warnings = 0, checks = 0
        var findings: [String] = []
        for line in output.split(separator: "\n") {
            if line.hasPrefix("total: ") {
                for part in line.dropFirst(7).split(separator: ",") {
                    let words = part.split(separator: " ")
                    guard words.count >= 2, let count = Int(words[0]) else { continue }
                    switch words[1] {
                    case "errors": errors = count
                    case "warnings": warnings = count
                    case "checks": checks = count
                    default: break
                    }
                }
            } else if line.contains("ERROR:") || line.contains("WARNING:") || line.contains("CHECK:") {
                findings.append(String(line))
            }
        }
        return Report(patchFile: patchFile, errors: errors, warnings: warnings, checks: checks, findings: findings, output: output)
    }

    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// What the iterations of a `concurrentPerform` return, by index.
private final class ConcurrentResults<Value: Sendable>: @unchecked Sendable {
    private var results: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    subscript(index: Int) -> Result<Value, any Error>? {
        get { lock.withLock { results[index] } }
        set { lock.withLock { results[index] = newValue } }
    }

    /// Every value in order, or the first error.
    func values() throws -> [Value] {
        try lock.withLock { results }.map { try $0!.get() }
    }
}
