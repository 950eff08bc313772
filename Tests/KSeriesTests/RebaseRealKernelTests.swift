import Foundation
import Git
import KSeries
import Policy
import RangeDiff
import Testing
import TestSupport

/// Rebasing on the real kernel tree: both shipped policies from `v6.1-deb` to `v6.12-deb`, as
/// policies and as plain patches, checked against git (`git am`, `git apply -C1`, `git
/// merge-file`, `git range-diff`, `git format-patch --range-diff`).
@Suite("rebase on the real kernel, v6.1-deb to v6.12-deb")
struct RebaseRealKernelTests {
    /// A scratch clone, a folder for mails, and the fixed identity of the shipped series.
    struct Kernel {
        let clone: KernelScratchClone
        let output: ScratchDirectory
        let environment: [String: String]
        let templates = PolicyCatalog(searchPath: [ProjectLayout.templates])

        init() throws {
            clone = try KernelScratchClone()
            output = try ScratchDirectory("kseries-rebase-real")
            var environment = clone.environment
            for (key, value) in ShippedSeriesTests.identity { environment[key] = value }
            self.environment = environment
        }

        @discardableResult
        func git(_ arguments: String...) throws -> String {
            try ProcessRunner.checked(["git", "-C", clone.path] + arguments, environment: environment)
                .stdoutText.trimmingCharacters(in: .newlines)
        }

        func generate(_ policy: String, on base: String) throws -> SeriesGenerator.Result {
            try SeriesGenerator().generate(
                .init(
                    policy: try templates.policy(named: policy), treePath: clone.path, base: base,
                    outputDirectory: output.path, environment: environment))
        }

        func rebase(_ series: String, onto: String) throws(KSeriesError) -> SeriesRebaser.Result {
            try SeriesRebaser().rebase(
                .init(
                    series: series, onto: onto, treePath: clone.path, outputDirectory: output.path, templates: templates,
                    environment: environment))
        }

        func importSeries(_ source: String, as name: String, policy: String? = nil) throws -> SeriesImporter.Result {
            try SeriesImporter().importSeries(
                .init(
                    source: source, treePath: clone.path, series: name,
                    policy: try policy.map { try templates.policy(named: $0) }, environment: environment))
        }

        /// `git am` of a folder's patches on `base` in a sparse work tree; the resulting tree.
        func gitAm(_ folder: String, on base: String) throws -> String {
            let patches = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                .filter { $0.hasSuffix(".patch") && !$0.hasPrefix("0000-") }.map { "\(folder)/\($0)" }
            let touched = try patches.flatMap { patch in
                try String(contentsOfFile: patch, encoding: .utf8).split(separator: "\n")
                    .filter { $0.hasPrefix("+++ b/") }.map { String($0.dropFirst(6)) }
            }
            let work = try clone.sparseWorkTree(at: base, paths: Array(Set(touched)))
            try ProcessRunner.checked(["git", "-C", work, "am", "--quiet"] + patches, environment: environment)
            return try ProcessRunner.checked(["git", "-C", work, "rev-parse", "HEAD^{tree}"]).stdoutText
                .trimmingCharacters(in: .newlines)
        }

        /// The 12-digit id of a commit, as cover letters name bases.
        func short(_ revision: String) throws -> String {
            String(try git("rev-parse", "\(revision)^{commit}").prefix(12))
        }

        /// A blob's bytes (`<rev>:<path>`).
        func blob(_ spec: String) throws -> [UInt8] {
            try ProcessRunner.checked(["git", "-C", clone.path, "show", spec], environment: environment).stdout
        }

        /// The range-diff section of a cover letter, without its title.
        func coverRangeDiff(_ cover: String) -> String? {
            guard let start = cover.range(of: "\nRange-diff against v1:\n"), let end = cover.range(of: "\nbase-commit: ") else { return nil }
            return String(cover[start.upperBound..<end.lowerBound])
        }
    }

    @Test("run-loop: v1 generated on v6.1-deb becomes v2 on v6.12-deb; its rcu_pending() patch is re-resolved, not applied as text")
    func runLoopPolicy() throws {
        let kernel = try Kernel()
        let v1 = try kernel.generate("rcu-kvm-run-loop", on: "v6.1-deb")
        let v1Cover = try String(contentsOfFile: "\(v1.directory)/0000-cover-letter.patch", encoding: .utf8)
        // As text, patch 3 does not apply to 6.12, even with one line of context (git agrees).
        let work = "\(kernel.clone.scratch.path)/apply-check"
        for arguments in [
            ["clone", "-q", "--shared", "--no-checkout", kernel.clone.path, work],
            ["-C", work, "sparse-checkout", "set", "--no-cone", "kernel/rcu/tree.c"], ["-C", work, "checkout", "-q", "--detach", "v6.12-deb"],
        ] {
            try ProcessRunner.checked(["git"] + arguments, environment: kernel.environment)
        }
        let patch3 = try #require(v1.files.first { $0.contains("/0003-") })
        let refused = try ProcessRunner.run(["git", "-C", work, "apply", "-C1", "--check", patch3], environment: kernel.environment)
        #expect(refused.status != 0)
        let hunkStart = try #require(try String(contentsOfFile: patch3, encoding: .utf8).firstMatch(of: #/\n@@ -(\d+),/#)?.1)
        #expect(refused.stderrText.contains("patch failed: kernel/rcu/tree.c:\(hunkStart)"), "\(refused.stderrText)")

        let v2 = try kernel.rebase("rcu-kvm-run-loop", onto: "v6.12-deb")
        #expect(v2.version.number == 2)
        #expect(v2.threeWayPatches.isEmpty)
        #expect(try kernel.git("rev-parse", "refs/heads/kseries/rcu-kvm-run-loop/v1") == v1.commits.last?.hex)
        #expect(try String(contentsOfFile: "\(v1.directory)/0000-cover-letter.patch", encoding: .utf8) == v1Cover)
        // The patches are what generate writes on 6.12 (in another clone) but for the version.
        let other = try Kernel()
        try withExtendedLifetime(other) {
            let onBase = try other.generate("rcu-kvm-run-loop", on: "v6.12-deb")
            let names = try FileManager.default.contentsOfDirectory(atPath: onBase.directory).filter { $0.hasPrefix("000") && !$0.hasPrefix("0000") }
            #expect(names.count == 3)
            for name in names {
                let ours = try String(contentsOfFile: "\(v2.directory)/\(name)", encoding: .utf8)
                let theirs = try String(contentsOfFile: "\(onBase.directory)/\(name)", encoding: .utf8)
                #expect(ShippedPatches.stable(ours) == ShippedPatches.stable(theirs.replacingOccurrences(of: "[RFC PATCH v1 ", with: "[RFC PATCH v2 ")), "\(name)")
            }
        }
        #expect(try kernel.gitAm(v2.directory, on: "v6.12-deb") == (try kernel.git("rev-parse", "\(v2.reference)^{tree}")))

        let cover = try String(contentsOfFile: "\(v2.directory)/0000-cover-letter.patch", encoding: .utf8)
        #expect(cover.contains("""
            Changes since v1:
            - Rebased onto v6.12-deb (\(try kernel.short("v6.12-deb"))), from v6.1-deb (\(try kernel.short("v6.1-deb"))).
            - Patch 3/3 (rcu: Ignore nohz_full CPUs in KVM's vCPU run loop): the
              same edits re-resolved on v6.12-deb, so the diff changed.

            """))
        let changeID = v2.state.changeID
        #expect(v1Cover.contains("\nchange-id: \(changeID)\n") && cover.contains("\nchange-id: \(changeID)\n"))
        try expectRangeDiffParity(kernel, cover: cover, old: "v6.1-deb..\(v1.reference)", new: "v6.12-deb..\(v2.reference)")
    }

    @Test("last-exit: v1 generated on v6.1-deb becomes v2 on v6.12-deb as a policy, and as plain patches linked to it")
    func lastExitPolicy() throws {
        let kernel = try Kernel()
        let v1 = try kernel.generate("rcu-kvm-last-exit", on: "v6.1-deb")
        let v2 = try kernel.rebase("rcu-kvm-last-exit", onto: "v6.12-deb")
        #expect(try kernel.gitAm(v2.directory, on: "v6.12-deb") == (try kernel.git("rev-parse", "\(v2.reference)^{tree}")))
        let cover = try String(contentsOfFile: "\(v2.directory)/0000-cover-letter.patch", encoding: .utf8)
        #expect(cover.contains("Changes since v1:\n- Rebased onto v6.12-deb (\(try kernel.short("v6.12-deb"))), from v6.1-deb (\(try kernel.short("v6.1-deb"))).\n"))
        try expectRangeDiffParity(kernel, cover: cover, old: "v6.1-deb..\(v1.reference)", new: "v6.12-deb..\(v2.reference)")

        // The posted v1, imported from its mails and linked to the policy that makes it.
        let posted = try kernel.importSeries("\(v1.directory)/series.mbox", as: "last-exit-posted", policy: "rcu-kvm-last-exit")
        #expect(posted.state.origin == SeriesState.Origin(kind: .policy, source: "rcu-kvm-last-exit"))
        let moved = try kernel.rebase("last-exit-posted", onto: "v6.12-deb")
        #expect(try kernel.git("rev-parse", "\(moved.reference)^{tree}") == (try kernel.git("rev-parse", "\(v2.reference)^{tree}")))
    }

    @Test("last-exit as plain patches: the hunks neither git apply nor git's three-way merge moves to 6.12 are re-anchored where the policy puts them")
    func lastExitPlainPatches() throws {
        let kernel = try Kernel()
        let v1 = try kernel.generate("rcu-kvm-last-exit", on: "v6.1-deb")
        _ = try kernel.importSeries("\(v1.directory)/series.mbox", as: "last-exit-posted")
        try #require(v1.commits.count >= 2, "\(v1.commits)")
        // git's own three-way merge of the three files conflicts.
        for (commit, file) in [(v1.commits[0], "include/linux/kvm_host.h"), (v1.commits[0], "virt/kvm/kvm_main.c"), (v1.commits[1], "kernel/rcu/tree.c")] {
            #expect(try mergeFile(kernel, ancestor: "\(commit.hex)^:\(file)", ours: "v6.12-deb:\(file)", theirs: "\(commit.hex):\(file)").status > 0)
        }

        let moved = try kernel.rebase("last-exit-posted", onto: "v6.12-deb")
        #expect(moved.reanchoredHunks == [
            "patch 1: re-anchored semantically: include/linux/kvm_host.h hunk #2",
            "patch 1: re-anchored semantically: virt/kvm/kvm_main.c hunk #1",
            "patch 2: re-anchored semantically: kernel/rcu/tree.c hunk #1",
        ])
        #expect(moved.threeWayPatches.isEmpty)
        // The tree is the one the policy makes on 6.12, and git am of the new mails makes it too.
        let policy = try kernel.rebase("rcu-kvm-last-exit", onto: "v6.12-deb")
        let tree = try kernel.git("rev-parse", "\(moved.reference)^{tree}")
        #expect(tree == (try kernel.git("rev-parse", "\(policy.reference)^{tree}")))
        #expect(try kernel.gitAm(moved.directory, on: "v6.12-deb") == tree)
    }

    @Test("run-loop as plain patches: patches 1 and 3, and patch 2's kvm_sched_in() hunk, are re-anchored on 6.12; the policy's tree")
    func runLoopPlainPatches() throws {
        let kernel = try Kernel()
        let v1 = try kernel.generate("rcu-kvm-run-loop", on: "v6.1-deb")
        _ = try kernel.importSeries("v6.1-deb..\(v1.reference)", as: "run-loop-hand")
        let moved = try kernel.rebase("run-loop-hand", onto: "v6.12-deb")
        #expect(moved.reanchoredHunks == [
            "patch 1: re-anchored semantically: include/linux/context_tracking.h hunk #1",
            "patch 1: re-anchored semantically: include/linux/context_tracking.h hunk #2",
            // 6.1's kvm_sched_in() calls kvm_arch_sched_in() where 6.12's context has none.
            "patch 2: re-anchored semantically: virt/kvm/kvm_main.c hunk #3",
            "patch 3: re-anchored semantically: kernel/rcu/tree.c hunk #1",
        ])
        #expect(moved.threeWayPatches.isEmpty)
        let policy = try kernel.rebase("rcu-kvm-run-loop", onto: "v6.12-deb")
        let tree = try kernel.git("rev-parse", "\(moved.reference)^{tree}")
        #expect(tree == (try kernel.git("rev-parse", "\(policy.reference)^{tree}")))
        #expect(try kernel.gitAm(moved.directory, on: "v6.12-deb") == tree)
    }

    @Test("a patch whose context moved on the new base is placed by the three-way merge, as git merge-file places it")
    func threeWayOnTheKernel() throws {
        let kernel = try Kernel()
        // The series generate writes on v6.12-deb, as posted, imported from its folder.
        let posted = try kernel.generate("rcu-kvm-run-loop", on: "v6.12-deb")
        _ = try kernel.importSeries(posted.directory, as: "run-loop-posted")
        // A kernel where a line two below patch 2's insertion changed.
        try kernel.clone.commit(on: "v6.12-deb", tag: "v6.12-kvm", file: "virt/kvm/kvm_main.c", message: "KVM: touch vcpu_load") {
            $0.replacingOccurrences(of: "\tkvm_arch_vcpu_load(vcpu, cpu);\n\tput_cpu();", with: "\tkvm_arch_vcpu_load(vcpu, cpu); /* here */\n\tput_cpu();")
        }
        let v2 = try kernel.rebase("run-loop-posted", onto: "v6.12-kvm")
        #expect(v2.threeWayPatches == [2])
        let original = try kernel.git("rev-parse", "refs/heads/kseries/run-loop-posted/v1~1")
        try #require(v2.version.patches.count >= 2)
        let merged = try kernel.blob("\(v2.version.patches[1].commit):virt/kvm/kvm_main.c")
        let gitMerged = try mergeFile(
            kernel, ancestor: "\(original)^:virt/kvm/kvm_main.c", ours: "v6.12-kvm:virt/kvm/kvm_main.c",
            theirs: "\(original):virt/kvm/kvm_main.c")
        #expect(gitMerged.status == 0)
        #expect(merged == gitMerged.stdout)
        #expect(try kernel.gitAm(v2.directory, on: "v6.12-kvm") == (try kernel.git("rev-parse", "\(v2.reference)^{tree}")))
        let cover = try String(contentsOfFile: "\(v2.directory)/0000-cover-letter.patch", encoding: .utf8)
        #expect(cover.contains("- Patch 2/3 (KVM: Note the vCPU run loop in context tracking): placed by\n  a three-way merge.\n"))
    }

    /// The cover letter's range-diff is `git range-diff`'s, and `git format-patch
    /// --range-diff`'s, on the same commits.
    func expectRangeDiffParity(_ kernel: Kernel, cover: String, old: String, new: String) throws {
        let ours = try #require(kernel.coverRangeDiff(cover))
        let rangeDiff = try ProcessRunner.checked(["git", "-C", kernel.clone.path, "range-diff", "--no-color", old, new], environment: kernel.environment)
        #expect(ours == rangeDiff.stdoutText)
        let formatPatch = try ProcessRunner.checked(
            ["git", "-C", kernel.clone.path, "format-patch", "--stdout", "--cover-letter", "-v2", "--range-diff=\(old)", new],
            environment: kernel.environment
        ).stdoutText
        let section = try #require(formatPatch.range(of: "\nRange-diff against v1:\n"))
        let end = try #require(formatPatch.range(of: "\n-- \n", range: section.upperBound..<formatPatch.endIndex))
        #expect(String(formatPatch[section.upperBound..<end.lowerBound]) + "\n" == ours)
    }

    /// `git merge-file -p` of three blobs (`<rev>:<path>`).
    func mergeFile(_ kernel: Kernel, ancestor: String, ours: String, theirs: String) throws -> ProcessOutput {
        var paths: [String] = []
        for (index, spec) in [ancestor, ours, theirs].enumerated() {
            let path = "\(kernel.clone.scratch.path)/merge-\(index)"
            try Data(try kernel.blob(spec)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        return try ProcessRunner.run(["git", "merge-file", "-p", paths[1], paths[0], paths[2]])
    }
}

/// `patches/examples/rcu-kvm-run-loop/v1` (generated on `v6.1-deb`) and `v2` (rebased onto
/// `v6.12-deb`) are what kseries writes, with the shipped series' fixed identity and date: the
/// same bytes on the kernels `patches/GENERATED-ON` names, the same meaning on others
/// (`ShippedPatches`); `scripts/refresh-patches` rewrites them.
@Suite("the rebase example in patches/examples is current")
struct RebaseExampleTests {
    @Test("patches/examples/rcu-kvm-run-loop/v1 and v2 are what generate and rebase write")
    func current() throws {
        let kernel = try RebaseRealKernelTests.Kernel()
        let v1 = try kernel.generate("rcu-kvm-run-loop", on: "v6.1-deb")
        let v2 = try kernel.rebase("rcu-kvm-run-loop", onto: "v6.12-deb")
        let examples = "\(ProjectLayout.root)/patches/examples/rcu-kvm-run-loop"
        let exact = try ShippedPatches.onRecordedBases(["v6.1-deb", "v6.12-deb"])
        for (version, directory, base) in [("v1", v1.directory, "v6.1-deb"), ("v2", v2.directory, "v6.12-deb")] {
            let shipped = "\(examples)/\(version)"
            try ShippedPatches.record(directory, as: shipped)
            try ShippedPatches.expectCurrent(golden: shipped, generated: directory, base: base, treePath: kernel.clone.path, exact: exact)
        }
    }
}
