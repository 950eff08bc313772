import Foundation
import KSeries
import Policy
import Testing
import TestSupport

/// `kseries send` end to end, against a real SMTP server (aiosmtpd) on loopback.
@Suite("kseries send")
struct SendCommandTests {
    let clone: KernelScratchClone
    let folder: String

    init() throws {
        clone = try KernelScratchClone()
        // The run-loop series as generate writes it on this tree's v6.12-deb (the committed
        // patches/ may have been made on another point release), at patches/rcu-kvm-run-loop/v1
        // inside the scratch folder.
        var environment = clone.environment
        for (key, value) in ShippedSeriesTests.identity { environment[key] = value }
        let generated = try SeriesGenerator().generate(
            .init(
                policy: try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop"),
                treePath: clone.path, outputDirectory: "\(clone.scratch.path)/patches", environment: environment))
        folder = generated.directory
        try FileManager.default.removeItem(atPath: "\(folder)/series.mbox")
    }

    func send(_ arguments: [String], server: SMTPTestServer? = nil) throws -> ProcessOutput {
        var environment = clone.environment
        environment["KSERIES_SEND_DATE"] = "1764000000"
        var smtp: [String] = []
        if let server { smtp = ["--smtp-server", "127.0.0.1", "--smtp-server-port", "\(server.port)"] }
        return try KSeriesBinary.run(
            ["send", folder, "--tree", clone.path, "--templates", ProjectLayout.templates] + smtp + arguments,
            in: clone.scratch.path, environment: environment)
    }

    /// The messages of a dry run: envelope recipients and exact bytes, split on the `--- ` lines.
    func dryRunMessages(_ output: [UInt8]) -> [(recipients: [String], bytes: [UInt8])] {
        var messages: [(recipients: [String], bytes: [UInt8])] = []
        var rest = output[...]
        while let start = rest.firstRange(of: Array("\n--- ".utf8)) {
            rest = rest[start.upperBound...]
            guard let lineEnd = rest.firstIndex(of: 0x0A) else { break }
            let header = String(decoding: rest[..<lineEnd], as: UTF8.self)
            let count = Int(header.split(separator: " ").dropLast().last ?? "") ?? 0
            rest = rest[(lineEnd + 1)...]
            guard let blank = rest.firstRange(of: Array("\n\n".utf8)) else { break }
            let envelope = String(decoding: rest[..<blank.lowerBound], as: UTF8.self)
            let recipients = envelope.split(separator: "\n").filter { $0.hasPrefix("RCPT TO:<") }
                .map { String($0.dropFirst(9).dropLast()) }
            let body = rest[blank.upperBound...]
            messages.append((recipients, Array(body.prefix(count))))
            rest = body.dropFirst(count)
        }
        return messages
    }

    @Test("the dry run prints exactly what the server then receives, envelope and bytes; then the version is recorded and not sent twice")
    func dryRunThenSend() throws {
        let server = try SMTPTestServer()
        let dry = try send([], server: server)
        #expect(dry.status == 0, "\(dry.stderrText)")
        #expect(try server.received().isEmpty)
        let planned = dryRunMessages(dry.stdout)
        try #require(planned.count == 4, "\(dry.stdoutText)")
        #expect(planned[0].recipients.contains("rcu@vger.kernel.org"))
        #expect(planned[2].recipients.contains("pbonzini@redhat.com"))

        let real = try send(["--confirm"], server: server)
        #expect(real.status == 0, "\(real.stderrText)")
        #expect(real.stdoutText.contains("recorded as refs/tags/kseries/sent/rcu-kvm-run-loop/v1"))
        #expect(real.stdoutText.contains("cover letter Message-Id: <"))
        let received = try server.received()
        #expect(received.count == 4)
        for (message, plan) in zip(received, planned) {
            #expect(Set(message.recipients) == Set(plan.recipients))
            // On the wire lines end in CRLF: the same bytes with LF ends.
            let unwire = String(decoding: message.data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            #expect(unwire == String(decoding: plan.bytes, as: UTF8.self))
        }

        let again = try send(["--confirm"], server: server)
        #expect(again.status != 0)
        #expect(again.stderrText.contains("already sent"), "\(again.stderrText)")
        #expect(try server.received().count == 4)
        let resend = try send(["--confirm", "--resend"], server: server)
        #expect(resend.status == 0, "\(resend.stderrText)")
        #expect(try server.received().count == 8)
    }

    @Test("a sent version's cover Message-Id goes into the series state, for the next version's link")
    func recordsMessageIDInState() throws {
        // init generated the series, so the state knows it; sending records the Message-Id.
        let server = try SMTPTestServer()
        let run = try send(["--confirm"], server: server)
        #expect(run.status == 0, "\(run.stderrText)")
        let line = run.stdoutText.split(separator: "\n").first { $0.hasPrefix("cover letter Message-Id: ") }
        let messageID = line.map { String($0.dropFirst("cover letter Message-Id: ".count)) } ?? "?"
        let state = try ProcessRunner.checked(
            ["git", "-C", clone.path, "show", "refs/kseries/series/rcu-kvm-run-loop:series.json"]).stdoutText
        #expect(state.contains(messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))), "\(messageID) not in \(state)")
    }

    @Test("a recipient the server refuses is named, and nothing after it is sent")
    func refusedRecipient() throws {
        let server = try SMTPTestServer(SMTPTestServer.Options(refuse: ["kvm@vger.kernel.org"]))
        let run = try send(["--confirm"], server: server)
        #expect(run.status != 0)
        #expect(run.stdoutText.contains("kvm@vger.kernel.org") || run.stderrText.contains("kvm@vger.kernel.org"), "\(run.stdoutText)\(run.stderrText)")
        #expect(try server.received().isEmpty)
    }

    @Test("a connection dropped midway: the report says what went, a retry sends only the rest, threaded on the same cover")
    func dropAndRetry() throws {
        let dying = try SMTPTestServer(SMTPTestServer.Options(exitOnMail: 3))
        let first = try send(["--confirm"], server: dying)
        #expect(first.status != 0)
        dying.waitForExit()
        #expect(try dying.received().count == 2)
        let report = first.stdoutText
        #expect(report.contains("0000-cover-letter.patch") && report.contains("not"), "\(report)")

        let healthy = try SMTPTestServer(inbox: dying.inbox)
        let retry = try send(["--confirm"], server: healthy)
        #expect(retry.status == 0, "\(retry.stderrText)")
        let received = try healthy.received()
        #expect(received.count == 4)
        let subjects = received.map { String(decoding: $0.data, as: UTF8.self) }
            .compactMap { $0.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") } }
        #expect(subjects.count == 4)
        #expect(Set(subjects).count == 4, "each message went exactly once")
    }

    @Test("refuses placeholders, patches that no longer apply, and an empty recipient list")
    func refusals() throws {
        let cover = "\(folder)/0000-cover-letter.patch"
        let original = try String(contentsOfFile: cover, encoding: .utf8)
        try original.replacingOccurrences(of: "On a PREEMPT_RT host", with: "*** BLURB HERE ***\nOn a PREEMPT_RT host")
            .write(toFile: cover, atomically: true, encoding: .utf8)
        let placeholder = try send([])
        #expect(placeholder.status != 0)
        #expect(placeholder.stderrText.contains("still has the placeholder \"*** BLURB HERE ***\""), "\(placeholder.stderrText)")
        try original.write(toFile: cover, atomically: true, encoding: .utf8)

        // The same patches claiming v6.1-deb as their base: they do not apply there.
        let base612 = try ProcessRunner.checked(["git", "-C", clone.path, "rev-parse", "v6.12-deb^{commit}"]).stdoutText
            .trimmingCharacters(in: .newlines)
        let base61 = try ProcessRunner.checked(["git", "-C", clone.path, "rev-parse", "v6.1-deb^{commit}"]).stdoutText
            .trimmingCharacters(in: .newlines)
        try original.replacingOccurrences(of: base612, with: base61).write(toFile: cover, atomically: true, encoding: .utf8)
        let stale = try send([])
        #expect(stale.status != 0)
        #expect(stale.stderrText.contains("no longer applies to its base \(base61.prefix(12))"), "\(stale.stderrText)")
        try original.write(toFile: cover, atomically: true, encoding: .utf8)

        let nobody = try send(["--no-maintainers"])
        #expect(nobody.status != 0)
        #expect(nobody.stderrText.contains("nobody to send it to"), "\(nobody.stderrText)")
    }
}
