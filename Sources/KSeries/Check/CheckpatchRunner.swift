import Foundation
import Git

/// Runs the kernel tree's own `scripts/checkpatch.pl` (with perl) on patch files, reading the
/// script and its data from the git tree: no checkout of the kernel is needed.
///
/// A temporary folder gets `scripts/checkpatch.pl`, its word lists, `scripts/get_maintainer.pl`
/// and `MAINTAINERS` (for its "obsolete" checks), the files the patches touch, and the
/// top-level names checkpatch looks for to accept `--root`. Not extracted: the `include/`
/// headers checkpatch reads only to seed `--strict`'s CamelCase check.
///
/// Given several refs, checkpatch runs once per patch and *distinct version*: refs whose
/// extracted files are the same blobs share one run, refs that differ in any (6.1's and 6.12's
/// checkpatch.pl do) get one each. Every run, of every version and patch, goes at once, as
/// many as there are cores.
public struct CheckpatchRunner {
    public let repository: Repository
    /// The refs to run the scripts of, as the user named them, with their commits, in order.
    public let refs: [(name: String, commit: ObjectID)]

    public init(repository: Repository, refs: [(name: String, commit: ObjectID)]) {
        self.repository = repository
        self.refs = refs
    }

    /// One ref's scripts.
    public init(repository: Repository, commit: ObjectID, ref: String) {
        self.init(repository: repository, refs: [(ref, commit)])
    }

    /// What checkpatch said about one patch.
    public struct Report: Sendable {
        public var patchFile: String
        /// The refs whose checkpatch (one version of it) said this, in the order given.
        public var refs: [String]
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

    /// What the runs said, and the refs checkpatch could not run on (no script there).
    public struct Outcome: Sendable {
        /// Per patch file in the order given, one report per distinct version, in ref order.
        public var reports: [Report]
        /// Why some refs got no run (`checkpatch not run: v2.6 has no scripts/checkpatch.pl`).
        public var notes: [String]
    }

    static let scriptFiles = [
        "scripts/checkpatch.pl", "scripts/spelling.txt", "scripts/const_structs.checkpatch",
        "scripts/get_maintainer.pl", "MAINTAINERS", ".get_maintainer.ignore",
    ]
    static let treeMarkers = ["COPYING", "CREDITS", "Kbuild", "MAINTAINERS", "Makefile", "README"]
    static let treeMarkerFolders = ["Documentation", "arch", "include", "drivers", "fs", "init", "ipc", "kernel", "lib", "scripts"]

    /// Runs checkpatch on each patch file; `touchedPaths` are the tree files the patches change.
    /// Throws `Unavailable` when no ref has the script or perl is missing.
    public func run(patchFiles: [String], touchedPaths: [String], strict: Bool = false) throws -> [Report] {
        let outcome = try runEach(patchFiles: patchFiles, touchedPaths: touchedPaths, strict: strict)
        if outcome.reports.isEmpty, let note = outcome.notes.first { throw Unavailable(description: note) }
        return outcome.reports
    }

    /// Runs checkpatch on each patch file with each distinct version among the refs.
    public func runEach(patchFiles: [String], touchedPaths: [String], strict: Bool = false) throws -> Outcome {
        guard let perl = Self.which("perl") else {
            throw Unavailable(description: "checkpatch not run: perl is not installed (apt-get install perl)")
        }
        let paths = Self.scriptFiles + touchedPaths
        var versions: [(key: [ObjectID?], commit: ObjectID, refs: [String])] = []
        var notes: [String] = []
        for (name, commit) in refs {
            let tree = try repository.commit(commit).tree()
            let key = try paths.map { (path) throws(GitError) in try tree.entry(atPath: path)?.id }
            guard key[0] != nil else {  // paths[0] is scripts/checkpatch.pl
                notes.append("checkpatch not run: \(name) has no scripts/checkpatch.pl")
                continue
            }
            if let index = versions.firstIndex(where: { $0.key == key }) {
                versions[index].refs.append(name)
            } else {
                versions.append((key, commit, [name]))
            }
        }
        guard !versions.isEmpty else { return Outcome(reports: [], notes: notes) }

        var extracted: [URL] = []
        defer { for root in extracted { try? FileManager.default.removeItem(at: root) } }
        for version in versions {
            extracted.append(try extract(paths, at: version.commit))
        }
        let roots = extracted
        let versionRefs = versions.map(\.refs)
        // As many perls at once as there are cores, each given a run of consecutive patches:
        // checkpatch asks get_maintainer.pl (a perl reading MAINTAINERS) about every file a
        // patch touches and remembers the answer for the next patch, and compiles itself once
        // per perl, so few perls with several patches beat one perl per patch, until the
        // cores would idle.
        let chunks = Self.chunks(patchCount: patchFiles.count, versions: versions.count, cores: ProcessInfo.processInfo.activeProcessorCount)
        let units = versions.indices.flatMap { version in chunks.map { (version: version, patches: $0) } }
        let results = ConcurrentResults<[Report]>(count: units.count)
        DispatchQueue.concurrentPerform(iterations: units.count) { index in
            let (version, patches) = units[index]
            results[index] = Result {
                try Self.check(patches.map { patchFiles[$0] }, perl: perl, root: roots[version], strict: strict).map { report in
                    var report = report
                    report.refs = versionRefs[version]
                    return report
                }
            }
        }
        // Units are version by version, each version's chunks in patch order: joined, one list
        // per version; reported patch by patch, the versions in ref order.
        let byUnit = try results.values()
        let byVersion = versions.indices.map { version in byUnit[version * chunks.count..<(version + 1) * chunks.count].flatMap { $0 } }
        let reports = patchFiles.indices.flatMap { patch in byVersion.map { $0[patch] } }
        return Outcome(reports: reports, notes: notes)
    }

    /// The patch indices split into consecutive runs, so that runs × versions is about the
    /// number of cores (at least one run, at most one per patch).
    static func chunks(patchCount: Int, versions: Int, cores: Int) -> [Range<Int>] {
        guard patchCount > 0 else { return [] }
        let count = min(patchCount, max(1, (cores + versions - 1) / max(1, versions)))
        return (0..<count).map { index in (index * patchCount / count)..<((index + 1) * patchCount / count) }
    }

    /// A temporary checkpatch root holding `paths` as `commit` has them (those it has).
    func extract(_ paths: [String], at commit: ObjectID) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kseries-checkpatch-\(UUID().uuidString.prefix(8))")
        for folder in Self.treeMarkerFolders {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in Self.treeMarkers {
            _ = FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: Data())
        }
        for path in paths {
            guard let file = try PreconditionChecker.readIfPresent(repository, path, at: commit) else { continue }
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try MailFolderWriter.writeFile(file.contents, to: target.path)
        }
        return root
    }

    /// Runs one checkpatch on `patches` in the extracted tree at `root`, and reads its output
    /// per file: with more than one file, checkpatch heads each file's part with its name
    /// between two lines of dashes. Should that heading be missing (a checkpatch that speaks
    /// otherwise), each patch gets a run of its own.
    private static func check(_ patches: [String], perl: String, root: URL, strict: Bool) throws -> [Report] {
        let absolute = patches.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let output = try checkpatch(absolute, perl: perl, root: root, strict: strict)
        if patches.count == 1 { return [report(patchFile: patches[0], output: output)] }
        if let parts = split(output, files: absolute) {
            return zip(patches, parts).map { report(patchFile: $0, output: $1) }
        }
        return try zip(patches, absolute).map { patch, path in
            report(patchFile: patch, output: try checkpatch([path], perl: perl, root: root, strict: strict))
        }
    }

    /// checkpatch's whole output (standard output and error) for `files`.
    static func checkpatch(_ files: [String], perl: String, root: URL, strict: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perl)
        process.arguments = [root.appendingPathComponent("scripts/checkpatch.pl").path, "--root=\(root.path)", "--no-color", "--showfile"]
            + (strict ? ["--strict"] : []) + files
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The output of a checkpatch run on several files, one part per file, in order; nil
    /// unless each file's heading (dashes, its name, dashes) is there, in order.
    static func split(_ output: String, files: [String]) -> [String]? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        func isDashes(_ line: Substring) -> Bool { !line.isEmpty && line.allSatisfy { $0 == "-" } }
        var starts: [Int] = []
        var searchFrom = 1
        for file in files {
            guard let heading = (searchFrom..<max(searchFrom, lines.count - 1)).first(where: {
                lines[$0] == file && isDashes(lines[$0 - 1]) && isDashes(lines[$0 + 1])
            }) else { return nil }
            starts.append(heading - 1)
            searchFrom = heading + 2
        }
        return starts.indices.map { index in
            let from = starts[index] + 3
            let to = index + 1 < starts.count ? starts[index + 1] : lines.count
            return lines[from..<max(from, to)].joined(separator: "\n")
        }
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
        return Report(patchFile: patchFile, refs: [], errors: errors, warnings: warnings, checks: checks, findings: findings, output: output)
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
