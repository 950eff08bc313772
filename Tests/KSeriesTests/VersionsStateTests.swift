import Foundation
import Testing
import TestSupport

/// The versions of a series and their state: recorded by generate, readable with plain git,
/// one b4 change-id for all versions, and the author's notes kept across regenerations.
@Suite("series versions and their state")
struct VersionsStateTests {
    @Test("generate records v1 on refs/kseries/series/<name>, readable with git show, and writes b4's change-id")
    func generateRecords() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let state = try setup.stateJSON("demo")
        #expect(state["name"] as? String == "demo")
        #expect((state["origin"] as? [String: String]) == ["kind": "policy", "source": "demo"])
        let changeID = try #require(state["changeID"] as? String)
        // b4 0.12: <yyyymmdd>-<slug>-<12 hex>; the date is the committer's (GIT_COMMITTER_DATE 1700000000).
        #expect(changeID.wholeMatch(of: /20231114-demo-[0-9a-f]{12}/) != nil, "\(changeID)")
        let versions = try setup.versions("demo")
        try #require(versions.count == 1)
        let patches = try #require(versions[0]["patches"] as? [[String: Any]])
        #expect(patches.map { $0["subject"] as? String } == ["demo: Note the run loop", "demo: Note the stop"])
        #expect(patches.map { $0["key"] as? String } == ["demo-note-the-run-loop", "demo-note-the-stop"])
        #expect(patches.last?["commit"] as? String == (try setup.ref("refs/heads/kseries/demo/v1")))
        let main = try #require(try setup.ref("main"))
        #expect(try setup.fixture.git("log", "--format=%s", "refs/kseries/series/demo") == "kseries generate demo: v1 on main (\(main.prefix(12)))")

        // b4's format: change-id right after base-commit at the end of the cover letter.
        let cover = try setup.text("patches/demo/v1/0000-cover-letter.patch")
        #expect(cover.hasSuffix("\nbase-commit: \(main)\nchange-id: \(changeID)\n-- \nkseries 0.1.0\n\n"))
        #expect(try setup.text("patches/demo/v1/series.mbox").contains("\nchange-id: \(changeID)\n"))

        // A regeneration keeps it; a later version too.
        try setup.succeed(["generate", "demo"])
        try setup.succeed(["generate", "demo", "-v", "2", "--base", "next"])
        #expect(try setup.stateJSON("demo")["changeID"] as? String == changeID)
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains("\nchange-id: \(changeID)\n"))
        #expect(try setup.versions("demo").map { $0["made"] as? String } == ["generate", "generate"])
        #expect(try setup.fixture.git("log", "--format=%s", "refs/kseries/series/demo").split(separator: "\n").count == 3)
    }

    @Test("b4 reads the series' change-id, base and revision from the mailbox kseries writes")
    func b4ReadsIt() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        let script = """
            import b4, mailbox, logging, sys
            b4.logger.setLevel(logging.CRITICAL)
            lmbx = b4.LoreMailbox()
            for msg in mailbox.mbox(sys.argv[1]):
                lmbx.add_message(msg)
            lser = lmbx.get_series()
            print(lser.revision, lser.change_id, lser.base_commit, lser.expected, lser.complete)
            """
        let output = try ProcessRunner.checked(
            ["/usr/bin/python3", "-c", script, "\(setup.work)/patches/demo/v2/series.mbox"])
        let changeID = try #require(setup.stateJSON("demo")["changeID"] as? String)
        let next = try #require(try setup.ref("next"))
        #expect(output.stdoutText == "2 \(changeID) \(next) 2 True\n")
    }

    @Test("notes open the changes section of their version, are kept across regenerations, and rewrite its mails")
    func notes() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        // Notes may be written before the version exists.
        let early = try setup.succeed(["notes", "demo", "-v", "2", "--set", "- Moved the flag after the CPU.\n- Asked Jane about the stop."])
        #expect(early.stderrText.contains("v2 is not made yet: its cover letter gets these notes when it is"))
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        let expected = "Changes since v1:\n- Moved the flag after the CPU.\n- Asked Jane about the stop.\n- Rebased onto next ("
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains(expected))
        // Regenerating v2 keeps them.
        try setup.succeed(["generate", "demo", "-v", "2", "--base", "next"])
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains(expected))
        // Changing them rewrites v2's mails at once.
        try setup.fixture.scratch.write("notes.txt", "- Only this now.\n")
        let set = try setup.succeed(["notes", "demo", "-v", "2", "--file", "\(setup.fixture.scratch.path)/notes.txt"])
        #expect(set.stdoutText.contains("rewrote the mails of demo v2 in"))
        let cover = try setup.text("patches/demo/v2/0000-cover-letter.patch")
        #expect(cover.contains("Changes since v1:\n- Only this now.\n- Rebased onto next ("))
        #expect(!cover.contains("Asked Jane"))
        #expect(try setup.text("patches/demo/v2/series.mbox").contains("- Only this now.\n"))
        #expect(try setup.succeed(["notes", "demo", "-v", "2"]).stdoutText == "- Only this now.\n")
        // v3's cover letter keeps v2's section under its own.
        try setup.succeed(["rebase", "demo", "--onto", "base"])
        let third = try setup.text("patches/demo/v3/0000-cover-letter.patch")
        #expect(third.contains("Changes since v2:\n- Rebased onto base ("))
        #expect(third.contains("\n\nChanges since v1:\n- Only this now.\n"))
        #expect(third.contains("Range-diff against v2:\n"))
        #expect(!third.contains("Range-diff against v1:\n"))
    }

    @Test("notes written as plain prose become changelog items, one per paragraph, wrapped at 72 columns")
    func proseNotes() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        try setup.succeed([
            "notes", "demo", "-v", "2", "--set",
            "Follow a preempted or migrated vCPU task in kvm_sched_out() and kvm_sched_in(), as Sean asked.\n\nReworded patch 2.",
        ])
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains("""
            Changes since v1:
            - Follow a preempted or migrated vCPU task in kvm_sched_out() and
              kvm_sched_in(), as Sean asked.
            - Reworded patch 2.
            - Rebased onto next (
            """))
    }

    @Test("versions lists the series and the versions of one")
    func versionsCommand() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        let all = try setup.succeed(["versions"])
        #expect(all.stdoutText == "demo  policy demo  v2 on next\n")
        let one = try setup.succeed(["versions", "demo"]).stdoutText
        #expect(one.contains("  v1  generate  on main ("))
        #expect(one.contains("  v2  rebase  on next ("))
        #expect(one.contains("      2/2 demo: Note the stop\n"))
    }

    @Test("a series made from a policy and one imported under the same name do not mix")
    func originsDoNotMix() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        try setup.succeed(["import", "base..hand", "--series", "demo"])
        let output = try setup.kseries(["generate", "demo"])
        #expect(output.status != 0)
        #expect(output.stderrText.contains("'demo' is a series imported from base..hand, not made from a policy"))
    }
}
