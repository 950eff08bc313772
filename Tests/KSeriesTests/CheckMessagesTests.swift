import Apply
import Foundation
import Git
import KSeries
import Testing
import TestSupport

/// What `kseries check` says when a patch does not apply: the path once, git's words.
@Suite("check's messages for patches git refuses")
struct CheckMessagesTests {
    @Test("a failure names its path once: no 'f: f: already exists'")
    func pathOnce() throws {
        let fixture = try GitFixture()
        try fixture.commit(["f": "old\n", "tmp": "regular\n"], message: "base")
        let cases = [
            ("--- f\t1970-01-01 00:00:00.000000000 +0000\n+++ f\t2020-01-01 00:00:00.000000000 +0000\n@@ -0,0 +1 @@\n+new\n",
             "epoch.patch:1: f: already exists"),
            ("diff --git a/gone b/gone\n--- a/gone\n+++ b/gone\n@@ -1 +1 @@\n-a\n+b\n", "missing.patch:1: gone: does not exist"),
        ]
        for (patch, expected) in cases {
            let name = expected.split(separator: ":").first.map(String.init) ?? ""
            let commits = try PatchParser.parse(Array(patch.utf8), name: name)
            let reports = SeriesCheck(repository: try Repository(at: fixture.path)).check(.patches(commits, source: name), refs: ["main"])
            let verdict = try #require(reports.first?.patches.first?.verdict)
            #expect(verdict == .fails(expected))
        }
    }
}
