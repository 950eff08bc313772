import Apply
import Foundation
import Testing
import TestSupport

/// kseries' applier against real `git apply` on thousands of generated cases.
///
/// Each case is one file: a random base (lines from a small vocabulary, so duplicates are
/// common), a random edit turned into a patch by real `git diff`, and a target that is the base
/// altered (lines added or removed before a hunk, context changed, blocks duplicated so a hunk
/// could land twice, the end of file changed, whitespace changed, the file missing or already
/// there). All cases of a batch share one `git diff` and one `git apply --reject -v` run in a
/// scratch work tree (one file per case, so they are independent); git's per-file verdict,
/// first rejected hunk, hunk offsets and resulting bytes are compared with kseries'.
///
/// `KSERIES_APPLY_SEED` and `KSERIES_APPLY_CASES` replay or widen a run; `KSERIES_APPLY_KEEP`
/// names a folder that receives each batch's diff and git's log.
@Suite("Differential: kseries' applier against git apply")
struct DifferentialTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["KSERIES_APPLY_SEED"].flatMap { UInt64($0) } ?? 0x6B_7365_7269
    static let caseCount = ProcessInfo.processInfo.environment["KSERIES_APPLY_CASES"].flatMap { Int($0) } ?? 4000

    /// A batch: which `git diff` context, which `git apply` options, and the same options for kseries.
    struct Batch {
        var name: String
        var context: Int
        var gitOptions: [String]
        var options: ApplyOptions
    }

    static let batches = [
        Batch(name: "U3", context: 3, gitOptions: [], options: ApplyOptions()),
        Batch(name: "U1", context: 1, gitOptions: [], options: ApplyOptions()),
        Batch(name: "U0", context: 0, gitOptions: [], options: ApplyOptions()),
        Batch(name: "U0-unidiff-zero", context: 0, gitOptions: ["--unidiff-zero"], options: ApplyOptions(unidiffZero: true)),
        Batch(name: "U3-C1", context: 3, gitOptions: ["-C1"], options: ApplyOptions(minimumContext: 1)),
        Batch(name: "U1-overlap", context: 1, gitOptions: ["--allow-overlap"], options: ApplyOptions(allowOverlap: true)),
    ]

    @Test("agrees with git apply on verdicts, rejected hunks, offsets and bytes")
    func agreesWithGit() throws {
        let clock = ContinuousClock()
        let started = clock.now
        var generator = SeededGenerator(seed: Self.seed)
        let cases = (0..<Self.caseCount).map { CaseGenerator.make(number: $0, using: &generator) }

        // One repository holds every base; `git diff --cached` of the edits gives the patches.
        let scratch = try FastScratch("kseries-differential")
        let repository = try scratch.repository("repo")
        for testCase in cases { if let base = testCase.base { try writeFile(base, to: "\(repository)/\(testCase.path)") } }
        try scratch.git(["add", "-A"], in: repository)
        try scratch.git(["commit", "-q", "-m", "bases"], in: repository)
        for testCase in cases {
            let path = "\(repository)/\(testCase.path)"
            if let edited = testCase.edited { try writeFile(edited, to: path) } else { try FileManager.default.removeItem(atPath: path) }
        }
        try scratch.git(["add", "-A"], in: repository)
        var diffs: [Int: [UInt8]] = [:]
        for context in Set(Self.batches.map(\.context)) {
            diffs[context] = try scratch.git(["diff", "--cached", "--no-renames", "-U\(context)"], in: repository).stdout
        }

        var tally = Tally()
        for batch in Self.batches {
            let diff = diffs[batch.context]!
            let patches = try PatchParser.parse(diff, name: "\(batch.name).diff").flatMap(\.files)
            let keyed = try patches.map { patch in (try #require(patch.newPath ?? patch.oldPath, "a patch without a path"), patch) }
            try #require(Set(keyed.map(\.0)).count == keyed.count, "a path patched twice in \(batch.name).diff")
            let byPath = Dictionary(uniqueKeysWithValues: keyed)

            // git: all cases in one work tree, one run.
            let workTree = try scratch.repository("target-\(batch.name)")
            for testCase in cases { if let target = testCase.target { try writeFile(target, to: "\(workTree)/\(testCase.path)") } }
            let patchFile = "\(scratch.path)/\(batch.name).diff"
            try Data(diff).write(to: URL(fileURLWithPath: patchFile))
            let run = try runGit(["apply", "--reject", "-v"] + batch.gitOptions + [patchFile], in: workTree, environment: scratch.environment)
            let git = GitApplyLog(run.stderr)
            if let keep = ProcessInfo.processInfo.environment["KSERIES_APPLY_KEEP"] {
                try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                try Data(diff).write(to: URL(fileURLWithPath: "\(keep)/\(batch.name).diff"))
                try Data(run.stderr).write(to: URL(fileURLWithPath: "\(keep)/\(batch.name).log"))
            }
            #expect(!run.stderrText.contains("fatal:"), "git apply died: \(run.stderrText.suffix(500))")

            for testCase in cases {
                guard let patch = byPath[testCase.path] else { continue }
                let ours = try #require(PatchApplier(options: batch.options).apply([patch]) { (path: String) -> FileContent? in
                    path == testCase.path ? testCase.target : nil
                }.files.first, "\(batch.name) \(testCase.path)")
                let theirs = git.files[testCase.path] ?? GitApplyLog.FileRecord()
                tally.compare(testCase, batch: batch.name, ours: ours, theirs: theirs, workTree: workTree, patch: patch)
            }
        }

        // The batching itself must not change git's verdicts: spot-check single runs.
        let singleChecked = try spotCheckSingleRuns(cases: cases, diff: diffs[3]!, scratch: scratch)

        let elapsed = clock.now - started
        print(
            """
            differential (seed \(Self.seed), \(cases.count) cases × \(Self.batches.count) batches): \
            \(tally.compared) comparisons, identical verdicts \(tally.sameVerdict)/\(tally.compared), \
            identical bytes \(tally.sameBytes)/\(tally.bothApplied) applied, \
            git verdicts: \(tally.gitClean) clean, \(tally.gitOffset) with offset, \(tally.gitFailed) failed; \
            \(singleChecked) single git runs agree with the batch; \(elapsed)
            """)
        for disagreement in tally.disagreements.prefix(20) { print(disagreement) }
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.count) disagreements with git (first ones printed above)")
        #expect(tally.gitClean > 0 && tally.gitOffset > 0 && tally.gitFailed > 0, "the generator must cover all verdicts")
    }

    /// Runs `git apply --check` alone on some cases and compares with the batch's verdict.
    private func spotCheckSingleRuns(cases: [GeneratedCase], diff: [UInt8], scratch: FastScratch) throws -> Int {
        let sections = splitDiff(diff)
        let workTree = try scratch.repository("single")
        var checked = 0
        for testCase in cases.prefix(400) where testCase.number % 20 == 0 {
            guard let section = sections[testCase.path] else { continue }
            let path = "\(workTree)/\(testCase.path)"
            if let target = testCase.target { try writeFile(target, to: path) }
            let run = try runGit(["apply", "--check", "-"], in: workTree, environment: scratch.environment, input: section)
            let ours = PatchApplier().apply(try PatchParser.parse(section, name: "single").flatMap(\.files)) {
                (candidate: String) -> FileContent? in candidate == testCase.path ? testCase.target : nil
            }
            #expect((run.status == 0) == ours.applied, "single run of case \(testCase.number): git \(run.stderrText)")
            try? FileManager.default.removeItem(atPath: path)
            checked += 1
        }
        return checked
    }

    private func splitDiff(_ diff: [UInt8]) -> [String: [UInt8]] {
        var sections: [String: [UInt8]] = [:]
        let text = String(decoding: diff, as: UTF8.self)
        for chunk in text.components(separatedBy: "\ndiff --git ") {
            let section = chunk.hasPrefix("diff --git ") ? chunk : "diff --git " + chunk
            guard let name = section.split(separator: " ", maxSplits: 3).dropFirst(2).first?.dropFirst(2) else { continue }
            sections[String(name)] = Array((section.hasSuffix("\n") ? section : section + "\n").utf8)
        }
        return sections
    }
}

/// The counts and the disagreements of a differential run.
struct Tally {
    var compared = 0
    var sameVerdict = 0
    var bothApplied = 0
    var sameBytes = 0
    var gitClean = 0
    var gitOffset = 0
    var gitFailed = 0
    var disagreements: [String] = []

    mutating func compare(
        _ testCase: GeneratedCase, batch: String, ours: FileApplyResult, theirs: GitApplyLog.FileRecord, workTree: String,
        patch: FilePatch
    ) {
        compared += 1
        let ourFailure: String?
        var ourRejected: Int?
        switch ours.verdict {
        case .failed(.hunkFailed(let mismatch)):
            ourFailure = "hunk"
            ourRejected = mismatch.hunk
        case .failed(.fileMissing): ourFailure = "missing"
        case .failed(.fileExists): ourFailure = "exists"
        case .failed(.removalLeavesContents): ourFailure = "removal"
        case .failed(let other): ourFailure = "other: \(other)"
        case .clean, .appliedWithOffset: ourFailure = nil
        }
        let limit = ourRejected ?? theirs.rejected ?? Int.max
        let ourOffsets = Dictionary(
            uniqueKeysWithValues: ours.placements.filter { $0.offset != 0 && $0.hunk < limit }.map { ($0.hunk, [$0.line, $0.offset]) })
        let theirOffsets = theirs.offsets.filter { $0.key < limit }
        if theirs.failure != nil { gitFailed += 1 } else if theirOffsets.isEmpty { gitClean += 1 } else { gitOffset += 1 }

        var problems: [String] = []
        if ourFailure != theirs.failure { problems.append("verdict: kseries \(ourFailure ?? "applied"), git \(theirs.failure ?? "applied")") }
        if ourFailure == "hunk" && theirs.failure == "hunk", let theirRejected = theirs.rejected, ourRejected != theirRejected {
            problems.append("first failing hunk: kseries #\(ourRejected ?? 0), git #\(theirs.rejected ?? 0)")
        }
        if ourOffsets != theirOffsets { problems.append("offsets: kseries \(ourOffsets), git \(theirOffsets)") }
        if problems.isEmpty { sameVerdict += 1 }

        if ourFailure == nil && theirs.failure == nil {
            bothApplied += 1
            let path = "\(workTree)/\(testCase.path)"
            let gitBytes = FileManager.default.contents(atPath: path).map { Array($0) }
            let gitExecutable = FileManager.default.isExecutableFile(atPath: path)
            if gitBytes == ours.result?.bytes && (ours.result == nil || gitExecutable == (ours.result!.mode & 0o111 != 0)) {
                sameBytes += 1
            } else {
                problems.append("bytes: kseries \(ours.result.map { "\($0.bytes.count) bytes, mode \(String($0.mode, radix: 8))" } ?? "deleted"), git \(gitBytes.map { "\($0.count) bytes, executable \(gitExecutable)" } ?? "deleted")")
            }
        }
        if !problems.isEmpty {
            disagreements.append(
                """
                case \(testCase.number) [\(batch)] \(testCase.path) (\(testCase.kind), target: \(testCase.mutation)): \(problems.joined(separator: "; "))
                  kseries: \(ours)
                  base: \(testCase.base.map { String(decoding: $0.bytes, as: UTF8.self).debugDescription } ?? "none")
                  target: \(testCase.target.map { String(decoding: $0.bytes, as: UTF8.self).debugDescription } ?? "none")
                  hunks: \(patch.hunks.map { "@@ -\($0.oldStart),\($0.oldCount) +\($0.newStart),\($0.newCount) @@ " + $0.lines.map { "\($0.kind == .context ? " " : $0.kind == .added ? "+" : "-")\(String(decoding: $0.text, as: UTF8.self).debugDescription)" }.joined(separator: " ") })
                """)
        }
    }
}

/// What `git apply --reject -v` said about each file.
struct GitApplyLog {
    struct FileRecord {
        /// "hunk", "missing", "exists", "removal"; nil when applied.
        var failure: String?
        /// The first rejected hunk.
        var rejected: Int?
        /// Hunk number → [line, offset], for hunks that moved.
        var offsets: [Int: [Int]] = [:]
    }

    var files: [String: FileRecord] = [:]

    /// Reads git's standard error. Split as bytes: a String would keep `\r\n` (a CRLF line
    /// quoted in git's log) as one character and glue two lines together.
    init(_ stderr: [UInt8]) {
        var current = ""
        for line in stderr.split(separator: 10, omittingEmptySubsequences: false).map({ String(decoding: $0, as: UTF8.self) }) {
            if line.hasPrefix("Checking patch "), line.hasSuffix("...") {
                current = String(line.dropFirst("Checking patch ".count).dropLast(3))
            } else if line.hasPrefix("Hunk #"), let succeeded = line.range(of: " succeeded at ") {
                let number = Int(line[line.index(line.startIndex, offsetBy: 6)..<succeeded.lowerBound]) ?? 0
                let rest = line[succeeded.upperBound...]
                let at = Int(rest.prefix { $0.isNumber }) ?? 0
                let offset = rest.range(of: "(offset ").map { Int(rest[$0.upperBound...].prefix { $0 == "-" || $0.isNumber }) ?? 0 } ?? 0
                files[current, default: FileRecord()].offsets[number] = [at, offset]
            } else if line.hasPrefix("error: patch failed: "), let colon = line.lastIndex(of: ":"),
                colon >= line.index(line.startIndex, offsetBy: "error: patch failed: ".count)
            {
                let name = String(line[line.index(line.startIndex, offsetBy: "error: patch failed: ".count)..<colon])
                files[name, default: FileRecord()].failure = "hunk"
            } else if line.hasPrefix("error: "), let reason = Self.reason(line) {
                if files[reason.path]?.failure == nil { files[reason.path, default: FileRecord()].failure = reason.kind }
            } else if line.hasPrefix("Applying patch "), let with = line.range(of: " with ", options: .backwards),
                with.lowerBound >= line.index(line.startIndex, offsetBy: "Applying patch ".count)
            {
                current = String(line[line.index(line.startIndex, offsetBy: "Applying patch ".count)..<with.lowerBound])
            } else if line.hasPrefix("Rejected hunk #") {
                let number = Int(line.dropFirst("Rejected hunk #".count).prefix { $0.isNumber }) ?? 0
                if files[current]?.rejected == nil { files[current, default: FileRecord()].rejected = number }
            }
        }
    }

    private static func reason(_ line: String) -> (path: String, kind: String)? {
        let body = line.dropFirst("error: ".count)
        for (suffix, kind) in [
            (": already exists in working directory", "exists"), (": No such file or directory", "missing"),
            (": patch does not apply", "removal"),
        ] where body.hasSuffix(suffix) {
            return (String(body.dropLast(suffix.count)), kind)
        }
        return nil
    }
}

/// One generated case: a file's base, its edit, and the altered target the patch is applied to.
struct GeneratedCase {
    var number: Int
    var path: String
    var kind: String
    var base: FileContent?
    var edited: FileContent?
    var target: FileContent?
    var mutation: String
}

/// Makes the cases. Files are lines from a small vocabulary (with whitespace variants), so
/// duplicated and look-alike lines are frequent.
enum CaseGenerator {
    /// The first eight are the most frequent. `r\r` makes CRLF lines; `caf\u{e9}` is written
    /// in ISO-8859-1, so files are not valid UTF-8.
    static let vocabulary = ["a", "b", "c", "d", "e", "f", "{", "}", "", "return 0;", "x", "x ", "\tx", "int i;", "i++;", "a b", "r\r", "caf\u{e9}"]

    /// A file as lines plus whether the last one ends with a newline.
    struct Lines {
        var lines: [String]
        var newlineAtEnd: Bool

        var bytes: [UInt8] {
            guard !lines.isEmpty else { return [] }
            let text = lines.joined(separator: "\n") + (newlineAtEnd ? "\n" : "")
            return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        }
    }

    static func word(_ generator: inout SeededGenerator) -> String {
        generator.chance(70) ? vocabulary[Int.random(in: 0..<8, using: &generator)] : vocabulary.randomElement(using: &generator)!
    }

    static func randomLines(_ count: ClosedRange<Int>, _ generator: inout SeededGenerator) -> Lines {
        let count = Int.random(in: count, using: &generator)
        return Lines(lines: (0..<count).map { _ in word(&generator) }, newlineAtEnd: !generator.chance(15))
    }

    /// One to four random edits: replaced, inserted and deleted lines; sometimes the final newline.
    static func edit(_ file: Lines, _ generator: inout SeededGenerator) -> Lines {
        var result = file
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = Int.random(in: 0...result.lines.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0 where position < result.lines.count:
                result.lines[position] = word(&generator)
            case 1 where position < result.lines.count:
                result.lines.removeSubrange(position..<min(result.lines.count, position + Int.random(in: 1...3, using: &generator)))
            default:
                result.lines.insert(contentsOf: (0..<Int.random(in: 1...3, using: &generator)).map { _ in word(&generator) }, at: position)
            }
        }
        if generator.chance(10) { result.newlineAtEnd.toggle() }
        return result
    }

    /// Alters the base the patch was made against, in one of the ways real trees drift.
    static func mutate(_ file: Lines, _ generator: inout SeededGenerator) -> (Lines, String) {
        var result = file
        var names: [String] = []
        for _ in 0..<(generator.chance(30) ? 2 : 1) {
            let count = result.lines.count
            let position = Int.random(in: 0...count, using: &generator)
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<20:
                let added = (0..<Int.random(in: 1...5, using: &generator)).map { _ in word(&generator) }
                result.lines.insert(contentsOf: added, at: position)
                names.append("insert \(added.count) at \(position)")
            case 20..<32 where count > 0:
                let start = min(position, count - 1)
                let end = min(count, start + Int.random(in: 1...3, using: &generator))
                result.lines.removeSubrange(start..<end)
                names.append("delete \(start)..<\(end)")
            case 32..<44 where count > 0:
                let at = min(position, count - 1)
                result.lines[at] = word(&generator)
                names.append("change \(at)")
            case 44..<64 where count > 0:
                let start = Int.random(in: 0..<count, using: &generator)
                let block = Array(result.lines[start..<min(count, start + Int.random(in: 1...6, using: &generator))])
                result.lines.insert(contentsOf: block, at: position)
                names.append("duplicate \(start)+\(block.count) at \(position)")
            case 64..<72:
                result.newlineAtEnd.toggle()
                names.append("toggle final newline")
            case 72..<80:
                result.lines.append(contentsOf: (0..<Int.random(in: 1...3, using: &generator)).map { _ in word(&generator) })
                names.append("append")
            case 80..<90:
                result.lines.insert(contentsOf: (0..<Int.random(in: 1...4, using: &generator)).map { _ in word(&generator) }, at: 0)
                names.append("prepend")
            case 90..<100 where count > 0:
                let at = min(position, count - 1)
                result.lines[at] = generator.chance(50) ? result.lines[at] + " " : "\t" + result.lines[at]
                names.append("whitespace \(at)")
            default:
                names.append("none")
            }
        }
        return (result, names.joined(separator: ", "))
    }

    static func make(number: Int, using generator: inout SeededGenerator) -> GeneratedCase {
        let path = String(format: "f%05d.txt", number)
        let kindRoll = Int.random(in: 0..<100, using: &generator)
        let baseMode: UInt32 = generator.chance(10) ? 0o100755 : 0o100644
        func content(_ lines: Lines?, _ mode: UInt32) -> FileContent? { lines.map { FileContent(bytes: $0.bytes, mode: mode) } }

        switch kindRoll {
        case 0..<10:
            let edited = generator.chance(5) ? Lines(lines: [], newlineAtEnd: true) : randomLines(1...20, &generator)
            var target: FileContent?
            var mutation = "absent"
            if generator.chance(15) {
                target = content(randomLines(1...5, &generator), 0o100644)
                mutation = "already exists"
            }
            return GeneratedCase(
                number: number, path: path, kind: "create", base: nil, edited: content(edited, 0o100644), target: target,
                mutation: mutation)
        case 10..<18:
            let base = generator.chance(5) ? Lines(lines: [], newlineAtEnd: true) : randomLines(1...25, &generator)
            var target = base
            var mutation = "identity"
            if generator.chance(40) && !base.lines.isEmpty {
                (target, mutation) = mutate(base, &generator)
                if target.bytes.isEmpty { target.lines = ["a"] }
            }
            return GeneratedCase(
                number: number, path: path, kind: "delete", base: content(base, baseMode), edited: nil,
                target: content(target, baseMode), mutation: mutation)
        default:
            let base = randomLines(0...30, &generator)
            var edited = edit(base, &generator)
            var editedMode = baseMode
            var kind = "modify"
            if kindRoll < 25 {
                kind = "mode change"
                editedMode = baseMode == 0o100644 ? 0o100755 : 0o100644
                if generator.chance(50) { edited = base }
            }
            if edited.bytes == base.bytes && editedMode == baseMode { edited.lines.append("z") }
            var targetMode = baseMode
            if kind == "mode change" && generator.chance(20) { targetMode = editedMode }
            var target: Lines? = base
            var mutation = "identity"
            if generator.chance(3) {
                target = nil
                mutation = "missing"
            } else if generator.chance(75) {
                let (mutated, name) = mutate(base, &generator)
                target = mutated
                mutation = name
            }
            return GeneratedCase(
                number: number, path: path, kind: kind, base: content(base, baseMode), edited: content(edited, editedMode),
                target: content(target, targetMode), mutation: mutation)
        }
    }
}
