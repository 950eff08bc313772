import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// `kseries check` on the real trees: the run-loop series as generate writes it on this tree's
/// v6.12-deb, as text and as a policy.
@Suite("check a series against many kernels")
struct SeriesCheckTests {
    let clone: KernelScratchClone
    /// The folder holding `rcu-kvm-run-loop/v1`, and that series' folder.
    let output: String
    let series: String

    init() throws {
        clone = try KernelScratchClone()
        output = "\(clone.scratch.path)/patches"
        var environment = clone.environment
        for (key, value) in ShippedSeriesTests.identity { environment[key] = value }
        series = try SeriesGenerator().generate(
            .init(
                policy: try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop"),
                treePath: clone.path, outputDirectory: output, environment: environment)
        ).directory
    }

    func kseries(_ arguments: [String]) throws -> ProcessOutput {
        var environment = clone.environment
        environment["NO_COLOR"] = "1"
        return try KSeriesBinary.run(arguments + ["--tree", clone.path, "--templates", ProjectLayout.templates],
                                     in: clone.scratch.path, environment: environment)
    }

    @Test("the patches apply cleanly on v6.12-deb; on v6.1-deb the first fails and the later ones are still tried, as git apply tries them")
    func patchesAsText() throws {
        let reports = SeriesCheck(repository: try Repository(at: clone.path))
            .check(.patches(try SeriesCheck.readPatches(at: series), source: series), refs: ["v6.12-deb", "v6.1-deb"])
        try #require(reports.count == 2 && reports.allSatisfy { $0.patches.count == 3 }, "\(reports)")
        #expect(reports[0].patches.map(\.verdict) == [.clean, .clean, .clean])
        #expect(reports[0].patches.allSatisfy { !$0.afterFailure })
        #expect(reports[0].isSuccess)
        guard case .fails(let why) = reports[1].patches[0].verdict else {
            Issue.record("patch 1 should fail on v6.1-deb: \(reports[1].patches)")
            return
        }
        #expect(why.contains("include/linux/context_tracking.h"))
        #expect(reports[1].patches.map(\.afterFailure) == [false, true, true])
        // Patch 2 touches other files than patch 1: tried on 6.1 as patch 1 left it, that is
        // as the base has it. git apply --check of patch 2 alone on 6.1 gives the same verdict.
        let work = try clone.sparseWorkTree(at: "v6.1-deb", paths: ["virt/kvm/kvm_main.c", "kernel/rcu/tree.c"])
        for (index, name) in try FileManager.default.contentsOfDirectory(atPath: series).filter({ $0.hasSuffix(".patch") && !$0.hasPrefix("0000") }).sorted().enumerated().dropFirst() {
            let git = try ProcessRunner.run(["git", "-C", work, "apply", "--check", "\(series)/\(name)"], environment: clone.environment)
            let ours = reports[1].patches[index].verdict
            let applies: Bool = if case .fails = ours { false } else { true }
            #expect(applies == (git.status == 0), "patch \(index + 1): git apply says \(git.stderrText)")
        }
    }

    @Test("the policy still resolves on v6.1-deb where its 6.12 patch text does not apply")
    func policyResolvesWhereTextFails() throws {
        let run = try kseries(["check", "rcu-kvm-run-loop", "--onto", "v6.12-deb,v6.1-deb", "-o", output, "--json"])
        #expect(run.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any]
        let refs = json?["refs"] as? [[String: Any]] ?? []
        #expect(refs.map { $0["ref"] as? String } == ["v6.12-deb", "v6.1-deb"])
        #expect(refs.map { $0["templateResolves"] as? Bool } == [true, true])
        #expect(refs.map { $0["ok"] as? Bool } == [true, false])
        let verdicts = (refs.last?["patches"] as? [[String: Any]] ?? []).map { $0["verdict"] as? String }
        #expect(verdicts == ["fails", "fails", "fails"])
        // 6.12's and 6.1's checkpatch.pl differ: each runs on each patch, in patch order.
        let checkpatch = json?["checkpatch"] as? [[String: Any]] ?? []
        #expect(checkpatch.map { $0["refs"] as? [String] ?? [] } == Array(repeating: [["v6.12-deb"], ["v6.1-deb"]], count: 3).flatMap { $0 })
        let files = checkpatch.map { ($0["file"] as? String).map { ($0 as NSString).lastPathComponent } ?? "" }
        #expect(files.count == 6 && files[0] == files[1] && files[2] == files[3] && files[4] == files[5] && Set(files).count == 3)
        #expect(checkpatch.allSatisfy { $0["errors"] as? Int == 0 && $0["warnings"] as? Int == 0 }, "checkpatch: \(checkpatch)")
    }

    @Test("refs with the same checkpatch files share one run per patch")
    func sameCheckpatchSharesARun() throws {
        let run = try kseries(["check", series, "--onto", "v6.12-deb,v6.12-deb^{commit}", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any]
        let checkpatch = json?["checkpatch"] as? [[String: Any]] ?? []
        #expect(checkpatch.count == 3)
        #expect(checkpatch.allSatisfy { $0["refs"] as? [String] == ["v6.12-deb", "v6.12-deb^{commit}"] }, "checkpatch: \(checkpatch)")
    }

    @Test("--json: schema 2, plain slashes, each failure as fields next to its text, verdicts after a failure marked")
    func jsonForCI() throws {
        let run = try kseries(["check", series, "--onto", "v6.1-deb", "--json", "--no-checkpatch"])
        #expect(run.status == 1)
        #expect(!run.stdoutText.contains("\\/"), "slashes must not be escaped")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        #expect(json["schema"] as? Int == 2)
        let ref = try #require((json["refs"] as? [[String: Any]])?.first)
        let patches = try #require(ref["patches"] as? [[String: Any]])
        try #require(patches.count == 3)
        #expect(patches.map { $0["afterFailure"] as? Bool } == [false, true, true])
        let failure = try #require((patches[0]["failures"] as? [[String: Any]])?.first)
        #expect(failure["file"] as? String == "include/linux/context_tracking.h")
        #expect(failure["hunk"] as? Int == 1)
        #expect((failure["patchFile"] as? String)?.hasSuffix("0001-context_tracking-Add-helpers-to-note-a-CPU-in-KVM-s-.patch") == true)
        for key in ["line", "patchLine", "nearestLine", "matchingLines", "totalLines"] {
            #expect(failure[key] is Int, "\(key) in \(failure)")
        }
        #expect((failure["message"] as? String)?.contains("does not apply at or near line") == true)
        // The structured fields say what the text says.
        let message = try #require(failure["message"] as? String)
        #expect(message.contains("nearest: line \(failure["nearestLine"] as? Int ?? -1) matches \(failure["matchingLines"] as? Int ?? -1) of"))
    }

    @Test("a table on a terminal, one row per patch; globs expand to matching tags")
    func tableAndGlobs() throws {
        let run = try kseries(["check", series, "--onto", "v6.1*"])
        #expect(run.status == 1)
        #expect(run.stdoutText.hasPrefix("v6.1-deb   FAILS"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("\nv6.12-deb  applies           1/3 context_tracking: Add helpers"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("checkpatch: 0 errors, 0 warnings, 0 checks  0001-context_tracking"))
    }

    @Test("every conflict at once: the patches after a failure are tried and marked; a glob that matches nothing is an error")
    func afterFailureAndEmptyGlob() throws {
        let run = try kseries(["check", series, "--onto", "v6.1-deb", "--no-checkpatch"])
        #expect(run.status == 1)
        #expect(run.stdoutText.contains("2/3 KVM: Note the vCPU run loop in context tracking  (after a failure)"), "\(run.stdoutText)")
        #expect(!run.stdoutText.contains("not attempted"), "\(run.stdoutText)")

        let typo = try kseries(["check", series, "--onto", "v6.12-dbe*", "--no-checkpatch"])
        #expect(typo.status != 0)
        #expect(typo.stderrText.contains("'v6.12-dbe*' matches no tag or branch of"), "\(typo.stderrText)")
        #expect(typo.stdoutText.isEmpty)
    }

    @Test("an unknown ref among several is reported and the others still checked")
    func unknownRefAmongOthers() throws {
        let run = try kseries(["check", series, "--onto", "v6.12-deb,v9.9-nope", "--no-checkpatch"])
        #expect(run.status == 1)
        #expect(run.stdoutText.contains("v9.9-nope  error: 'v9.9-nope' is not a known revision"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("v6.12-deb  applies"))
    }

    @Test(
        "bad patch input is refused with the file and line",
        arguments: [
            ("not-a-patch.txt", "hello, this is not a patch\n", "not-a-patch.txt"),
            ("truncated.patch", "diff --git a/kernel/rcu/tree.c b/kernel/rcu/tree.c\n--- a/kernel/rcu/tree.c\n+++ b/kernel/rcu/tree.c\n@@ -1,3 +1,4 @@\n line\n+new\n", "truncated.patch:7: truncated hunk \"@@ -1,3 +1,4 @@\" (line 4)"),
            ("outside.patch", "diff --git a/../etc/passwd b/../etc/passwd\n--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n", "outside.patch:1"),
        ])
    func badInput(name: String, contents: String, expected: String) throws {
        try clone.scratch.write(name, contents)
        let run = try kseries(["check", "\(clone.scratch.path)/\(name)", "--onto", "v6.12-deb"])
        #expect(run.status != 0)
        #expect(run.stderrText.hasPrefix("kseries: error: "), "\(run.stderrText)")
        #expect(run.stderrText.contains(expected), "\(run.stderrText)")
    }

    @Test("an mbox holding only a cover letter is refused")
    func coverLetterOnly() throws {
        let cover = try String(contentsOfFile: "\(series)/0000-cover-letter.patch", encoding: .utf8)
        try clone.scratch.write("cover.mbox", cover)
        let run = try kseries(["check", "\(clone.scratch.path)/cover.mbox", "--onto", "v6.12-deb"])
        #expect(run.status != 0)
        #expect(run.stderrText.contains("cover"), "\(run.stderrText)")
    }
}
