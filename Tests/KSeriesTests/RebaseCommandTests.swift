import Foundation
import Testing
import TestSupport

/// `kseries rebase` end to end on a small repository: policy series and hand-written ones,
/// offsets and three-way merges, refusals that write nothing, races and interrupted runs.
@Suite("kseries rebase, end to end")
struct RebaseCommandTests {
    @Test("a policy series moves to a new ref as v2: v1 untouched, v2 recorded, the cover letter says what changed")
    func policySeries() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let v1 = try setup.ref("refs/heads/kseries/demo/v1")
        let v1Cover = try setup.text("patches/demo/v1/0000-cover-letter.patch")

        let output = try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(output.stdoutText.contains("refs/heads/kseries/demo/v2 "))
        #expect(output.stdoutText.contains("v1 -> v2 on next"))
        #expect(try setup.ref("refs/heads/kseries/demo/v1") == v1)
        #expect(try setup.text("patches/demo/v1/0000-cover-letter.patch") == v1Cover)
        #expect(try setup.fixture.git("merge-base", "--is-ancestor", "next", "refs/heads/kseries/demo/v2").isEmpty)

        let versions = try setup.versions("demo")
        #expect(versions.map { $0["number"] as? Int } == [1, 2])
        try #require(versions.count == 2)
        #expect(versions[1]["baseRef"] as? String == "next")
        #expect(versions[1]["made"] as? String == "rebase")
        let cover = try setup.text("patches/demo/v2/0000-cover-letter.patch")
        #expect(cover.contains("Subject: [RFC PATCH v2 0/2] Demo run state"))
        #expect(cover.contains("Changes since v1:\n- Rebased onto next ("))
        #expect(cover.contains("\nRange-diff against v1:\n1:  "))
        let changeID = try #require(setup.stateJSON("demo")["changeID"] as? String)
        #expect(v1Cover.contains("\nchange-id: \(changeID)\n"))
        #expect(cover.contains("\nchange-id: \(changeID)\n"))
        // A third version follows the second.
        try setup.succeed(["rebase", "demo", "--onto", "base"])
        #expect(try setup.versions("demo").count == 3)
        #expect(try setup.text("patches/demo/v3/0000-cover-letter.patch").contains("Changes since v2:"))
    }

    @Test("a ref where a template anchor no longer resolves: a clear error, v1 untouched, nothing half-written")
    func templateNoLongerResolves() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let before = try setup.snapshot()
        let output = try setup.kseries(["rebase", "demo", "--onto", "broken"])
        #expect(output.status != 0)
        #expect(output.stderrText.hasPrefix("kseries: error: "))
        for expected in ["policy.yaml:", "at broken", "drivers/demo/demo.c", "demo_run", "int cpu = get_cpu();"] {
            #expect(output.stderrText.contains(expected), "stderr lacks \(expected): \(output.stderrText)")
        }
        #expect(output.stdoutText.isEmpty)
        #expect(try setup.snapshot() == before)
    }

    @Test("a hand-written series moves with offsets; a patch whose context changed is merged three ways and named")
    func handWrittenSeries() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        try setup.succeed(["import", try setup.handWrittenMbox(), "--series", "hand"])

        let moved = try setup.succeed(["rebase", "hand", "--onto", "next"])
        #expect(moved.stdoutText.contains("patch 1/2 applied with an offset of 5 lines"))
        #expect(!moved.stdoutText.contains("three-way"))

        let merged = try setup.succeed(["rebase", "hand", "--onto", "close", "-v", "3"])
        #expect(merged.stdoutText.contains("patch 1/2 needed a three-way merge: demo: Start in state 2"))
        let file = try setup.fixture.git("show", "refs/heads/kseries/hand/v3:drivers/demo/demo.c")
        #expect(file.contains("\td->cpu = cpu + 0;\n\td->count++;\n\td->state = 2;\n"))
        #expect(file.contains("\td->count = -1;\n"))
        let versions = try setup.versions("hand")
        #expect(versions.last?["threeWayPatches"] as? [Int] == [1])
        let cover = try setup.text("patches/hand/v3/0000-cover-letter.patch")
        #expect(cover.contains("Patch 1/2 (demo: Start in state 2): placed by a three-way merge."))
        // The mails apply with git am where kseries put them.
        let work = "\(setup.fixture.scratch.path)/am"
        try ProcessRunner.checked(["git", "clone", "-q", setup.fixture.path, work], environment: setup.fixture.environment)
        try ProcessRunner.checked(["git", "-C", work, "checkout", "-q", "--detach", "close"], environment: setup.fixture.environment)
        let mails = try FileManager.default.contentsOfDirectory(atPath: "\(setup.work)/patches/hand/v3").sorted()
            .filter { $0.hasSuffix(".patch") && !$0.hasPrefix("0000") }.map { "\(setup.work)/patches/hand/v3/\($0)" }
        try ProcessRunner.checked(["git", "-C", work, "am", "-q"] + mails, environment: setup.fixture.environment)
        #expect(
            try ProcessRunner.checked(["git", "-C", work, "rev-parse", "HEAD^{tree}"]).stdoutText
                == (try ProcessRunner.checked(["git", "-C", setup.fixture.path, "rev-parse", "refs/heads/kseries/hand/v3^{tree}"]).stdoutText))
    }

    @Test("an empty commit stays in the series, empty (libgit2's rebase would drop it)")
    func emptyCommit() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        try setup.fixture.git("checkout", "-q", "hand")
        try setup.fixture.git("commit", "-q", "--allow-empty", "-m", "demo: A note for the reviewers")
        try setup.fixture.git("checkout", "-q", "main")
        try setup.succeed(["import", "base..hand", "--series", "hand"])
        try setup.succeed(["rebase", "hand", "--onto", "next"])
        let subjects = try setup.fixture.git("log", "--reverse", "--format=%s", "next..refs/heads/kseries/hand/v2")
        #expect(subjects == "demo: Start in state 2\ndemo: Mark the count unused\ndemo: A note for the reviewers")
        #expect(try setup.fixture.git("diff", "refs/heads/kseries/hand/v2~1", "refs/heads/kseries/hand/v2").isEmpty)
        // git format-patch leaves an empty file for it; so does kseries.
        #expect(try setup.text("patches/hand/v2/0003-demo-A-note-for-the-reviewers.patch").isEmpty)
    }

    @Test("a patch that neither applies nor merges: every failing hunk with file, line and near miss; nothing written")
    func doesNotApply() throws {
        let setup = try VersionsFixture()
        try setup.handWrittenSeries()
        try setup.succeed(["import", "base..hand", "--series", "hand"])
        let before = try setup.snapshot()
        let output = try setup.kseries(["rebase", "hand", "--onto", "clash"])
        #expect(output.status != 0)
        let error = output.stderrText
        #expect(error.hasPrefix("kseries: error: hand v1 does not rebase onto clash: 1 of 2 patches"))
        #expect(error.contains("v1 is untouched and nothing was written"))
        #expect(error.contains("patch 1 \"demo: Start in state 2\" does not apply:"))
        #expect(error.contains("drivers/demo/demo.c:11: hunk #1 (@@ -11,7 +11,7 @@ int demo_run(struct demo *d)) does not apply; nearest: line 11 matches 6 of 7 lines; hunk line 4 differs"))
        #expect(error.contains("expected \"\td->state = 1;\", found \"\td->state = 3;\""))
        #expect(error.contains("three-way merge: drivers/demo/demo.c: conflicts with the new base at line"))
        #expect(!error.contains("patch 2 "))
        #expect(try setup.snapshot() == before)
    }

    @Test("the state moved between read and write: the run refuses and puts everything back")
    func stateMovedMeanwhile() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        // A second kseries holds the first at the moment before it writes, and records notes.
        var environment = setup.fixture.environment
        let hold = "\(setup.fixture.scratch.path)/hold"
        try FileManager.default.createDirectory(atPath: hold, withIntermediateDirectories: true)
        environment["KSERIES_TEST_HOLD"] = hold
        let holding = environment
        nonisolated(unsafe) var first: ProcessOutput?
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            first = try? setup.kseries(["rebase", "demo", "--onto", "next"], environment: holding)
            group.leave()
        }
        try waitForFiles(in: hold, count: 1)
        try setup.succeed(["notes", "demo", "-v", "2", "--set", "- Meanwhile."])
        FileManager.default.createFile(atPath: "\(hold)/go", contents: Data())
        group.wait()
        let output = try #require(first)
        #expect(output.status != 0)
        #expect(output.stderrText.contains("refs/kseries/series/demo moved while this run was making demo v2: another kseries is working on demo; nothing was written"))
        #expect(try setup.ref("refs/heads/kseries/demo/v2") == nil)
        #expect(try setup.versions("demo").count == 1)
        #expect(!setup.exists("patches/demo/v2"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.work)/patches/demo") == ["v1"])
        #expect(try setup.fixture.git("for-each-ref", "--format=%(refname)", "refs/heads") == "refs/heads/kseries/demo/v1\nrefs/heads/main")
        // The notes survive, and the next run uses them.
        try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains("Changes since v1:\n- Meanwhile.\n- Rebased onto next"))
    }

    @Test("two kseries rebasing the same series at once: one wins, the other refuses cleanly")
    func twoRunsAtOnce() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let hold = "\(setup.fixture.scratch.path)/hold"
        try FileManager.default.createDirectory(atPath: hold, withIntermediateDirectories: true)
        var environment = setup.fixture.environment
        environment["KSERIES_TEST_HOLD"] = hold
        let holding = environment
        nonisolated(unsafe) var outputs: [ProcessOutput?] = [nil, nil]
        let group = DispatchGroup()
        for (index, onto) in ["next", "close"].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                outputs[index] = try? setup.kseries(["rebase", "demo", "--onto", onto], environment: holding)
                group.leave()
            }
        }
        try waitForFiles(in: hold, count: 2)
        FileManager.default.createFile(atPath: "\(hold)/go", contents: Data())
        group.wait()
        let results = outputs.compactMap { $0 }
        #expect(results.count == 2)
        let winners = results.indices.filter { results[$0].status == 0 }
        #expect(winners.count == 1, "\(results.map(\.stderrText))")
        let loser = results[winners.first == 0 ? 1 : 0]
        #expect(loser.stderrText.contains("another kseries is working on demo; nothing was written"), "\(loser.stderrText)")
        let versions = try setup.versions("demo")
        #expect(versions.count == 2)
        let winnerBase = ["next", "close"][winners.first ?? 0]
        #expect(versions.last?["baseRef"] as? String == winnerBase)
        let tip = (versions.last?["patches"] as? [[String: Any]])?.last?["commit"] as? String
        #expect(try setup.ref("refs/heads/kseries/demo/v2") == tip)
        #expect(try setup.text("patches/demo/v2/0000-cover-letter.patch").contains("Rebased onto \(winnerBase) ("))
    }

    @Test("a run killed midway leaves a state the next run repairs", arguments: ["objects", "version-ref", "mails-staged"])
    func interrupted(point: String) throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        var environment = setup.fixture.environment
        environment["KSERIES_TEST_KILL_AT"] = point
        let killed = try setup.kseries(["rebase", "demo", "--onto", "next"], environment: environment)
        #expect(killed.status == 9, "\(killed.stderrText)")
        // The state still says v1 only, whatever the killed run left.
        #expect(try setup.versions("demo").count == 1)
        #expect(!setup.exists("patches/demo/v2"))
        #expect((try setup.ref("refs/heads/kseries/demo/v2") != nil) == (point != "objects"))

        let again = try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(again.stderrText.contains("replaced refs/heads/kseries/demo/v2") == (point != "objects"), "\(again.stderrText)")
        let versions = try setup.versions("demo")
        #expect(versions.map { $0["number"] as? Int } == [1, 2])
        let tip = (versions.last?["patches"] as? [[String: Any]])?.last?["commit"] as? String
        #expect(try setup.ref("refs/heads/kseries/demo/v2") == tip)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.work)/patches/demo").sorted() == ["v1", "v2"])
    }

    @Test("rebase names what it needs: an unknown series, a version ref nobody recorded")
    func unknownSeries() throws {
        let setup = try VersionsFixture()
        let output = try setup.kseries(["rebase", "nothing", "--onto", "next"])
        #expect(output.status != 0)
        #expect(output.stderrText.contains("no series 'nothing' in this repository"))
        try setup.fixture.git("update-ref", "refs/heads/kseries/old/v1", "base")
        let orphan = try setup.kseries(["rebase", "old", "--onto", "next"])
        #expect(orphan.stderrText.contains("refs/heads/kseries/old/v1 exists but no version was recorded"))
    }

    /// Waits until `count` runs wrote their ready files into `folder`.
    func waitForFiles(in folder: String, count: Int) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let ready = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasPrefix("ready-") } ?? []
            if ready.count >= count { return }
            usleep(20_000)
        }
        Issue.record("the runs did not get ready in time")
    }
}
