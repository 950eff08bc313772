import Foundation
import Testing
import TestSupport

/// `kseries import`: a hand-written series from an mbox, a folder or a revision range.
@Suite("kseries import")
struct ImportTests {
    /// The hand-written series as a posted v2: cover letter with the author's words and a
    /// b4 change-id, `[RFC PATCH v2 i/n]` subjects, `base-commit:`.
    static func postedMbox(_ setup: VersionsFixture) throws -> String {
        let path = try setup.handWrittenMbox(["--cover-letter", "-v2", "--rfc"])
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "*** SUBJECT HERE ***", with: "Demo states, tidied")
        text = text.replacingOccurrences(
            of: "*** BLURB HERE ***", with: "The demo driver's states, as the spec has them.\n\nChanges in v2:\n- Split in two.")
        text = text.replacingOccurrences(of: "\nbase-commit: ", with: "\nchange-id: 20240301-demo-states-0123456789ab\nbase-commit: ")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("an mbox from the list: applied on its base-commit with its authors; cover words, version, prefix and change-id kept")
    func fromMbox() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        let mbox = try Self.postedMbox(setup)
        let output = try setup.succeed(["import", mbox])
        #expect(output.stdoutText.contains("demo-states-tidied v2: 2 patches on base ("))
        #expect(output.stdoutText.contains("change-id 20240301-demo-states-0123456789ab"))
        let reference = "refs/heads/kseries/demo-states-tidied/v2"
        // Same trees, authors and messages as the commits the mails were made from.
        #expect(try setup.fixture.git("rev-parse", "\(reference)^{tree}") == (try setup.fixture.git("rev-parse", "hand^{tree}")))
        #expect(
            try setup.fixture.git("log", "--format=%an <%ae> %ad%n%B", "base..\(reference)")
                == (try setup.fixture.git("log", "--format=%an <%ae> %ad%n%B", "base..hand")))
        let version = try #require(try setup.versions("demo-states-tidied").first)
        #expect(version["number"] as? Int == 2)
        #expect(version["made"] as? String == "import")
        #expect(version["subjectPrefix"] as? String == "RFC PATCH")
        let cover = try #require(version["cover"] as? [String: String])
        #expect(cover["subject"] == "Demo states, tidied")
        #expect(cover["body"] == "The demo driver's states, as the spec has them.\n\nChanges in v2:\n- Split in two.")

        // The next version keeps the author's words, prefix and change-id.
        try setup.succeed(["rebase", "demo-states-tidied", "--onto", "next"])
        let next = try setup.text("patches/demo-states-tidied/v3/0000-cover-letter.patch")
        #expect(next.contains("Subject: [RFC PATCH v3 0/2] Demo states, tidied\n"))
        #expect(next.contains("The demo driver's states, as the spec has them.\n\nChanges in v2:\n- Split in two.\n\nChanges since v2:\n- Rebased onto next ("))
        #expect(next.contains("\nchange-id: 20240301-demo-states-0123456789ab\n"))

        // The same version twice is refused.
        let again = try setup.kseries(["import", mbox])
        #expect(again.status != 0)
        #expect(again.stderrText.contains("demo-states-tidied v2 exists already (import, on base)"))
    }

    @Test("a folder of patches without base-commit needs --base; a wrong base says which patch fails")
    func bases() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        let folder = "\(setup.fixture.scratch.path)/mails"
        try setup.fixture.git("format-patch", "-q", "-o", folder, "base..hand")
        let missing = try setup.kseries(["import", folder, "--series", "hand"])
        #expect(missing.status != 0)
        #expect(missing.stderrText.contains("names no base (no base-commit: line"))
        let wrong = try setup.kseries(["import", folder, "--series", "hand", "--base", "clash"])
        #expect(wrong.status != 0)
        #expect(wrong.stderrText.contains("does not apply on clash"))
        #expect(wrong.stderrText.contains("patch 1 \"demo: Start in state 2\""))
        #expect(try setup.ref("refs/kseries/series/hand") == nil)
        try setup.succeed(["import", folder, "--series", "hand", "--base", "base"])
        #expect(try setup.versions("hand").first?["baseRef"] as? String == "base")
    }

    @Test("a revision range is recorded as it is")
    func fromRange() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        try setup.succeed(["import", "base..hand", "--series", "hand"])
        #expect(try setup.ref("refs/heads/kseries/hand/v1") == (try setup.ref("hand")))
        let state = try setup.stateJSON("hand")
        #expect((state["origin"] as? [String: String]) == ["kind": "patches", "source": "base..hand"])
        let nothing = try setup.kseries(["import", "hand..base", "--series", "other"])
        #expect(nothing.stderrText.contains("selects no commits"))
    }

    @Test("--policy links patch text to the policy that makes it exactly; later versions are regenerated from it")
    func linkedToPolicy() throws {
        let setup = try VersionsFixture()
        let mbox = try postedElsewhere(setup)
        // Under the policy's name by default, so generate and rebase share the series.
        try setup.succeed(["import", mbox, "--policy", "demo"])
        #expect((try setup.stateJSON("demo")["origin"] as? [String: String]) == ["kind": "policy", "source": "demo"])
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(try setup.versions("demo").map { $0["made"] as? String } == ["import", "rebase"])

        // Patches the policy does not make are refused with the file that differs.
        try setup.handWrittenSeries()
        let other = try setup.kseries(["import", try setup.handWrittenMbox(), "--policy", "demo", "--series", "x"])
        #expect(other.status != 0)
        #expect(other.stderrText.contains("patch 1 of the import differs from what policy demo makes on base"))
        #expect(other.stderrText.contains("drivers/demo/demo.c"))
        #expect(other.stderrText.contains("--policy-changed"))
    }

    @Test("--policy-changed links a version made by an earlier form of the policy; the next version says what changed")
    func linkedToChangedPolicy() throws {
        let setup = try VersionsFixture()
        let mbox = try postedElsewhere(setup)
        // Reviewers asked for WRITE_ONCE() in patch 1: the policy changes after v1 was posted.
        try setup.fixture.scratch.write(
            "Templates/demo/policy.yaml",
            VersionsFixture.policy.replacingOccurrences(of: "d->running = true;", with: "WRITE_ONCE(d->running, true);"))
        let refused = try setup.kseries(["import", mbox, "--policy", "demo"])
        #expect(refused.status != 0)
        #expect(refused.stderrText.contains("--policy-changed"), "\(refused.stderrText)")

        let linked = try setup.succeed(["import", mbox, "--policy", "demo", "--policy-changed"])
        #expect(linked.stderrText.contains("patch 1 of the import differs from what policy demo makes on base"), "\(linked.stderrText)")
        #expect(linked.stderrText.contains("kept as made by an earlier form of the policy"))
        // Patch 2 makes the same change as before (git's patch-id), though its tree differs.
        #expect(!linked.stderrText.contains("patch 2"), "\(linked.stderrText)")
        #expect((try setup.stateJSON("demo")["origin"] as? [String: String]) == ["kind": "policy", "source": "demo"])
        try setup.succeed(["generate", "demo", "-v", "2"])
        let cover = try setup.text("patches/demo/v2/0000-cover-letter.patch")
        #expect(cover.contains("Changes since v1:\n- Patch 1/2 (demo: Note the run loop): the code changed.\n"), "\(cover)")
        #expect(cover.contains("Range-diff against v1:\n1:  "), "\(cover)")
        #expect(cover.contains(" ! 1:  "), "\(cover)")
        let without = try setup.kseries(["import", mbox, "--policy-changed", "--series", "y"])
        #expect(without.status != 0)
        #expect(without.stderrText.contains("--policy-changed needs --policy"), "\(without.stderrText)")
    }

    /// v1 of the demo policy as posted from another machine: its mbox, with nothing of it in
    /// kseries' keeping here.
    func postedElsewhere(_ setup: VersionsFixture) throws -> String {
        try setup.succeed(["generate", "demo", "-o", "posted"])
        try setup.fixture.git("update-ref", "-d", "refs/kseries/series/demo")
        try setup.fixture.git("update-ref", "-d", "refs/heads/kseries/demo/v1")
        return "\(setup.work)/posted/demo/v1/series.mbox"
    }
}
