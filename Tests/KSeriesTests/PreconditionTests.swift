import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// Preconditions on real kernels: `vcpu->wants_to_run` came upstream in 6.11; Debian's 6.1 has it
/// as a stable backport (6.1.187), upstream v6.1.0 did not.
@Suite("preconditions on real kernel refs")
struct PreconditionTests {
    let clone: KernelScratchClone
    let policy: PolicyTemplate

    init() throws {
        clone = try KernelScratchClone()
        policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop")
        // Upstream v6.1.0's struct kvm_vcpu: no wants_to_run.
        try clone.commit(on: "v6.1-deb", tag: "v6.1-no-wants-to-run", file: "include/linux/kvm_host.h",
                         message: "KVM: struct kvm_vcpu as in v6.1.0, without wants_to_run") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("wants_to_run") }.joined(separator: "\n")
        }
    }

    func check(_ refs: [String]) throws -> [SeriesCheck.RefReport] {
        SeriesCheck(repository: try Repository(at: clone.path)).check(.policy(policy, patches: nil, patchesSource: nil), refs: refs)
    }

    @Test("the run-loop policy holds on both Debian trees")
    func holdsOnDebianTrees() throws {
        let reports = try check(["v6.12-deb", "v6.1-deb"])
        #expect(reports.map(\.isSuccess) == [true, true])
        #expect(reports.allSatisfy { $0.templateChecked && $0.templateProblem == nil })
    }

    @Test("check reports the missing member on the ref without it, and still checks the others")
    func checkReportsUnmet() throws {
        let reports = try check(["v6.1-no-wants-to-run", "no-such-ref", "v6.12-deb"])
        try #require(reports.count == 3, "\(reports)")
        #expect(reports[0].unmetPreconditions.count == 1)
        #expect(reports[0].unmetPreconditions.first?.hasPrefix(
            "precondition unmet: member wants_to_run in struct kvm_vcpu (include/linux/kvm_host.h) is missing: struct kvm_vcpu at line") == true)
        #expect(reports[0].templateChecked == false, "no edit runs when a precondition is unmet")
        #expect(reports[1].error?.contains("'no-such-ref' is not a known revision") == true)
        #expect(reports[2].isSuccess)
    }

    @Test("generate stops before any edit with the precondition error naming the ref, and writes nothing")
    func generateStops() throws {
        let output = try ScratchDirectory("kseries-patches")
        let before = try ProcessRunner.checked(["git", "-C", clone.path, "for-each-ref"]).stdoutText
        let error = #expect(throws: KSeriesError.self) {
            try SeriesGenerator().generate(
                .init(policy: policy, treePath: clone.path, base: "v6.1-no-wants-to-run", outputDirectory: output.path,
                      environment: clone.environment))
        }
        let message = error?.description ?? ""
        #expect(message.contains("policy.yaml:"))
        #expect(message.contains(": at v6.1-no-wants-to-run: precondition unmet: member wants_to_run in struct kvm_vcpu"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
        #expect(try ProcessRunner.checked(["git", "-C", clone.path, "for-each-ref"]).stdoutText == before)
    }

    @Test("the check command prints a line per ref and exits non-zero when one fails")
    func checkCommand() throws {
        let run = try KSeriesBinary.run(
            ["check", "rcu-kvm-run-loop", "--tree", clone.path, "--templates", ProjectLayout.templates,
             "--onto", "v6.12-deb,v6.1-no-wants-to-run", "-o", clone.scratch.path + "/no-patches-here"],
            in: clone.scratch.path, environment: clone.environment)
        #expect(run.status == 1)
        #expect(run.stdoutText.contains("v6.12-deb             template resolves\n"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("v6.1-no-wants-to-run  precondition unmet: member wants_to_run in struct kvm_vcpu"), "\(run.stdoutText)")
    }
}
