import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// The shipped run-loop policy, generated on the real `v6.12-deb` tree and checked with real git.
@Suite("generate on the real kernel tree")
struct RealKernelGenerateTests {
    let clone: KernelScratchClone
    let output: ScratchDirectory
    let result: SeriesGenerator.Result

    init() throws {
        clone = try KernelScratchClone()
        output = try ScratchDirectory("kseries-patches")
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop")
        result = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, outputDirectory: output.path, environment: clone.environment))
    }

    func git(_ arguments: String...) throws -> String {
        try ProcessRunner.checked(["git", "-C", clone.path] + arguments, environment: clone.environment)
            .stdoutText.trimmingCharacters(in: .newlines)
    }

    @Test("three commits on v6.12-deb, on refs/heads/kseries/rcu-kvm-run-loop/v1")
    func commitsAndRef() throws {
        #expect(result.reference == "refs/heads/kseries/rcu-kvm-run-loop/v1")
        #expect(try git("rev-parse", result.reference) == result.commits.last?.hex)
        #expect(try git("rev-list", "--reverse", "v6.12-deb..\(result.reference)").split(separator: "\n").map(String.init)
            == result.commits.map(\.hex))
        #expect(try git("diff", "--name-only", "v6.12-deb", result.reference).split(separator: "\n") == [
            "include/linux/context_tracking.h", "include/linux/context_tracking_state.h",
            "kernel/rcu/tree.c", "virt/kvm/kvm_main.c",
        ])
        let first = try #require(result.commits.first)
        #expect(try git("log", "-1", "--format=%s%n%(trailers:key=Signed-off-by,valueonly)", first.hex)
            == "context_tracking: Add helpers to note a CPU in KVM's vCPU run loop\nTest Author <author@example.org>")
    }

    @Test("the folder holds the cover letter and one format-patch file per commit")
    func layout() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: result.directory).sorted()
        #expect(result.directory == "\(output.path)/rcu-kvm-run-loop/v1")
        #expect(names == [
            "0000-cover-letter.patch",
            "0001-context_tracking-Add-helpers-to-note-a-CPU-in-KVM-s-.patch",
            "0002-KVM-Note-the-vCPU-run-loop-in-context-tracking.patch",
            "0003-rcu-Ignore-nohz_full-CPUs-in-KVM-s-vCPU-run-loop.patch",
            "series.mbox",
        ])
        let cover = String(decoding: try output.read("rcu-kvm-run-loop/v1/0000-cover-letter.patch"), as: UTF8.self)
        #expect(cover.contains("Subject: [RFC PATCH v1 0/3] Avoid waking rcuc on nohz_full CPUs in KVM's vCPU\n run loop\n"))
        #expect(cover.contains("ct_cpuidle_enter()"))
        #expect(cover.contains("base-commit: \(result.baseCommit.hex)\n"))
    }

    @Test("git am applies every patch onto v6.12-deb in order, giving the tree kseries committed")
    func gitAmApplies() throws {
        let touched = try git("diff", "--name-only", "v6.12-deb", result.reference).split(separator: "\n").map(String.init)
        let workTree = try clone.sparseWorkTree(at: "v6.12-deb", paths: touched)
        let patches = result.files.filter { !$0.hasSuffix("0000-cover-letter.patch") }
        try ProcessRunner.checked(["git", "-C", workTree, "am", "--quiet"] + patches, environment: clone.environment)
        let applied = try ProcessRunner.checked(["git", "-C", workTree, "rev-parse", "HEAD^{tree}"], environment: clone.environment)
        #expect(applied.stdoutText.trimmingCharacters(in: .newlines) == (try git("rev-parse", "\(result.reference)^{tree}")))
        let subjects = try ProcessRunner.checked(
            ["git", "-C", workTree, "log", "--format=%s", "v6.12-deb..HEAD"], environment: clone.environment)
        #expect(subjects.stdoutText.split(separator: "\n").count == 3)
    }

    @Test("every patch is byte-identical to git format-patch of the same commits (but the signature)")
    func formatPatchParity() throws {
        let gitOutput = try ScratchDirectory("git-format-patch")
        try ProcessRunner.checked(
            ["git", "-C", clone.path, "format-patch", "-q", "--cover-letter", "--subject-prefix=RFC PATCH v1",
             "--base=v6.12-deb", "--signature=kseries \(SeriesGenerator.version)", "-o", gitOutput.path,
             "v6.12-deb..\(result.reference)"],
            environment: clone.environment)
        for file in result.files {
            let name = (file as NSString).lastPathComponent
            let ours = try output.read("rcu-kvm-run-loop/v1/\(name)")
            let theirs = try gitOutput.read(name)
            if name.hasPrefix("0000") {
                // git leaves placeholders for the subject and blurb, and writes no b4 change-id;
                // the rest must match.
                let tail = { (bytes: [UInt8]) in
                    String(decoding: bytes, as: UTF8.self).components(separatedBy: "(3):\n").last?
                        .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("change-id: ") }
                }
                #expect(tail(ours) == tail(theirs))
            } else {
                #expect(ours == theirs, "\(name) differs from git format-patch")
            }
        }
    }
}
