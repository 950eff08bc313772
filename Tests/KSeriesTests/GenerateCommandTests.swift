import Foundation
import Testing
import TestSupport

/// `kseries generate` run as a user runs it, on a small repository with a small policy.
@Suite("kseries generate, end to end")
struct GenerateCommandTests {
    static let demoSource = """
        #include <linux/demo.h>

        static int helper(int x)
        {
        	return x + 1;
        }

        int demo_run(struct demo *d)
        {
        	int cpu = get_cpu();

        	d->cpu = cpu;
        	put_cpu();
        	put_cpu();
        	return helper(0);
        }

        """

    static let demoPolicy = """
        base: main
        subject-prefix: RFC PATCH
        cover:
          subject: Demo series
          body: |
            Why the demo wants this.
        patches:
          - subject: "demo: Note the run loop"
            body: |
              Say that demo_run() runs.
            edits:
              - file: drivers/demo/demo.c
                function: demo_run
                after: int cpu = get_cpu();
                insert: |
                  d->running = true;

        """

    /// A work-tree repository with the demo file committed, a Templates folder with the demo
    /// policy, and a folder to run in.
    struct Setup {
        let fixture: GitFixture
        let templates: String
        let workDirectory: String

        init(policy: String = GenerateCommandTests.demoPolicy) throws {
            fixture = try GitFixture()
            try fixture.commit(["drivers/demo/demo.c": GenerateCommandTests.demoSource, "README": "demo\n"])
            templates = "\(fixture.scratch.path)/Templates"
            try fixture.scratch.write("Templates/demo/policy.yaml", policy)
            workDirectory = "\(fixture.scratch.path)/run"
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        }

        func kseries(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
            try KSeriesBinary.run(arguments, in: workDirectory, environment: environment ?? fixture.environment)
        }

        func generate(_ extra: [String] = [], policy: String = "demo", tree: String? = nil) throws -> ProcessOutput {
            try kseries(["generate", policy, "--tree", tree ?? fixture.path, "--templates", templates] + extra)
        }

        var patchesExist: Bool { FileManager.default.fileExists(atPath: "\(workDirectory)/patches") }
    }

    @Test("writes the series, moves only its own ref, and leaves HEAD, index and work tree alone")
    func success() throws {
        let setup = try Setup()
        try setup.fixture.scratch.write("repo/README", "an uncommitted edit\n")
        let before = try setup.fixture.userStateDigest()

        let output = try setup.generate()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(output.stdoutText.contains("wrote 2 mails to patches/demo/v1/"))
        #expect(try setup.fixture.userStateDigest() == before)
        #expect(
            try setup.fixture.git("for-each-ref", "--format=%(refname)")
                == "refs/heads/kseries/demo/v1\nrefs/heads/main\nrefs/kseries/series/demo")
        let patch = String(decoding: try setup.fixture.scratch.read("run/patches/demo/v1/0001-demo-Note-the-run-loop.patch"), as: UTF8.self)
        #expect(patch.contains("Subject: [RFC PATCH v1 1/1] demo: Note the run loop\n"))
        #expect(patch.contains(" \tint cpu = get_cpu();\n+\td->running = true;\n \n"))
        #expect(patch.contains("Signed-off-by: Test Author <author@example.org>\n---\n"))
    }

    @Test("-v 2 and -o name the version and the folder; a rerun replaces the series whole")
    func versionAndOutput() throws {
        let setup = try Setup()
        #expect(try setup.generate(["-v", "2", "-o", "out"]).status == 0)
        let second = try setup.generate(["-v", "2", "-o", "out"])
        #expect(second.status == 0, "\(second.stderrText)")
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(setup.workDirectory)/out/demo/v2").sorted()
        #expect(names == ["0000-cover-letter.patch", "0001-demo-Note-the-run-loop.patch", "series.mbox"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(setup.workDirectory)/out/demo") == ["v2"])
        #expect(try setup.fixture.git("rev-parse", "--verify", "-q", "refs/heads/kseries/demo/v2").count == 40)
    }

    /// Runs a failing generate and checks the error contract: non-zero exit, one line on
    /// stderr that contains `expected`, nothing on stdout, no patches folder.
    func expectFailure(_ output: ProcessOutput, _ expected: String..., setup: Setup) {
        #expect(output.status != 0)
        // One error line; an anchor error may add the candidate lines it found, one per line.
        let lines = output.stderrText.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect((1...6).contains(lines.count), "stderr: \(output.stderrText)")
        #expect(lines.first?.hasPrefix("kseries: error: ") == true, "stderr: \(output.stderrText)")
        #expect(lines.dropFirst().allSatisfy { !$0.hasPrefix("kseries:") }, "stderr: \(output.stderrText)")
        for text in expected {
            #expect(output.stderrText.contains(text), "stderr lacks \(text): \(output.stderrText)")
        }
        #expect(!output.stderrText.contains("Fatal error"))
        #expect(!setup.patchesExist)
    }

    @Test("an unknown policy is refused, naming the known ones")
    func unknownPolicy() throws {
        let setup = try Setup()
        expectFailure(try setup.generate(policy: "no-such-policy"), "no-such-policy: unknown policy; known: demo", setup: setup)
    }

    @Test("a missing tree and a folder that is not a repository are refused, naming the path")
    func badTrees() throws {
        let setup = try Setup()
        let missing = "\(setup.fixture.scratch.path)/nowhere"
        expectFailure(try setup.generate(tree: missing), missing, "does not exist", setup: setup)
        expectFailure(try setup.generate(tree: setup.workDirectory), setup.workDirectory, "not a git repository", setup: setup)
    }

    @Test("an unknown base ref is refused, naming it")
    func unknownRef() throws {
        let setup = try Setup()
        expectFailure(try setup.generate(["--base", "v9.9-nope"]), "'v9.9-nope' is not a known revision", setup: setup)
    }

    @Test("an anchor that matches nothing names the template line, the ref, the file, the scope and the anchor")
    func anchorMisses() throws {
        let setup = try Setup(policy: Self.demoPolicy.replacingOccurrences(of: "after: int cpu = get_cpu();", with: "after: int cpu = smp_processor_id();"))
        expectFailure(
            try setup.generate(), "Templates/demo/policy.yaml:14: at main", "drivers/demo/demo.c", "demo_run",
            "int cpu = smp_processor_id();", setup: setup)
    }

    @Test("an anchor that matches twice is an ambiguity error with both lines")
    func anchorAmbiguous() throws {
        let setup = try Setup(policy: Self.demoPolicy.replacingOccurrences(of: "after: int cpu = get_cpu();", with: "after: put_cpu();"))
        expectFailure(try setup.generate(), "policy.yaml:14: at main", "demo_run", "put_cpu();", "at lines 13, 14", setup: setup)
    }

    @Test("a template that does not parse is refused with its line")
    func templateDoesNotParse() throws {
        let setup = try Setup(policy: Self.demoPolicy.replacingOccurrences(of: "    edits:\n", with: "    edits:\n  bad: [\n"))
        expectFailure(try setup.generate(), "Templates/demo/policy.yaml:", "not valid YAML", setup: setup)
        let unknownKey = try Setup(policy: Self.demoPolicy.replacingOccurrences(of: "after: int", with: "aftre: int"))
        expectFailure(try unknownKey.generate(), "policy.yaml:14: unknown key 'aftre'", setup: unknownKey)
    }

    @Test("an output folder that cannot be made says which path is in the way, in words")
    func outputInTheWay() throws {
        let setup = try Setup()
        try setup.fixture.scratch.write("run/a-file", "not a folder\n")
        let output = try setup.generate(["-o", "a-file"])
        expectFailure(output, "cannot create the folder", "/run/a-file is a file, not a folder", setup: setup)
        #expect(!output.stderrText.contains("NSCocoaErrorDomain"))
        #expect(!output.stderrText.contains(".kseries-staged-"), "the hidden staging folder is not the user's business: \(output.stderrText)")
        // Nothing was recorded: the version ref was put back.
        #expect(try setup.fixture.git("for-each-ref", "refs/heads/kseries", "refs/kseries").isEmpty)
    }

    @Test("an unset git identity is refused with what to configure")
    func identityUnset() throws {
        let setup = try Setup()
        try setup.fixture.git("config", "--unset", "user.name")
        try setup.fixture.git("config", "--unset", "user.email")
        var environment = setup.fixture.environment
        for key in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"] { environment[key] = nil }
        let output = try setup.kseries(
            ["generate", "demo", "--tree", setup.fixture.path, "--templates", setup.templates], environment: environment)
        expectFailure(output, "user.name and user.email not set", setup: setup)
    }

    @Test("the user's format.* configuration reaches the mails where git would put it; the policy's subject stays")
    func formatConfiguration() throws {
        let setup = try Setup()
        let signatureFile = "\(setup.fixture.scratch.path)/signature"
        try setup.fixture.scratch.write("signature", "Jane Developer\nKernel team\n")
        for (key, value) in [
            ("format.signatureFile", signatureFile), ("format.to", "list@example.org"), ("format.cc", "Reviewer <r@example.org>"),
            ("format.headers", "X-Series-Tool: kseries"), ("format.signOff", "true"),
            ("format.from", "Series Sender <sender@example.org>"),
            // Not the generated series': its subject, numbering, file names, paths and threading are kseries'.
            ("format.subjectPrefix", "PATCH other"), ("format.numbered", "false"), ("format.suffix", ".txt"),
            ("diff.noprefix", "true"), ("format.thread", "deep"),
        ] {
            _ = try setup.fixture.git("config", "--add", key, value)
        }
        let output = try setup.generate()
        #expect(output.status == 0, "\(output.stderrText)")
        let folder = "\(setup.workDirectory)/patches/demo/v1"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["0000-cover-letter.patch", "0001-demo-Note-the-run-loop.patch", "series.mbox"])

        // git format-patch with the keys that apply, on the generated commits.
        for key in ["format.subjectPrefix", "format.numbered", "format.suffix", "diff.noprefix", "format.thread"] {
            _ = try setup.fixture.git("config", "--unset-all", key)
        }
        let gitFolder = "\(setup.fixture.scratch.path)/git-mails"
        let git = try ProcessRunner.run(
            ["git", "-C", setup.fixture.path, "format-patch", "-q", "--cover-letter", "--base=main",
             "--subject-prefix=RFC PATCH v1", "-o", gitFolder, "main..kseries/demo/v1"],
            environment: setup.fixture.environment)
        #expect(git.status == 0, "\(git.stderrText)")
        let expected = try setup.fixture.scratch.read("git-mails/0001-demo-Note-the-run-loop.patch")
        let patch = try setup.fixture.scratch.read("run/patches/demo/v1/0001-demo-Note-the-run-loop.patch")
        #expect(String(decoding: patch, as: UTF8.self) == String(decoding: expected, as: UTF8.self))

        let cover = String(decoding: try setup.fixture.scratch.read("run/patches/demo/v1/0000-cover-letter.patch"), as: UTF8.self)
        let gitCover = String(decoding: try setup.fixture.scratch.read("git-mails/0000-cover-letter.patch"), as: UTF8.self)
        #expect(cover.contains("Subject: [RFC PATCH v1 0/1] Demo series\nX-Series-Tool: kseries\nTo: list@example.org\nCc: Reviewer <r@example.org>\n\n"))
        #expect(gitCover.contains("X-Series-Tool: kseries\nTo: list@example.org\nCc: Reviewer <r@example.org>\n\n"))
        #expect(cover.hasSuffix("\n-- \nJane Developer\nKernel team\n\n"))
        #expect(gitCover.hasSuffix("\n-- \nJane Developer\nKernel team\n\n"))
    }
}
