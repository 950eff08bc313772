import Foundation
import Testing
import TestSupport

/// `kseries trailers` on a saved thread, and the trailers' way into the next version.
@Suite("reviewers' trailers")
struct TrailersTests {
    /// The generated v1 mailbox plus replies, as a list archive keeps them.
    /// With `threaded`, every reply has threading headers (b4 places no reply by subject).
    static func thread(_ setup: VersionsFixture, threaded: Bool = false) throws -> String {
        let mbox = try setup.text("patches/demo/v1/series.mbox")
        let ids = mbox.split(separator: "\n").filter { $0.hasPrefix("Message-Id: <") }.map { String($0.dropFirst(13).dropLast()) }
        try #require(ids.count == 3, "\(mbox)")
        func reply(_ id: String, from: String, subject: String, headers: String, body: String) -> String {
            """
            From mboxrd@z Thu Jan  1 00:00:00 1970
            From: \(from)
            Subject: \(subject)
            Date: Tue, 25 Nov 2025 10:00:00 +0100
            Message-Id: <\(id)>
            \(headers)

            \(body)

            """
        }
        let replies = [
            reply(
                "r1@example.org", from: "Jane Doe <jane@example.org>", subject: "Re: [RFC PATCH v1 1/2] demo: Note the run loop",
                headers: "In-Reply-To: <\(ids[1])>\nReferences: <\(ids[0])> <\(ids[1])>",
                body: "On Mon, Developer wrote:\n> Say that demo_run() runs.\n>\n> Signed-off-by: Test Author <author@example.org>\n\nLooks right.\n\nReviewed-by: Jane Doe <jane@example.org>"),
            reply(
                "r2@example.org", from: "Tess Ter <tess@example.org>", subject: "Re: [RFC PATCH v1 1/2] demo: Note the run loop",
                headers: "In-Reply-To: <r1@example.org>", body: "> Reviewed-by: Jane Doe <jane@example.org>\n\nTested-by: Tess Ter <tess@example.org>"),
            reply(
                "r3@example.org", from: "Maintainer One <m1@example.org>", subject: "Re: [RFC PATCH v1 0/2] Demo run state",
                headers: "References: <\(ids[0])>", body: "For the series:\nAcked-by: Maintainer One <m1@example.org>"),
            reply(
                "r4@example.org", from: "=?UTF-8?q?J=C3=B6rg_Doe?= <jorg@example.org>",
                subject: "Re: [RFC PATCH v1 2/2] demo: Note the stop",
                headers: (threaded ? "In-Reply-To: <\(ids[2])>\n" : "")
                    + "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable",
                body: "Reviewed-by: J=C3=B6rg Doe <jorg@example.org>\nReviewed-by: nobody in particular"),
        ]
        let path = "\(setup.fixture.scratch.path)/thread.mbox"
        try Data((mbox + replies.joined()).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("replies count for the patch they answer (threading, else subject); the cover letter's for all; quotes do not count")
    func collect() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let thread = try Self.thread(setup)
        let output = try setup.succeed(["trailers", thread])
        #expect(output.stdoutText == """
            demo v1: 5 trailers found, 5 new
              1/2 Acked-by: Maintainer One <m1@example.org>
              1/2 Reviewed-by: Jane Doe <jane@example.org>
              1/2 Tested-by: Tess Ter <tess@example.org>
              2/2 Acked-by: Maintainer One <m1@example.org>
              2/2 Reviewed-by: Jörg Doe <jorg@example.org>

            """)
        let patches = try #require(try setup.versions("demo").first?["patches"] as? [[String: Any]])
        let first = try #require(patches.first)
        #expect(first["received"] as? [String] == [
            "Reviewed-by: Jane Doe <jane@example.org>", "Tested-by: Tess Ter <tess@example.org>",
            "Acked-by: Maintainer One <m1@example.org>",
        ])
        // The cover letter's Message-Id is kept for v2's "Link to v1".
        #expect((try setup.versions("demo").first?["sentMessageID"] as? String)?.hasPrefix("cover.") == true)
        // A second run finds nothing new.
        #expect(try setup.succeed(["trailers", thread]).stdoutText.hasPrefix("demo v1: 5 trailers found, 0 new\n"))
        // Regenerating v1 keeps what was said about it.
        try setup.succeed(["generate", "demo"])
        let kept = try #require(try setup.versions("demo").first?["patches"] as? [[String: Any]])
        try #require(kept.count > 1, "\(kept)")
        #expect((kept[1]["received"] as? [String])?.count == 2)
    }

    @Test("b4 finds the same trailers in the same thread")
    func b4Agrees() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        let thread = try Self.thread(setup, threaded: true)
        let script = """
            import b4, mailbox, logging, sys
            b4.logger.setLevel(logging.CRITICAL)
            lmbx = b4.LoreMailbox()
            for msg in mailbox.mbox(sys.argv[1]):
                lmbx.add_message(msg)
            lser = lmbx.get_series(sloppytrailers=False)
            for number, lmsg in enumerate(lser.patches):
                if number == 0 or lmsg is None:
                    continue
                trailers = set(str(t.as_string()) for t in lmsg.followup_trailers)
                for t in lser.patches[0].followup_trailers if lser.patches[0] else []:
                    trailers.add(t.as_string())
                for t in sorted(trailers):
                    print(number, t)
            """
        let output = try ProcessRunner.checked(["/usr/bin/python3", "-c", script, thread])
        let ours = try setup.succeed(["trailers", thread]).stdoutText.split(separator: "\n").dropFirst()
            .map { line throws -> String in
                let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
                try #require(parts.count == 2, "\(line)")
                return "\(parts[0].prefix { $0 != "/" }) \(parts[1])"
            }
        #expect(output.stdoutText.split(separator: "\n").map(String.init).sorted() == ours.sorted())
    }

    @Test("the next version carries them to unchanged patches, after the sign-off, and drops them from changed ones")
    func carried() throws {
        let setup = try VersionsFixture()
        try setup.succeed(["generate", "demo"])
        try setup.succeed(["trailers", try Self.thread(setup)])
        let rebased = try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(rebased.stdoutText.contains("patch 1/2 keeps Reviewed-by: Jane Doe <jane@example.org>, Tested-by: Tess Ter <tess@example.org>, Acked-by: Maintainer One <m1@example.org>"))
        let message = try setup.fixture.git("log", "-1", "--format=%B", "refs/heads/kseries/demo/v2~1")
        #expect(message.hasSuffix("Signed-off-by: Test Author <author@example.org>\nReviewed-by: Jane Doe <jane@example.org>\nTested-by: Tess Ter <tess@example.org>\nAcked-by: Maintainer One <m1@example.org>"))
        let cover = try setup.text("patches/demo/v2/0000-cover-letter.patch")
        #expect(cover.contains("- Added Acked-by: Maintainer One <m1@example.org> (all patches)."))
        #expect(cover.contains("- Link to v1: https://lore.kernel.org/r/cover.1700000000.git.committer@example.org\n"))

        // The author reworks patch 2: its trailers stay behind, patch 1's go on.
        let policy = VersionsFixture.policy.replacingOccurrences(of: "d->running = false;", with: "d->running = false; /* stopped */")
        try setup.fixture.scratch.write("Templates/demo/policy.yaml", policy)
        let reworked = try setup.succeed(["rebase", "demo", "--onto", "next"])
        #expect(reworked.stdoutText.contains("patch 2/2 changed; dropped Acked-by: Maintainer One <m1@example.org>, Reviewed-by: Jörg Doe <jorg@example.org>"))
        #expect(reworked.stdoutText.contains("patch 1/2 keeps Reviewed-by: Jane Doe"))
        let v3 = try setup.text("patches/demo/v3/0000-cover-letter.patch")
        #expect(v3.contains("- Patch 2/2 (demo: Note the stop): the code changed; dropped its tags\n  (Acked-by: Maintainer One <m1@example.org>, Reviewed-by: Jörg Doe\n  <jorg@example.org>).\n"))
        #expect(!(try setup.fixture.git("log", "-1", "--format=%B", "refs/heads/kseries/demo/v3")).contains("Reviewed-by"))
    }
}
