import Apply
import Foundation
import Git
import Testing
import TestSupport

@Suite("Applying a series onto a commit in memory")
struct TreeApplierTests {
    /// A base, a four-patch topic made on it, and a drifted commit (lines added above the
    /// hunks, an unrelated change) to apply the topic onto.
    static func fixture() throws -> (fixture: GitFixture, drifted: String, mbox: [UInt8]) {
        let fixture = try GitFixture()
        let sched = (1...40).map { "sched line \($0)" }.joined(separator: "\n") + "\n"
        let base = try fixture.commit(
            ["kernel/sched.c": sched, "kernel/old.c": "int old;\nint older;\nint oldest;\nint x;\nint y;\n", "Makefile": "all:\n",
             "scripts/run.sh": "#!/bin/sh\n"], message: "base")
        try fixture.git("checkout", "-q", "-b", "topic")
        try fixture.commit(
            ["kernel/sched.c": sched.replacingOccurrences(of: "sched line 5\n", with: "sched line FIVE\n")
                .replacingOccurrences(of: "sched line 33\n", with: "sched line 33\nsched line 33b\n")],
            message: "sched: two hunks")
        try fixture.commit(["drivers/new/dev.c": "int dev;\n"], message: "dev: new driver in a new folder")
        try fixture.git("mv", "kernel/old.c", "kernel/renamed.c")
        try Data("int old;\nint older;\nint oldest;\nint x;\nint Y;\n".utf8).write(to: URL(fileURLWithPath: "\(fixture.path)/kernel/renamed.c"))
        try fixture.git("rm", "-q", "Makefile")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(fixture.path)/scripts/run.sh")
        try fixture.git("add", "-A")
        try fixture.git("commit", "-q", "-m", "rename, delete, chmod")
        try fixture.commit(
            ["kernel/sched.c": sched.replacingOccurrences(of: "sched line 5\n", with: "sched line FIVE\n")
                .replacingOccurrences(of: "sched line 33\n", with: "sched line 33\nsched line 33b\n")
                .replacingOccurrences(of: "sched line 20\n", with: "")],
            message: "sched: remove line 20")
        let mbox = try ProcessRunner.checked(
            ["git", "-C", fixture.path, "format-patch", "-M", "--stdout", "\(base)..topic"], environment: fixture.environment
        ).stdout
        try fixture.git("checkout", "-q", "main")
        let drifted = try fixture.commit(
            ["kernel/sched.c": "/* header */\n/* more */\n" + sched.replacingOccurrences(of: "sched line 25\n", with: "sched line 25\nextra\n"),
             "README": "unrelated\n"], message: "drift")
        return (fixture, drifted, mbox)
    }

    @Test("the trees after each patch are the ones git am makes, with offsets reported")
    func matchesGitAm() throws {
        let (fixture, drifted, mbox) = try Self.fixture()
        let repository = try Repository(at: fixture.path)
        let series = try PatchParser.parse(mbox, name: "topic.mbox")
        let outcome = try TreeApplier(repository: repository).apply(
            series, onto: try repository.commitID(forRevision: drifted), writeTrees: true)
        #expect(outcome.allApplied)
        #expect(outcome.patches.map(\.verdict) == [.applied, .applied, .applied, .applied])
        try #require(outcome.patches.count == 4)
        let sched = try #require(outcome.patches[0].files.first)
        #expect(sched.verdict == .appliedWithOffset)
        #expect(sched.placements.map(\.offset) == [2, 3])

        try fixture.git("checkout", "-q", "--detach", drifted)
        _ = try fixture.gitOutput(["am", "-q"], input: mbox)
        let gitTrees = try (0..<4).reversed().map { try fixture.git("rev-parse", "HEAD~\($0)^{tree}") }
        #expect(outcome.patches.map { $0.tree?.hex } == gitTrees.map { Optional($0) })
        #expect(outcome.tree?.hex == gitTrees.last)
    }

    @Test("the series stops at the first patch that does not apply; nothing is written without writeTrees")
    func stopsAtFailure() throws {
        let (fixture, drifted, mbox) = try Self.fixture()
        // Change the context of the rename's hunk on the target.
        try fixture.commit(["kernel/old.c": "int old;\nint older;\nint OLDEST;\nint x;\nint y;\n"], message: "conflict")
        let repository = try Repository(at: fixture.path)
        let objectsBefore = try fixture.git("count-objects", "-v")
        let outcome = try TreeApplier(repository: repository).apply(
            try PatchParser.parse(mbox, name: "topic.mbox"), onto: try repository.commitID(forRevision: "HEAD"))
        #expect(outcome.patches.map(\.verdict) == [.applied, .applied, .failed, .notAttempted])
        #expect(outcome.tree == nil && outcome.patches.allSatisfy { $0.tree == nil })
        let failure = try #require(outcome.firstFailure)
        #expect(failure.subject == "rename, delete, chmod")
        let renameResult = try #require(failure.files.first { $0.path == "kernel/old.c => kernel/renamed.c" })
        #expect(renameResult.mismatch?.nearest?.found == [UInt8]("int OLDEST;\n"))
        #expect(failure.description.contains("patch 3 \"rename, delete, chmod\" (topic.mbox:"))
        #expect(try fixture.git("count-objects", "-v") == objectsBefore)
        _ = drifted
    }

    @Test("a binary change applies when its postimage blob is already in the repository")
    func binaryWithKnownPostimage() throws {
        let fixture = try GitFixture()
        try fixture.scratch.write("repo/logo.bin", bytes: [0, 1, 2, 3, 255])
        try fixture.git("add", "-A")
        try fixture.git("commit", "-q", "-m", "base")
        let base = try fixture.git("rev-parse", "HEAD")
        try fixture.scratch.write("repo/logo.bin", bytes: [0, 1, 2, 3, 254, 0])
        try fixture.git("commit", "-q", "-am", "new logo")
        let patch = try ProcessRunner.checked(
            ["git", "-C", fixture.path, "format-patch", "--stdout", "--binary", "-1"], environment: fixture.environment
        ).stdout
        let repository = try Repository(at: fixture.path)
        let outcome = try TreeApplier(repository: repository).apply(
            try PatchParser.parse(patch, name: "bin.patch"), onto: try repository.commitID(forRevision: base), writeTrees: true)
        #expect(outcome.allApplied)
        #expect(outcome.tree?.hex == (try fixture.git("rev-parse", "HEAD^{tree}")))
    }
}

@Suite("The real kernel tree")
struct KernelTreeApplyTests {
    static let files = ["virt/kvm/kvm_main.c", "kernel/rcu/tree.c", "include/linux/kvm_host.h", "mm/memory.c", "fs/namei.c"]

    @Test("the v6.1 → v6.12 diff of five large files applies onto v6.1 and gives v6.12's blobs, like git apply --cached")
    func upgradeDiff() throws {
        let clone = try KernelScratchClone()
        let diff = try ProcessRunner.checked(
            ["git", "-C", clone.path, "diff", "v6.1-deb", "v6.12-deb", "--"] + Self.files, environment: clone.environment
        ).stdout
        let repository = try Repository(at: clone.path)
        let clock = ContinuousClock()
        let started = clock.now
        let series = try PatchParser.parse(diff, name: "v6.1..v6.12.diff")
        let outcome = try TreeApplier(repository: repository).apply(
            series, onto: try repository.commitID(forRevision: "v6.1-deb"), writeTrees: true)
        let elapsed = clock.now - started
        let first = try #require(series.first)
        let hunks = first.files.reduce(0) { $0 + $1.hunks.count }
        print("kernel: \(first.files.count) files, \(hunks) hunks, \(diff.count) bytes of diff applied in \(elapsed)")
        #expect(outcome.allApplied)
        let tree = try #require(outcome.tree)
        for file in Self.files {
            let ours = try ProcessRunner.checked(["git", "-C", clone.path, "rev-parse", "\(tree.hex):\(file)"]).stdoutText
            let theirs = try ProcessRunner.checked(["git", "-C", clone.path, "rev-parse", "v6.12-deb:\(file)"]).stdoutText
            #expect(ours == theirs, "\(file)")
        }
    }

    @Test("the shipped series applies as git am applies it, on the release it was made for and on an older one")
    func shippedSeries() throws {
        let folder = "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".patch") }.sorted()
        let mbox = try names.flatMap { Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))) }
        let series = try PatchParser.parse(mbox, name: "rcu-kvm-run-loop.mbox")
        #expect(series.count == names.count - 1, "the cover letter is skipped")
        let paths = Array(Set(series.flatMap { $0.files.compactMap(\.newPath) })).sorted()

        for base in ["v6.12-deb", "v6.1-deb"] {
            let clone = try KernelScratchClone()
            let repository = try Repository(at: clone.path)
            let outcome = try TreeApplier(repository: repository).apply(
                series, onto: try repository.commitID(forRevision: base), writeTrees: true)
            // git am in a sparse work tree of the touched files.
            let work = try clone.sparseWorkTree(at: base, paths: paths)
            // git am stops at a cover letter ("Patch is empty"); kseries skips it.
            let patchesOnly = try names.filter { !$0.hasPrefix("0000-") }.flatMap {
                Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)")))
            }
            let am = try ProcessRunner.run(["git", "-C", work, "am", "-q"], environment: clone.environment, input: patchesOnly)
            let count = try ProcessRunner.checked(["git", "-C", work, "rev-list", "--count", "\(base)..HEAD"]).stdoutText
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let applied = try #require(Int(count), "git rev-list --count: \(count)")
            try #require(applied <= outcome.patches.count, "\(base): git am applied \(applied), kseries has \(outcome.patches.count) patches")
            #expect(outcome.patches.prefix(applied).allSatisfy { $0.verdict == .applied }, "\(base)")
            #expect((am.status == 0) == outcome.allApplied, "\(base): git am said \(am.stderrText)\(am.stdoutText)")
            if applied < series.count {
                try #require(applied < outcome.patches.count, "\(base): no patch \(applied + 1) in \(outcome.patches.count)")
                #expect(outcome.patches[applied].verdict == .failed, "\(base)")
            }
            for number in 0..<applied {
                let gitTree = try ProcessRunner.checked(["git", "-C", work, "rev-parse", "HEAD~\(applied - 1 - number)^{tree}"]).stdoutText
                #expect(outcome.patches[number].tree?.hex == gitTree.trimmingCharacters(in: .whitespacesAndNewlines), "\(base) patch \(number + 1)")
            }
            print("shipped series on \(base): " + outcome.patches.map { "\($0.number): \($0.verdict)" }.joined(separator: ", "))
            if let failure = outcome.firstFailure { print(failure) }
        }
    }

    @Test("edits made on v6.12 land on v6.1 where git apply puts them, or fail where git fails")
    func driftBetweenReleases() throws {
        let clone = try KernelScratchClone()
        var generator = SeededGenerator(seed: 6_12)
        // Each case is a copy of one file with one edit made on its v6.12 version, so that one
        // `git diff` and one `git apply` cover every case.
        let work = "\(clone.scratch.path)/edits"
        try ProcessRunner.checked(["git", "init", "-q", work], environment: clone.environment)
        var targets: [String: [UInt8]] = [:]
        var cases: [String] = []
        for file in Self.files {
            let new = try KernelTree.show("v6.12-deb", file)
            let old = try KernelTree.show("v6.1-deb", file)
            // Bytes, not text: kernel files are not guaranteed UTF-8.
            let newLines = Array(new.split(separator: 10, omittingEmptySubsequences: false).dropLast())
            for index in 0..<24 {
                let name = "\(file.replacingOccurrences(of: "/", with: "_"))-\(index)"
                cases.append(name)
                targets[name] = old
                var edited = newLines
                let at = Int.random(in: 0..<edited.count, using: &generator)
                if generator.chance(50) {
                    edited.insert(ArraySlice("\t/* kseries \(index) */".utf8), at: at)
                } else {
                    edited[at] = ArraySlice("\t/* replaced \(index) */".utf8)
                }
                try Data(new).write(to: URL(fileURLWithPath: "\(work)/\(name)"))
                try Data(Array(edited.joined(separator: [10])) + [10]).write(to: URL(fileURLWithPath: "\(clone.scratch.path)/\(name).edited"))
            }
        }
        try ProcessRunner.checked(["git", "-C", work, "add", "-A"], environment: clone.environment)
        try ProcessRunner.checked(["git", "-C", work, "commit", "-q", "-m", "v6.12"], environment: clone.environment)
        for name in cases { try FileManager.default.removeItem(atPath: "\(work)/\(name)")
            try FileManager.default.moveItem(atPath: "\(clone.scratch.path)/\(name).edited", toPath: "\(work)/\(name)") }
        let diff = try ProcessRunner.checked(["git", "-C", work, "diff"], environment: clone.environment).stdout

        let targetTree = "\(clone.scratch.path)/v6.1"
        try ProcessRunner.checked(["git", "init", "-q", targetTree], environment: clone.environment)
        for (name, bytes) in targets { try Data(bytes).write(to: URL(fileURLWithPath: "\(targetTree)/\(name)")) }
        let patchFile = "\(clone.scratch.path)/edits.diff"
        try Data(diff).write(to: URL(fileURLWithPath: patchFile))
        let run = try runGit(["apply", "--reject", "-v", patchFile], in: targetTree, environment: clone.environment)
        let git = GitApplyLog(run.stderr)

        var tally = Tally()
        for patch in try PatchParser.parse(diff, name: "edits.diff").flatMap(\.files) {
            let name = try #require(patch.newPath)
            let target = FileContent(bytes: try #require(targets[name], "no case named \(name)"))
            let ours = try #require(PatchApplier().apply([patch]) { (path: String) -> FileContent? in path == name ? target : nil }.files.first)
            let testCase = GeneratedCase(number: tally.compared, path: name, kind: "kernel edit", base: nil, edited: nil, target: nil, mutation: "v6.1")
            tally.compare(testCase, batch: "kernel", ours: ours, theirs: git.files[name] ?? GitApplyLog.FileRecord(), workTree: targetTree, patch: patch)
        }
        print(
            "kernel drift: \(tally.compared) edits of v6.12 applied to v6.1: identical verdicts \(tally.sameVerdict), "
                + "identical bytes \(tally.sameBytes)/\(tally.bothApplied); git: \(tally.gitClean) clean, \(tally.gitOffset) with offset, \(tally.gitFailed) failed")
        for disagreement in tally.disagreements.prefix(5) { print(disagreement.prefix(2000)) }
        #expect(tally.compared == cases.count)
        #expect(tally.disagreements.isEmpty)
        #expect(tally.gitOffset > 0 && tally.gitFailed > 0)
    }
}
