import Foundation
import Testing
import TestSupport

@Suite("kseries maintainers")
struct MaintainersCommandTests {
    @Test("prints get_maintainer.pl's lines for tree files and patches, and splits To/Cc on request")
    func printsAddresses() throws {
        let clone = try KernelScratchClone()
        let file = try KSeriesBinary.run(
            ["maintainers", "--tree", clone.path, "--rev", "v6.12-deb", "kernel/rcu/tree.c"], in: clone.scratch.path,
            environment: clone.environment)
        #expect(file.status == 0, "\(file.stderrText)")
        let lines = file.stdoutText.split(separator: "\n")
        #expect(lines.first == "\"Paul E. McKenney\" <paulmck@kernel.org>")
        #expect(lines.contains("rcu@vger.kernel.org"))

        let patch = "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1/0002-KVM-Note-the-vCPU-run-loop-in-context-tracking.patch"
        let split = try KSeriesBinary.run(
            ["maintainers", "--tree", clone.path, "--rev", "v6.12-deb", "--to-cc", patch], in: clone.scratch.path,
            environment: clone.environment)
        #expect(split.stdoutText == "To: Paolo Bonzini <pbonzini@redhat.com>\nCc: kvm@vger.kernel.org\nCc: linux-kernel@vger.kernel.org\n")

        let missing = try KSeriesBinary.run(
            ["maintainers", "--tree", clone.path, "--rev", "v6.12-deb", "no/such/file.c"], in: clone.scratch.path,
            environment: clone.environment)
        #expect(missing.status != 0)
        #expect(missing.stderrText == "kseries: error: no/such/file.c: neither a file of v6.12-deb nor a readable patch file\n")
    }
}
