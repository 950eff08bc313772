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

    @Test("the run-loop policy holds on both Debian trees")
    func holdsOnDebianTrees() throws {
        let results = try PolicyCheck().check(policy, treePath: clone.path, refs: ["v6.12-deb", "v6.1-deb"])
        #expect(results.map(\.verdict.isSuccess) == [true, true])
    }

    @Test("check reports the missing member on the ref without it, and still checks the others")
    func checkReportsUnmet() throws {
        let results = try PolicyCheck().check(policy, treePath: clone.path, refs: ["v6.1-no-wants-to-run", "no-such-ref", "v6.12-deb"])
        guard case .preconditionsUnmet(let unmet) = results[0].verdict else {
            Issue.record("expected an unmet precondition, got \(results[0].verdict)")
            return
        }
        #expect(unmet.count == 1)
        #expect(unmet.first?.description.hasPrefix(
            "precondition unmet: member wants_to_run in struct kvm_vcpu (include/linux/kvm_host.h) is missing: struct kvm_vcpu at line") == true)
        guard case .fails(let error) = results[1].verdict else {
            Issue.record("expected the unknown ref to fail")
            return
        }
        #expect(error.description.contains("'no-such-ref' is not a known revision"))
        #expect(results[2].verdict.isSuccess)
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
             "--onto", "v6.12-deb,v6.1-no-wants-to-run"],
            in: clone.scratch.path, environment: clone.environment)
        #expect(run.status == 1)
        #expect(run.stdoutText.contains("v6.12-deb             ok: preconditions hold, 3 patches resolve\n"))
        #expect(run.stdoutText.contains("v6.1-no-wants-to-run  precondition unmet\n"))
    }
}
