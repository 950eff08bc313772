import Foundation
import Testing
import TestSupport

/// `scripts/install`: the layout a system install gets, used from a folder outside the checkout
/// with the binary found on `PATH`, as a user runs it.
@Suite("scripts/install")
struct InstallTests {
    @Test("the installed kseries finds its templates from its prefix, from any folder; completions are installed")
    func installedLayout() throws {
        let clone = try KernelScratchClone()
        let prefix = "\(clone.scratch.path)/prefix"
        let install = try ProcessRunner.run(
            ["\(ProjectLayout.root)/scripts/install", "--prefix", prefix, "--no-build", "--binary", KSeriesBinary.path],
            in: clone.scratch.path)
        #expect(install.status == 0, "\(install.stderrText)")
        for file in [
            "bin/kseries", "share/kseries/Templates/rcu-kvm-run-loop/policy.yaml", "share/kseries/Templates/README.md",
            "share/bash-completion/completions/kseries", "share/zsh/site-functions/_kseries",
            "share/fish/vendor_completions.d/kseries.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(prefix)/\(file)"), "\(file) is not installed")
        }
        let bash = try String(contentsOfFile: "\(prefix)/share/bash-completion/completions/kseries", encoding: .utf8)
        #expect(bash.contains("generate") && bash.contains("check"))

        // Elsewhere: no Templates folder around, no KSERIES_TEMPLATES, the binary by name on PATH.
        let elsewhere = "\(clone.scratch.path)/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        var environment = clone.environment
        environment["KSERIES_TEMPLATES"] = nil
        environment["PATH"] = "\(prefix)/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        let generate = try ProcessRunner.run(
            ["kseries", "generate", "rcu-kvm-run-loop", "--tree", clone.path, "-o", "out"], in: elsewhere, environment: environment)
        #expect(generate.status == 0, "\(generate.stderrText)")
        #expect(FileManager.default.fileExists(atPath: "\(elsewhere)/out/rcu-kvm-run-loop/v1/0000-cover-letter.patch"))
    }
}
