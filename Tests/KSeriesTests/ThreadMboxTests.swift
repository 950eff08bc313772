import Apply
import Foundation
import KSeries
import Testing
import TestSupport

/// `kseries check` and `kseries import` on a thread saved from the list: a cover letter, v1 of
/// a three-patch series, a review reply, then v2 (its patches out of order) and a reply to it.
/// The series taken is v2 in `i/n` order, as `b4 am` takes it.
@Suite("a saved thread: the newest version picked out, as b4 am picks it")
struct ThreadMboxTests {
    let fixture: GitFixture
    let thread: String

    static func mails(in path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { try String(contentsOfFile: "\(path)/\($0)", encoding: .utf8) }
    }

    init() throws {
        let fixture = try GitFixture()
        self.fixture = fixture
        try fixture.commit(["a.c": "a 1\na 2\na 3\n", "b.c": "b 1\nb 2\nb 3\n", "c.c": "c 1\nc 2\nc 3\n"], message: "base")
        try fixture.git("tag", "base")
        for (branch, word) in [("v1", "two"), ("v2", "TWO"), ("v3", "Two")] {
            try fixture.git("checkout", "-q", "-b", branch, "base")
            for name in ["a", "b", "c"] {
                try fixture.commit(["\(name).c": "\(name) 1\n\(name) \(word)\n\(name) 3\n"], message: "\(name): change \(word)")
            }
        }
        try fixture.git("checkout", "-q", "main")
        try fixture.git("format-patch", "-q", "--cover-letter", "--thread", "--base=base", "-o", "\(fixture.scratch.path)/o1", "base..v1")
        try fixture.git("format-patch", "-q", "-v2", "--cover-letter", "--thread", "--base=base", "-o", "\(fixture.scratch.path)/o2", "base..v2")
        try fixture.git("format-patch", "-q", "-v3", "--cover-letter", "--thread", "--base=base", "-o", "\(fixture.scratch.path)/o3", "base..v3")
        let v1 = try Self.mails(in: "\(fixture.scratch.path)/o1")
        let v2 = try Self.mails(in: "\(fixture.scratch.path)/o2")
        try #require(v1.count == 4 && v2.count == 4)
        let review = """
            From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
            From: Reviewer <rev@example.org>
            Date: Tue, 25 Nov 2025 10:00:00 +0000
            Subject: Re: [PATCH 2/3] b: change two
            Message-Id: <review-1@example.org>

            > -b 2
            > +b two
            Please shout: TWO.

            """
        let ack = review.replacingOccurrences(of: "Re: [PATCH 2/3] b: change two", with: "Re: [PATCH v2 0/3] *** SUBJECT HERE ***")
            .replacingOccurrences(of: "Please shout: TWO.", with: "Acked-by: Reviewer <rev@example.org>")
        let text = v1.joined() + review + "\n" + v2[0] + v2[2] + v2[1] + v2[3] + ack + "\n"
        let thread = "\(fixture.scratch.path)/thread.mbox"
        try text.write(toFile: thread, atomically: true, encoding: .utf8)
        self.thread = thread
    }

    func kseries(_ arguments: [String]) throws -> ProcessOutput {
        var environment = fixture.environment
        environment["NO_COLOR"] = "1"
        return try KSeriesBinary.run(arguments + ["--tree", fixture.path], in: fixture.scratch.path, environment: environment)
    }

    @Test("the library takes v2's three patches in order and says what it left; b4 am takes the same")
    func selection() throws {
        let selection = try SeriesCheck.readSeries(at: thread)
        #expect(selection.version == 2)
        #expect(selection.commits.map(\.subject) == ["a: change TWO", "b: change TWO", "c: change TWO"])
        #expect(selection.cover?.subject == "[PATCH v2 0/3] *** SUBJECT HERE ***")
        #expect(selection.left.map(\.reason) == [
            "the cover letter of v1", "an older version (v1; v2 taken)", "an older version (v1; v2 taken)",
            "an older version (v1; v2 taken)", "a reply", "the cover letter (read, nothing to apply)", "a reply",
        ])
        #expect(selection.warnings.isEmpty)

        // b4 am, offline, on the same mbox.
        let out = "\(fixture.scratch.path)/b4"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let b4 = try ProcessRunner.run(["b4", "-n", "am", "-m", thread, "-o", out], in: fixture.path, environment: fixture.environment)
        try #require(b4.status == 0, "b4 am: \(b4.stderrText)")
        let mbx = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".mbx") })
        let subjects = try String(contentsOfFile: "\(out)/\(mbx)", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst("Subject: ".count)) }
        #expect(subjects == selection.patches.map(\.subject))
    }

    @Test("kseries check on the thread checks v2 and says which mails it took and left")
    func check() throws {
        let run = try kseries(["check", thread, "--onto", "base", "--no-checkpatch"])
        #expect(run.status == 0, "\(run.stderrText)\(run.stdoutText)")
        let out = run.stdoutText
        #expect(out.hasPrefix("took v2: 3 patches, cover letter at \(thread):"), "\(out)")
        #expect(out.contains("  left \(thread):1 \"[PATCH 0/3] *** SUBJECT HERE ***\": the cover letter of v1"), "\(out)")
        #expect(out.contains("\"Re: [PATCH 2/3] b: change two\": a reply"), "\(out)")
        #expect(out.contains("base  applies           1/3 a: change TWO\n"), "\(out)")
        #expect(out.contains("      applies           3/3 c: change TWO\n"), "\(out)")

        let json = try kseries(["check", thread, "--onto", "base", "--no-checkpatch", "--json"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let mailbox = try #require(root["mailbox"] as? [String: Any])
        #expect(mailbox["version"] as? Int == 2)
        #expect((mailbox["taken"] as? [[String: Any]])?.compactMap { $0["subject"] as? String }.first == "[PATCH v2 1/3] a: change TWO")
        #expect((mailbox["left"] as? [Any])?.count == 7)
    }

    @Test("kseries import on the thread makes v2 from v2's patches, with v2's tree")
    func importThread() throws {
        let run = try kseries(["import", thread, "--series", "shout"])
        #expect(run.status == 0, "\(run.stderrText)")
        #expect(run.stdoutText.contains("shout v2: 3 patches on base ("), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("took v2: 3 patches"), "\(run.stdoutText)")
        #expect(try fixture.git("rev-parse", "refs/heads/kseries/shout/v2^{tree}") == (try fixture.git("rev-parse", "v2^{tree}")))
        #expect(try fixture.git("log", "--format=%s", "base..refs/heads/kseries/shout/v2") == "c: change TWO\nb: change TWO\na: change TWO")
    }

    /// b4 am's pick from `mbox`: the subjects of the patches it writes.
    func b4Subjects(_ mbox: String) throws -> [String] {
        let out = "\(fixture.scratch.path)/b4-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try ProcessRunner.run(["b4", "-n", "am", "-m", mbox, "-o", out], in: fixture.path, environment: fixture.environment)
        try #require(run.status == 0, "b4 am: \(run.stderrText)")
        let mbx = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".mbx") })
        return try String(contentsOfFile: "\(out)/\(mbx)", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst("Subject: ".count)) }
    }

    @Test("shuffled threads of one to three whole versions, with replies: the same patches as b4 am, in the same order")
    func shuffledThreadsAgainstB4() throws {
        var state: UInt64 = 0x7468_7265_6164
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let versions = try ["o1", "o2", "o3"].map { try Self.mails(in: "\(fixture.scratch.path)/\($0)") }
        var compared = 0
        for round in 0..<8 {
            var picked: [String] = []
            for (index, mails) in versions.enumerated() where index == 0 || next(3) > 0 {
                // Each version whole, its cover letter included: b4 follows the threads the covers start
                // (and fills a partial reroll in from older versions, which kseries does not do).
                picked += mails
            }
            for _ in 0..<next(3) {
                picked.append("""
                    From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
                    From: Reviewer <rev@example.org>
                    Date: Tue, 25 Nov 2025 10:00:00 +0000
                    Subject: Re: [PATCH v2 \(next(4))/3] a reply
                    Message-Id: <reply-\(round)-\(picked.count)@example.org>

                    > quoted
                    Fine.


                    """)
            }
            for index in picked.indices.reversed() where index > 0 { picked.swapAt(index, next(index + 1)) }
            let path = "\(fixture.scratch.path)/shuffled-\(round).mbox"
            try picked.joined().write(toFile: path, atomically: true, encoding: .utf8)
            let ours = try SeriesCheck.readSeries(at: path).patches.map(\.subject)
            let theirs = try b4Subjects(path)
            #expect(ours == theirs, "round \(round): kseries \(ours), b4 am \(theirs)")
            compared += 1
        }
        #expect(compared == 8)
    }
}
