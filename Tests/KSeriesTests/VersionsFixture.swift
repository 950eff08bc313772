import Foundation
import Testing
import TestSupport

/// A small kernel-like repository for the version tests: `drivers/demo/demo.c` on `main`,
/// refs that move it in the ways kernels do, a two-patch policy and a two-patch hand-written
/// series, and a folder to run `kseries` in.
struct VersionsFixture {
    static let source = """
        #include <linux/demo.h>

        static int helper(int x)
        {
        	return x + 1;
        }

        int demo_run(struct demo *d)
        {
        	int cpu = get_cpu();

        	d->cpu = cpu;
        	d->count++;
        	d->state = 1;
        	d->flags = 0;
        	put_cpu();
        	return helper(0);
        }

        void demo_stop(struct demo *d)
        {
        	d->state = 0;
        	d->flags = 0;
        	d->count = 0;
        	d->cpu = -1;
        }

        """

    static let policy = """
        base: main
        subject-prefix: RFC PATCH
        cover:
          subject: Demo run state
          body: |
            Why the demo wants to know it runs.
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
          - subject: "demo: Note the stop"
            body: |
              Say that demo_stop() stopped it.
            edits:
              - file: drivers/demo/demo.c
                function: demo_stop
                before: d->cpu = -1;
                insert: |
                  d->running = false;

        """

    let fixture: GitFixture
    let templates: String
    let work: String

    init() throws {
        fixture = try GitFixture()
        try fixture.commit(["drivers/demo/demo.c": Self.source, "README": "demo\n"], message: "demo: the driver")
        try fixture.git("tag", "base")
        templates = "\(fixture.scratch.path)/Templates"
        try fixture.scratch.write("Templates/demo/policy.yaml", Self.policy)
        work = "\(fixture.scratch.path)/run"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // next: five lines more at the top, so every hunk moves.
        try tag("next", on: "base") {
            $0.replacingOccurrences(of: "#include <linux/demo.h>\n", with: "#include <linux/demo.h>\n#include <linux/a.h>\n#include <linux/b.h>\n#include <linux/c.h>\n#include <linux/d.h>\n#include <linux/e.h>\n")
        }
        // close: a line two away from the hand-written patch 1, in its context.
        try tag("close", on: "base") { $0.replacingOccurrences(of: "\td->cpu = cpu;\n", with: "\td->cpu = cpu + 0;\n") }
        // clash: the very line hand-written patch 1 changes.
        try tag("clash", on: "base") { $0.replacingOccurrences(of: "\td->state = 1;\n", with: "\td->state = 3;\n") }
        // broken: the policy's first anchor is gone.
        try tag("broken", on: "base") {
            $0.replacingOccurrences(of: "\tint cpu = get_cpu();\n", with: "\tint cpu = raw_smp_processor_id();\n")
        }
        try fixture.git("checkout", "-q", "main")
    }

    /// Points `name` at a commit on `ref` whose demo.c is `transform`ed.
    func tag(_ name: String, on ref: String, _ transform: (String) -> String) throws {
        try fixture.git("checkout", "-q", "--detach", ref)
        let current = String(decoding: try fixture.scratch.read("repo/drivers/demo/demo.c"), as: UTF8.self)
        try fixture.commit(["drivers/demo/demo.c": transform(current)], message: "demo: \(name)")
        try fixture.git("tag", name)
    }

    /// Two hand-written commits on `base` (on a branch `hand`), as a developer writes them.
    func handWrittenSeries() throws {
        try fixture.git("checkout", "-q", "-b", "hand", "base")
        let text = String(decoding: try fixture.scratch.read("repo/drivers/demo/demo.c"), as: UTF8.self)
        let first = text.replacingOccurrences(of: "\td->state = 1;\n", with: "\td->state = 2;\n")
        try fixture.commit(["drivers/demo/demo.c": first], message: "demo: Start in state 2\n\nState 1 is taken.")
        let second = first.replacingOccurrences(of: "\td->count = 0;\n", with: "\td->count = -1;\n")
        try fixture.commit(["drivers/demo/demo.c": second], message: "demo: Mark the count unused\n\nSo that nobody reads it.")
        try fixture.git("checkout", "-q", "main")
    }

    /// The hand-written series as `git format-patch --cover-letter --base` mails in one mbox.
    func handWrittenMbox(_ extra: [String] = []) throws -> String {
        let path = "\(fixture.scratch.path)/hand.mbox"
        let mbox = try fixture.gitOutput(["format-patch", "--stdout", "--base=base", "--subject-prefix=PATCH"] + extra + ["base..hand"])
        try Data(mbox.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func kseries(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        try KSeriesBinary.run(
            arguments + ["--tree", fixture.path, "--templates", templates], in: work, environment: environment ?? fixture.environment)
    }

    /// Runs kseries and fails the test with its output unless it succeeds.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        let output = try kseries(arguments, environment: environment)
        #expect(output.status == 0, "kseries \(arguments.joined(separator: " ")): \(output.stderrText)")
        return output
    }

    /// A ref's target, nil when it does not exist.
    func ref(_ name: String) throws -> String? {
        let output = try ProcessRunner.run(["git", "-C", fixture.path, "rev-parse", "--verify", "-q", name], environment: fixture.environment)
        return output.status == 0 ? output.stdoutText.trimmingCharacters(in: .newlines) : nil
    }

    /// The series state as plain git shows it.
    func stateJSON(_ series: String) throws -> [String: Any] {
        let text = try fixture.git("show", "refs/kseries/series/\(series):series.json")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    func versions(_ series: String) throws -> [[String: Any]] {
        try stateJSON(series)["versions"] as? [[String: Any]] ?? []
    }

    func text(_ path: String) throws -> String {
        String(decoding: try fixture.scratch.read("run/\(path)"), as: UTF8.self)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: "\(work)/\(path)") }

    /// Everything a failed run must leave as it was: every ref and every file under run/.
    func snapshot() throws -> String {
        let refs = try fixture.git("for-each-ref", "--format=%(refname) %(objectname)")
        let files = try ProcessRunner.checked(["find", work, "-type", "f", "-exec", "md5sum", "{}", "+"]).stdoutText
            .split(separator: "\n").sorted().joined(separator: "\n")
        let hidden = try ProcessRunner.checked(["find", work, "-name", ".*", "-mindepth", "1"]).stdoutText
        return refs + "\n--\n" + files + "\n--\n" + hidden
    }
}
