import Foundation
import Git
@testable import KSeries
import Testing
import TestSupport

/// checkpatch runs on several patches per perl (CheckpatchRunner): what it says about each
/// patch must be what it says about that patch alone.
@Suite("checkpatch on several patches at once")
struct CheckpatchRunnerTests {
    /// A patch to virt/kvm/kvm_main.c with style problems (trailing whitespace, a C99
    /// comment, a line over 100 columns, a missing Signed-off-by), made on `base`'s text.
    static func untidyPatch(repository: Repository, base: ObjectID) throws -> String {
        let text = String(decoding: try repository.file(at: "virt/kvm/kvm_main.c", inCommit: base).contents, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let anchor = try #require(lines.firstIndex { $0.hasPrefix("void vcpu_put(struct kvm_vcpu *vcpu)") })
        let context = lines[(anchor)...(anchor + 2)].map { " " + $0 }.joined(separator: "\n")
        return """
            From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
            From: A U Thor <author@example.org>
            Date: Mon, 1 Dec 2025 10:00:00 +0000
            Subject: [PATCH] KVM: an untidy change

            This change is untidy on purpose.
            ---
             virt/kvm/kvm_main.c | 2 ++
             1 file changed, 2 insertions(+)

            diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c
            --- a/virt/kvm/kvm_main.c
            +++ b/virt/kvm/kvm_main.c
            @@ -\(anchor + 1),3 +\(anchor + 1),5 @@
            \(context)
            +\tint untidy = 1; // \(String(repeating: "a very long comment ", count: 6))\u{20}
            +\t(void)untidy;
            --\u{20}
            2.39.5

            """
    }

    @Test("each patch's report is the report of a run on that patch alone, on 6.12 and 6.1")
    func togetherIsAlone() throws {
        let clone = try KernelScratchClone()
        let repository = try Repository(at: clone.path)
        let folder = try ScratchDirectory("kseries-checkpatch")
        let shipped = try FileManager.default.contentsOfDirectory(atPath: "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1")
            .filter { $0.hasSuffix(".patch") && !$0.hasPrefix("0000-") }.sorted()
            .map { "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1/\($0)" }
        try #require(shipped.count == 3)
        let base = try repository.commitID(forRevision: "v6.12-deb")
        let untidy = "\(folder.path)/0004-untidy.patch"
        try Self.untidyPatch(repository: repository, base: base).write(toFile: untidy, atomically: true, encoding: .utf8)
        let patches = shipped + [untidy]
        let touched = ["include/linux/context_tracking.h", "include/linux/context_tracking_state.h", "kernel/rcu/tree.c", "virt/kvm/kvm_main.c"]

        let refs = try ["v6.12-deb", "v6.1-deb"].map { (name: $0, commit: try repository.commitID(forRevision: $0)) }
        let together = try CheckpatchRunner(repository: repository, refs: refs).runEach(patchFiles: patches, touchedPaths: touched)
        #expect(together.notes.isEmpty)
        #expect(together.reports.map(\.refs) == Array(repeating: [["v6.12-deb"], ["v6.1-deb"]], count: 4).flatMap { $0 })
        #expect(together.reports.map(\.patchFile) == patches.flatMap { [$0, $0] })

        for (index, report) in together.reports.enumerated() {
            let ref = refs[index % 2]
            let alone = try #require(
                try CheckpatchRunner(repository: repository, commit: ref.commit, ref: ref.name)
                    .run(patchFiles: [report.patchFile], touchedPaths: touched).first)
            let counts: [Int] = [report.errors, report.warnings, report.checks]
            let countsAlone: [Int] = [alone.errors, alone.warnings, alone.checks]
            #expect(counts == countsAlone, "\(report.patchFile) on \(ref.name)")
            #expect(report.findings == alone.findings, "\(report.patchFile) on \(ref.name)")
        }
        // The runs did share a perl: checkpatch's own output on the four has the headings split reads.
        let runner = CheckpatchRunner(repository: repository, refs: refs)
        let root = try runner.extract(CheckpatchRunner.scriptFiles + touched, at: refs[0].commit)
        defer { try? FileManager.default.removeItem(at: root) }
        let perl = try #require(CheckpatchRunner.which("perl"))
        let output = try CheckpatchRunner.checkpatch(patches, perl: perl, root: root, strict: false)
        #expect(CheckpatchRunner.split(output, files: patches)?.count == 4)
        let untidyReport = try #require(together.reports.last)
        #expect(untidyReport.errors > 0 && untidyReport.warnings > 0, "\(untidyReport.output)")
    }

    @Test("patches are split into runs of consecutive patches, about one per core and version")
    func chunks() {
        #expect(CheckpatchRunner.chunks(patchCount: 3, versions: 1, cores: 2) == [0..<1, 1..<3])
        #expect(CheckpatchRunner.chunks(patchCount: 3, versions: 2, cores: 2) == [0..<3])
        #expect(CheckpatchRunner.chunks(patchCount: 2, versions: 1, cores: 8) == [0..<1, 1..<2])
        #expect(CheckpatchRunner.chunks(patchCount: 10, versions: 3, cores: 8) == [0..<3, 3..<6, 6..<10])
        #expect(CheckpatchRunner.chunks(patchCount: 0, versions: 1, cores: 2).isEmpty)
    }

    @Test("a run's output is split at each file's heading; without the headings it is not split")
    func split() {
        let output = "-----\n/a.patch\n-----\nWARNING: x\ntotal: 0 errors, 1 warnings\n---------\n/b/c.patch\n---------\ntotal: 0 errors, 0 warnings\n"
        #expect(CheckpatchRunner.split(output, files: ["/a.patch", "/b/c.patch"])
            == ["WARNING: x\ntotal: 0 errors, 1 warnings", "total: 0 errors, 0 warnings\n"])
        #expect(CheckpatchRunner.split("total: 0 errors\n", files: ["/a.patch", "/b.patch"]) == nil)
        #expect(CheckpatchRunner.split(output, files: ["/b/c.patch", "/a.patch"]) == nil)
    }
}
