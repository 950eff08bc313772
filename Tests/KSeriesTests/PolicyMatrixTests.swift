import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// Both shipped policies, generated on both real trees: every patch applies with `git am` and
/// gives the tree kseries committed, and the tree's own checkpatch.pl finds nothing, even with --strict.
@Suite("both policies on both real kernels")
struct PolicyMatrixTests {
    static let cases: [(policy: String, base: String)] = [
        ("rcu-kvm-run-loop", "v6.12-deb"), ("rcu-kvm-run-loop", "v6.1-deb"),
        ("rcu-kvm-last-exit", "v6.12-deb"), ("rcu-kvm-last-exit", "v6.1-deb"),
    ]

    @Test("generates, applies with git am, and passes checkpatch --strict", arguments: cases)
    func generateApplyCheck(policyName: String, base: String) throws {
        let clone = try KernelScratchClone()
        let output = try ScratchDirectory("kseries-matrix")
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: policyName)
        let result = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, base: base, outputDirectory: output.path, environment: clone.environment))
        let reference = result.reference
        func git(_ arguments: String...) throws -> String {
            try ProcessRunner.checked(["git", "-C", clone.path] + arguments, environment: clone.environment)
                .stdoutText.trimmingCharacters(in: .newlines)
        }
        let touched = try git("diff", "--name-only", base, reference).split(separator: "\n").map(String.init)
        let workTree = try clone.sparseWorkTree(at: base, paths: touched)
        let patches = result.files.filter { $0.hasSuffix(".patch") && !$0.hasSuffix("0000-cover-letter.patch") }
        try ProcessRunner.checked(["git", "-C", workTree, "am", "--quiet"] + patches, environment: clone.environment)
        let applied = try ProcessRunner.checked(["git", "-C", workTree, "rev-parse", "HEAD^{tree}"], environment: clone.environment)
        #expect(applied.stdoutText.trimmingCharacters(in: .newlines) == (try git("rev-parse", "\(reference)^{tree}")))

        let repository = try Repository(at: clone.path)
        let reports = try CheckpatchRunner(repository: repository, commit: try repository.commitID(forRevision: base), ref: base)
            .run(patchFiles: patches, touchedPaths: touched, strict: true)
        #expect(reports.count == patches.count)
        for report in reports {
            #expect(report.isClean, "\(report.patchFile): \(report.findings)")
        }
    }

    @Test("the last-exit store lands after guest exit on both trees: after the call on 6.1, after the if on 6.12")
    func storeAfterGuestExit() throws {
        let clone = try KernelScratchClone()
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-last-exit")
        let repository = try Repository(at: clone.path)
        for (base, expected) in [
            ("v6.1-deb", "\tcontext_tracking_guest_exit();\n\n\t/* Keeps track of last guest exit */\n\tthis_cpu_write(kvm_last_guest_exit, jiffies);\n}\n"),
            ("v6.12-deb", "\t\tinstrumentation_end();\n\t}\n\n\t/* Keeps track of last guest exit */\n\tthis_cpu_write(kvm_last_guest_exit, jiffies);\n}\n"),
        ] {
            let edited = try SeriesBuilder(repository: repository)
                .edit(policy: policy, base: try repository.commitID(forRevision: base), ref: base)
            let first = try #require(edited.first, "\(base)")
            let header = first.files.first { $0.path == "include/linux/kvm_host.h" }
            let text = String(decoding: header?.contents ?? [], as: UTF8.self)
            #expect(text.contains(expected), "\(base)")
        }
    }
}
