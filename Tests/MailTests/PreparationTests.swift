import Foundation
import Mail
import MailFormat
import TestSupport
import Testing

@Suite("Preparing messages from mail files")
struct PreparationTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func header(_ message: PreparedMessage) -> String {
        let all = text(message.bytes)
        return String(all[..<(all.range(of: "\n\n")?.lowerBound ?? all.endIndex)])
    }

    @Test("the shipped series: mbox line gone, To/Cc after From, dates a second apart, patches reply to the cover")
    func shippedSeries() throws {
        let files = try Fixtures.shippedSeries()
        let messages = try Fixtures.prepare(files)
        try #require(messages.count == 4)
        try #require(files.count == 4, "\(files.map(\.fileName))")
        let id = messages[0].messageID
        #expect(id.wholeMatch(of: /<[0-9a-f]{32}\.1@example\.org>/) != nil, "\(id)")
        #expect(
            header(messages[0]) == """
                From: Kernel Developer <developer@example.org>
                To: Maintainer One <one@example.org>
                Cc: list@vger.example.org,
                \t"Second, Reviewer" <two@example.org>
                Date: Mon, 24 Nov 2025 17:00:00 +0100
                Subject: [RFC PATCH v1 0/3] Avoid waking rcuc on nohz_full CPUs in KVM's vCPU
                 run loop
                Message-Id: \(id)
                MIME-Version: 1.0
                Content-Transfer-Encoding: 8bit
                """)
        #expect(messages[0].subject == "[RFC PATCH v1 0/3] Avoid waking rcuc on nohz_full CPUs in KVM's vCPU run loop")
        for (index, message) in messages.enumerated() {
            #expect(message.messageID == "<\(id.dropFirst().prefix(32)).\(index + 1)@example.org>")
            #expect(header(message).contains("Date: Mon, 24 Nov 2025 17:00:0\(index) +0100\n"))
            #expect(!text(message.bytes).hasPrefix("From "))
            // The body is the file's, untouched.
            #expect(Array(message.bytes.suffix(files[index].body.count)) == files[index].body)
            #expect(message.envelope.sender == "developer@example.org")
            #expect(message.envelope.recipients == ["one@example.org", "list@vger.example.org", "two@example.org"])
            if index > 0 {
                #expect(header(message).contains("Message-Id: \(message.messageID)\nIn-Reply-To: \(id)\nReferences: \(id)\n"))
            } else {
                #expect(!header(message).contains("In-Reply-To"))
            }
        }
        // The same files give the same ids, at any time.
        var later = Fixtures.options
        later.firstDate = nil
        #expect(try Fixtures.prepare(files, options: later).map(\.messageID) == messages.map(\.messageID))
    }

    @Test("threading headers written by git format-patch --thread are kept; the sendmail argv and body match git send-email")
    func gitSendEmailOracle() throws {
        let repository = try GitFixture()
        try repository.commit(["a.txt": "base\n"], message: "base")
        try repository.commit(["a.txt": "base\nmore\n"], message: "a.txt: more\n\n.\nA body with a lone dot.")
        var environment = repository.environment
        environment["GIT_AUTHOR_NAME"] = "Jörg Rödel"
        environment["GIT_AUTHOR_EMAIL"] = "joerg@example.org"
        try Data("by Jörg\n".utf8).write(to: URL(fileURLWithPath: "\(repository.path)/b.txt"))
        try repository.git("add", "b.txt")
        try ProcessRunner.checked(
            ["git", "-C", repository.path, "commit", "-q", "-m", "second: by Jörg"], environment: environment)
        let out = "\(repository.scratch.path)/out"
        try repository.git("format-patch", "-q", "--thread", "--cover-letter", "-o", out, "HEAD~2")

        let recorder = try SendmailRecorder()
        let from = "Kernel Dev <dev@example.org>"
        let gitRun = try ProcessRunner.run(
            [
                "git", "-C", repository.path, "send-email", "--force", "--confirm=never", "--suppress-cc=all",
                "--no-xmailer", "--from=\(from)", "--to=One <one@example.org>", "--cc=two@example.org",
                "--envelope-sender=auto", "--sendmail-cmd=\(recorder.command) --extra",
            ] + (try FileManager.default.contentsOfDirectory(atPath: out).sorted().map { "\(out)/\($0)" }),
            environment: repository.environment)
        try #require(gitRun.status == 0, "\(gitRun.stderrText)")
        let gits = try recorder.calls()

        let files = try MailFile.series(inFolder: out)
        let messages = try MessagePreparer.prepare(
            files, options: PreparationOptions(sender: from, envelopeSender: .auto)
        ) { _ in MessageRecipients(to: ["One <one@example.org>"], cc: ["two@example.org"]) }
        let ours = try SendmailRecorder()
        let transport = SendmailTransport(SendmailCommand(.shell("\(ours.command) --extra")))
        #expect(SeriesSender.send(messages, through: transport).isComplete)
        let calls = try ours.calls()
        try #require(calls.count == 3 && gits.count == 3)
        try #require(messages.count == 3 && files.count == 3, "\(files.map(\.fileName))")
        for index in 0..<3 {
            #expect(calls[index].arguments == gits[index].arguments)
            #expect(calls[index].arguments == ["--extra", "-f", "dev@example.org", "-i", "one@example.org", "two@example.org"])
            #expect(calls[index].input == messages[index].bytes)
            let (ourHeader, ourBody) = Self.split(calls[index].input)
            let (gitHeader, gitBody) = Self.split(gits[index].input)
            #expect(ourBody == gitBody, "body of message \(index + 1) differs from git send-email's")
            // The same header fields, in another order, with another Date.
            #expect(
                Set(ourHeader.filter { !$0.hasPrefix("Date:") }) == Set(gitHeader.filter { !$0.hasPrefix("Date:") }),
                "message \(index + 1)")
            // The ids format-patch wrote are kept.
            #expect(messages[index].messageID == files[index].field("Message-Id")?.value)
        }
        // Jörg's patch opens with his From line, as git send-email writes it.
        #expect(text(messages[2].bytes).contains("\n\nFrom: Jörg Rödel <joerg@example.org>\n\n"))
    }

    /// Header fields (unfolded) and body of a message.
    private static func split(_ bytes: [UInt8]) -> ([String], [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\n\n") else { return ([], bytes) }
        var fields: [String] = []
        for line in text[..<end.lowerBound].split(separator: "\n") {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                fields.append(String(line))
            }
        }
        return (fields, Array(text[end.upperBound...].utf8))
    }

    @Test("chained threading, a first message replying elsewhere, and no threading")
    func threadingModes() throws {
        let files = try Fixtures.shippedSeries()
        var options = Fixtures.options
        options.threading = .chained
        options.inReplyTo = "<v0-cover@example.org>"
        let chained = try Fixtures.prepare(files, options: options)
        let ids = chained.map(\.messageID)
        try #require(chained.count == 4, "\(ids)")
        #expect((header(chained[0]) + "\n").contains("In-Reply-To: <v0-cover@example.org>\nReferences: <v0-cover@example.org>\n"))
        #expect((header(chained[2]) + "\n").contains("In-Reply-To: \(ids[1])\nReferences: <v0-cover@example.org>\n \(ids[0])\n \(ids[1])\n"))

        options.threading = .shallow
        let shallow = try Fixtures.prepare(files, options: options)
        try #require(shallow.count == 4, "\(shallow.map(\.messageID))")
        #expect((header(shallow[3]) + "\n").contains("In-Reply-To: \(ids[0])\nReferences: <v0-cover@example.org>\n \(ids[0])\n"))

        options.threading = .none
        options.inReplyTo = nil
        let none = try Fixtures.prepare(files, options: options)
        #expect(none.allSatisfy { !header($0).contains("In-Reply-To") && !header($0).contains("References") })
    }

    @Test("a sender other than the author: the author opens the body, MIME headers added for a non-ASCII name")
    func senderOtherThanAuthor() throws {
        let files = try Fixtures.awkwardSeries()
        var options = Fixtures.options
        options.sender = "Kernel Developer <developer@example.org>"
        options.envelopeSender = .address("bounces@example.org")
        let messages = try Fixtures.prepare(files, options: options)
        try #require(messages.count == 3, "\(messages.map(\.fileName))")
        // Same mailbox: no From line in the body.
        #expect(messages[0].bytes.suffix(files[0].body.count).elementsEqual(files[0].body))
        #expect(text(messages[0].bytes).contains("\n\nA cover letter."))
        // Jörg's patch already declares UTF-8: only the body line is added.
        #expect(text(messages[1].bytes).contains("\n\nFrom: Jörg Rödel <joerg@example.org>\n\nJörg's change"))
        #expect(header(messages[1]).components(separatedBy: "MIME-Version").count == 2)
        #expect(messages[1].envelope == Envelope(
            sender: "bounces@example.org", senderIsExplicit: true,
            recipients: ["one@example.org", "list@vger.example.org", "two@example.org"]))

        // An author with a non-ASCII name on a plain-ASCII patch gets the MIME headers.
        let plain = try MailFile(
            fileName: "0001-x.patch",
            bytes: Array("From: =?UTF-8?q?J=C3=B6rg?= <j@example.org>\nDate: x\nSubject: [PATCH] x\n\nbody\n".utf8))
        let prepared = try #require(try Fixtures.prepare([plain], options: options).first)
        #expect(
            text(prepared.bytes).hasSuffix(
                "Subject: [PATCH] x\nMessage-Id: \(prepared.messageID)\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\nFrom: Jörg <j@example.org>\n\nbody\n"
            ))
    }

    @Test("recipients: merged with the file's To/Cc, each once, Cc without the To, Bcc only in the envelope, names quoted or encoded")
    func recipients() throws {
        let file = try MailFile(
            fileName: "0001-x.patch",
            bytes: Array(
                "From: A <a@example.org>\nTo: one@example.org\nCc: C <c@example.org>,\n d@example.org\nDate: x\nSubject: [PATCH] x\n\nbody\n"
                    .utf8))
        let messages = try Fixtures.prepare(
            [file],
            recipients: MessageRecipients(
                to: ["Maintainer One <ONE@example.org>", "Zoë Ünal <z@example.org>"], cc: ["c@example.org", "e.f@example.org"],
                bcc: ["hidden@example.org", "z@example.org"]))
        try #require(messages.count == 1)
        #expect(
            header(messages[0]) == """
                From: A <a@example.org>
                To: Maintainer One <ONE@example.org>,
                \t=?UTF-8?q?Zo=C3=AB=20=C3=9Cnal?= <z@example.org>
                Cc: c@example.org,
                \te.f@example.org,
                \td@example.org
                Date: Mon, 24 Nov 2025 17:00:00 +0100
                Subject: [PATCH] x
                Message-Id: \(messages[0].messageID)
                MIME-Version: 1.0
                Content-Transfer-Encoding: 8bit
                """)
        #expect(
            messages[0].envelope.recipients == [
                "ONE@example.org", "z@example.org", "c@example.org", "e.f@example.org", "d@example.org",
                "hidden@example.org",
            ])

        let invalid = #expect(throws: MailError.self) {
            try Fixtures.prepare([file], recipients: MessageRecipients(to: ["not an address <>"]))
        }
        #expect(invalid?.code == .malformedMessage)
        let lonely = try MailFile(fileName: "x.patch", bytes: Array("From: a@example.org\nSubject: x\n\nbody\n".utf8))
        let nobody = #expect(throws: MailError.self) {
            try Fixtures.prepare([lonely], recipients: MessageRecipients())
        }
        #expect(nobody?.code == .noRecipients)
    }

    @Test("refusals that name the file: a line over 998 bytes, no Subject, no header")
    func malformed() throws {
        let long = "From: a@example.org\nSubject: [PATCH] long\n\nok\n" + String(repeating: "x", count: 999) + "\n"
        let file = try MailFile(fileName: "0001-long.patch", bytes: Array(long.utf8))
        let error = #expect(throws: MailError.self) { try Fixtures.prepare([file]) }
        #expect(error?.fileName == "0001-long.patch")
        #expect(error?.subject == "[PATCH] long")
        #expect(error?.message.contains("body line 2 is 999 bytes long") == true, "\(String(describing: error))")
        let noSubject = try MailFile(fileName: "0002-x.patch", bytes: Array("From: a@example.org\n\nbody\n".utf8))
        #expect(throws: MailError.self) { try Fixtures.prepare([noSubject]) }
        #expect(throws: MailError.self) { try MailFile(fileName: "0003-x.patch", bytes: Array("just text\n".utf8)) }
    }

    @Test("the SMTP form: every LF becomes CRLF, an existing CRLF stays one")
    func smtpData() throws {
        let messages = try Fixtures.prepare(try Fixtures.awkwardSeries())
        try #require(messages.count == 3, "\(messages.map(\.fileName))")
        let message = messages[1]
        let data = message.smtpData
        #expect(String(decoding: data, as: UTF8.self).contains("carriage return\r\n--"))
        #expect(!data.indices.contains { data[$0] == 10 && ($0 == 0 || data[$0 - 1] != 13) })
        #expect(data.count == message.bytes.count + message.bytes.filter { $0 == 10 }.count - 1)
    }

    @Test("dates as git send-email writes them: two-digit day, the zone's offset")
    func dates() {
        #expect(RFC2822Date.sendEmailStyle(seconds: 0, offsetSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(
            RFC2822Date.sendEmailStyle(seconds: 1_709_251_199, offsetSeconds: -(5 * 3600 + 30 * 60))
                == "Thu, 29 Feb 2024 18:29:59 -0530")
    }

    @Test("the dry run prints the envelope and the exact bytes of each message")
    func dryRun() throws {
        let messages = try Fixtures.prepare(try Fixtures.awkwardSeries())
        let delivery = Delivery.smtp(SMTPServer(host: "smtp.example.org", port: 587, encryption: .startTLS, user: "me"))
        let output = DryRun.render(messages, delivery: delivery)
        #expect(text(output).hasPrefix("Server: smtp.example.org:587 (STARTTLS) as me\n\n--- 1/3 0000-cover-letter.patch: "))
        let parsed = try Fixtures.parseDryRun(output)
        #expect(parsed.map(\.bytes) == messages.map(\.bytes))
        let first = try #require(parsed.first, "\(text(output))")
        #expect(
            first.envelope == [
                "MAIL FROM:<developer@example.org>", "RCPT TO:<one@example.org>", "RCPT TO:<list@vger.example.org>",
                "RCPT TO:<two@example.org>",
            ])
        let sendmail = Delivery.sendmail(SendmailCommand(.shell("msmtp -a work")))
        let sendmailOutput = DryRun.render(messages, delivery: sendmail)
        let sendmailFirst = try #require(try Fixtures.parseDryRun(sendmailOutput).first, "\(text(sendmailOutput))")
        #expect(
            sendmailFirst.envelope == [
                "Sendmail: msmtp -a work -i one@example.org list@vger.example.org two@example.org"
            ])
    }
}

/// A sendmail command for tests that records its arguments and standard input per call.
final class SendmailRecorder: @unchecked Sendable {
    let scratch: ScratchDirectory
    var command: String { "\(scratch.path)/record" }

    init(exitStatus: Int = 0) throws {
        scratch = try ScratchDirectory("kseries-sendmail")
        try scratch.write(
            "record",
            """
            #!/bin/sh
            dir=\(scratch.path)/calls
            mkdir -p "$dir"
            n=$(ls "$dir" | grep -c args)
            n=$(printf '%03d' "$n")
            for a in "$@"; do printf '%s\\0' "$a"; done > "$dir/$n.args"
            cat > "$dir/$n.input"
            \(exitStatus == 0 ? "" : "echo 'sendmail: queue is full' >&2; exit \(exitStatus)")
            """)
        try ProcessRunner.checked(["chmod", "+x", command])
    }

    func calls() throws -> [(arguments: [String], input: [UInt8])] {
        let folder = "\(scratch.path)/calls"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".args") }
        return try names.sorted().map { name in
            let base = "\(folder)/\(name.dropLast(5))"
            let arguments = try scratch.read("calls/\(name)").split(separator: 0, omittingEmptySubsequences: false)
                .dropLast().map { String(decoding: $0, as: UTF8.self) }
            return (arguments, Array(try Data(contentsOf: URL(fileURLWithPath: "\(base).input"))))
        }
    }
}
