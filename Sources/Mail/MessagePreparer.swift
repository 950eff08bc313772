import Foundation
import MailFormat

/// Who gets one message; the caller computes them (MAINTAINERS, template, command line).
public struct MessageRecipients: Sendable, Equatable {
    public var to: [String]
    public var cc: [String]
    /// In the envelope only, never in a header.
    public var bcc: [String]

    public init(to: [String] = [], cc: [String] = [], bcc: [String] = []) {
        self.to = to
        self.cc = cc
        self.bcc = bcc
    }
}

/// Which message each message replies to when the files carry no threading headers.
public enum Threading: Sendable, Equatable {
    /// No `In-Reply-To`/`References` added (git send-email `--no-thread`).
    case none
    /// Every message replies to the first, the cover letter (git send-email's default).
    case shallow
    /// Each message replies to the one before (`sendemail.chainReplyTo`).
    case chained
}

/// The envelope sender: `sendemail.envelopeSender`.
public enum EnvelopeSender: Sendable, Equatable {
    /// Unset: the From address, and no `-f` for a sendmail command.
    case fromHeader
    /// `auto`: the From address, passed explicitly (`-f`).
    case auto
    /// An address of its own.
    case address(String)
}

/// How to turn mail files into messages to send.
public struct PreparationOptions: Sendable {
    /// `sendemail.from`: the `From:` header of every message. When a file's author differs,
    /// the author moves to a `From:` line at the top of the body, as git send-email does, so
    /// that `git am` still credits them. Nil keeps each file's own `From:`.
    public var sender: String?
    public var envelopeSender: EnvelopeSender
    /// The `Date:` of the first message; each next one is a second later. Nil: now minus one
    /// second per message after the first, as git send-email does, so the last is now.
    public var firstDate: Date?
    /// The zone the dates are written in.
    public var timeZone: TimeZone
    public var threading: Threading
    /// A Message-Id (`<…>`) the first message replies to (`--in-reply-to`, e.g. the previous
    /// version's cover letter).
    public var inReplyTo: String?

    public init(
        sender: String? = nil, envelopeSender: EnvelopeSender = .fromHeader, firstDate: Date? = nil,
        timeZone: TimeZone = .current, threading: Threading = .shallow, inReplyTo: String? = nil
    ) {
        self.sender = sender
        self.envelopeSender = envelopeSender
        self.firstDate = firstDate
        self.timeZone = timeZone
        self.threading = threading
        self.inReplyTo = inReplyTo
    }
}

/// Turns the mail files of a series into `PreparedMessage`s, as git send-email would send them:
/// the mbox `From ` line dropped; `To:`/`Cc:` (the caller's, plus those already in the file)
/// right after `From:`; `Date:` replaced, a second apart per message so that mail readers
/// keep the order; `Message-Id:` kept, or added; `In-Reply-To:`/`References:` kept, or added
/// so that the patches reply to the cover letter; `MIME-Version: 1.0` and
/// `Content-Transfer-Encoding: 8bit` added when missing, as git send-email does. Every other
/// header and the body are kept as they are.
///
/// Added Message-Ids are derived from the content of the whole series (and the sender's
/// domain), so preparing the same files again gives the same ids: a retry after a partial
/// send threads onto what already went out, and the `SendLog` recognises it.
public enum MessagePreparer {
    /// RFC 5322's limit on a line, without its line end; git send-email refuses longer ones.
    public static let maximumLineLength = 998

    public static func prepare(
        _ files: [MailFile], options: PreparationOptions = PreparationOptions(),
        recipients: (MailFile) -> MessageRecipients
    ) throws(MailError) -> [PreparedMessage] {
        guard !files.isEmpty else { return [] }
        let firstDate = options.firstDate ?? Date().addingTimeInterval(-Double(files.count - 1))
        let firstSecond = Int64(firstDate.timeIntervalSince1970.rounded(.down))
        let digest = SeriesDigest.of(files)

        var messages: [PreparedMessage] = []
        var references: [[String]] = []  // the References chain of each message, its id last
        for (index, file) in files.enumerated() {
            guard let subjectField = file.field("Subject") else {
                throw MailError(.malformedMessage, "the mail has no Subject header", fileName: file.fileName)
            }
            let subject = RFC2047.decode(subjectField.value)
            try checkLineLengths(file, subject: subject)

            let sender = try Self.sender(of: file, subject: subject, options: options)
            let addressees = try Self.addressees(of: file, subject: subject, given: recipients(file))
            var extraHeaders = sender.extraHeaders
            if file.field("Content-Transfer-Encoding") == nil { extraHeaders.append("Content-Transfer-Encoding: 8bit") }

            let messageID = file.field("Message-Id")?.value ?? "<\(digest).\(index + 1)@\(domain(of: sender.from))>"
            let thread = threading(of: file, at: index, messageID: messageID, earlier: references, options: options)
            references.append(thread.chain)

            let second = firstSecond + Int64(index)
            let offset = Int64(options.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
            let date = RFC2822Date.sendEmailStyle(seconds: second, offsetSeconds: offset)
            var added: [String] = []
            if file.field("Date") == nil { added.append("Date: \(date)") }
            if file.field("Message-Id") == nil { added.append("Message-Id: \(messageID)") }
            added += thread.headers + extraHeaders
            let header = Self.header(of: file, from: sender.from, to: addressees.to, cc: addressees.cc, date: date, added: added)

            messages.append(
                PreparedMessage(
                    fileName: file.fileName, subject: subject, messageID: messageID,
                    envelope: Envelope(
                        sender: envelopeSender(from: sender.from, options: options),
                        senderIsExplicit: options.envelopeSender != .fromHeader, recipients: addressees.envelope),
                    bytes: header + [UInt8(ascii: "\n")] + sender.body))
        }
        return messages
    }

    /// The `From:` the message goes out with, and what that changes: with a configured sender
    /// that is not the author, the author opens the body (`From: author` and a blank line), as
    /// git send-email writes it. git send-email always declares MIME 1.0, and the charset when
    /// it moves a non-ASCII author into a plain body.
    private static func sender(
        of file: MailFile, subject: String, options: PreparationOptions
    ) throws(MailError) -> (from: String, body: [UInt8], extraHeaders: [String]) {
        let fileFrom = file.field("From")?.value
        var body = file.body
        var extraHeaders: [String] = []
        if file.field("MIME-Version") == nil { extraHeaders.append("MIME-Version: 1.0") }
        if let sender = options.sender.map(MailAddress.sanitized) {
            if let fileFrom, !sameMailbox(fileFrom, sender) {
                let author = RFC2047.decode(fileFrom)
                body = Array("From: \(author)\n\n".utf8) + body
                if author.unicodeScalars.contains(where: { !$0.isASCII }) && file.field("Content-Type") == nil {
                    extraHeaders.append("Content-Type: text/plain; charset=UTF-8")
                }
            }
            return (sender, body, extraHeaders)
        }
        guard let fileFrom else {
            throw MailError(
                .malformedMessage, "the mail has no From header and no sender is configured (sendemail.from)",
                fileName: file.fileName, subject: subject)
        }
        return (fileFrom, body, extraHeaders)
    }

    /// `To:` and `Cc:` (the caller's first, then those already in the file, each once, an
    /// address in `To:` not repeated in `Cc:`) and the envelope's recipients (with `Bcc:`).
    private static func addressees(
        of file: MailFile, subject: String, given: MessageRecipients
    ) throws(MailError) -> (to: [String], cc: [String], envelope: [String]) {
        let fileTo = file.fields.filter { $0.hasName("To") }.flatMap { MailAddress.splitList($0.value) }
        let fileCc = file.fields.filter { $0.hasName("Cc") }.flatMap { MailAddress.splitList($0.value) }
        let to = MailAddress.unique((given.to + fileTo).map(MailAddress.sanitized))
        let toKeys = Set(to.compactMap { MailAddress.addrSpec($0)?.lowercased() })
        let cc = MailAddress.unique((given.cc + fileCc).map(MailAddress.sanitized))
            .filter { !toKeys.contains(MailAddress.addrSpec($0)?.lowercased() ?? $0) }
        var envelope: [String] = []
        for address in to + cc + given.bcc {
            guard let bare = MailAddress.addrSpec(address) else {
                throw MailError(
                    .malformedMessage, "'\(address)' is not a mail address", fileName: file.fileName, subject: subject,
                    address: address)
            }
            envelope.append(bare)
        }
        envelope = MailAddress.unique(envelope)
        guard !envelope.isEmpty else {
            throw MailError(.noRecipients, "the message has no recipient", fileName: file.fileName, subject: subject)
        }
        return (to, cc, envelope)
    }

    /// The threading headers to add and the message's `References` chain (its id last): the
    /// file's own `In-Reply-To`/`References` when it has them; else a reply to the cover letter
    /// (shallow) or to the previous message (chained), or to `options.inReplyTo`.
    private static func threading(
        of file: MailFile, at index: Int, messageID: String, earlier references: [[String]], options: PreparationOptions
    ) -> (headers: [String], chain: [String]) {
        if let inReplyTo = file.field("In-Reply-To")?.value {
            let fileReferences = file.field("References").map { $0.value.split(separator: " ").map(String.init) }
            return ([], (fileReferences ?? [inReplyTo]) + [messageID])
        }
        var parent: [String]? = nil
        if options.threading != .none, index > 0 {
            parent = options.threading == .shallow ? references[0] : references[index - 1]
        } else if let inReplyTo = options.inReplyTo, index == 0 || options.threading == .none {
            parent = [inReplyTo]
        }
        guard let parent, let last = parent.last else { return ([], [messageID]) }
        return (["In-Reply-To: \(last)", "References: " + parent.joined(separator: "\n ")], parent + [messageID])
    }

    /// The header in the file's order with the changes: `From:` then `To:`/`Cc:` where the
    /// file's `From:` was (first when it had none), `Bcc:` never written, `Date:` replaced,
    /// and `added` right after `Subject:`.
    private static func header(
        of file: MailFile, from: String, to: [String], cc: [String], date: String, added: [String]
    ) -> [UInt8] {
        var added = added
        var header: [UInt8] = []
        var wroteFrom = false
        func writeFromAndRecipients() {
            header += Array("From: \(from)\n".utf8)
            if !to.isEmpty { header += Array("To: \(to.joined(separator: ",\n\t"))\n".utf8) }
            if !cc.isEmpty { header += Array("Cc: \(cc.joined(separator: ",\n\t"))\n".utf8) }
            wroteFrom = true
        }
        if file.field("From") == nil { writeFromAndRecipients() }
        for field in file.fields {
            if field.hasName("From") {
                if !wroteFrom { writeFromAndRecipients() }
            } else if field.hasName("To") || field.hasName("Cc") || field.hasName("Bcc") {
                continue
            } else if field.hasName("Date") {
                header += Array("Date: \(date)\n".utf8)
            } else {
                header += field.raw
                if field.hasName("Subject") {
                    for line in added { header += Array("\(line)\n".utf8) }
                    added = []
                }
            }
        }
        return header
    }

    /// The envelope's sender: the `From:` address, or `sendemail.envelopeSender`'s.
    private static func envelopeSender(from: String, options: PreparationOptions) -> String {
        switch options.envelopeSender {
        case .fromHeader, .auto: MailAddress.addrSpec(from) ?? from
        case .address(let address): MailAddress.addrSpec(address) ?? address
        }
    }

    private static func checkLineLengths(_ file: MailFile, subject: String) throws(MailError) {
        var lineNumber = 1
        var length = 0
        let headerLines = file.fields.reduce(0) { $0 + $1.raw.filter { $0 == UInt8(ascii: "\n") }.count }
        for byte in file.body {
            if byte == UInt8(ascii: "\n") {
                if length > maximumLineLength {
                    throw MailError(
                        .malformedMessage,
                        "body line \(lineNumber) is \(length) bytes long, over the \(maximumLineLength) that mail allows (file line \(lineNumber + headerLines + (file.mboxLine == nil ? 1 : 2)))",
                        fileName: file.fileName, subject: subject)
                }
                lineNumber += 1
                length = 0
            } else if byte != UInt8(ascii: "\r") {
                length += 1
            }
        }
    }

    /// Whether two `Name <addr>` strings name the same mailbox (same name, same address).
    private static func sameMailbox(_ a: String, _ b: String) -> Bool {
        func key(_ text: String) -> String {
            let decoded = RFC2047.decode(text)
            let bare = (MailAddress.addrSpec(decoded) ?? decoded).lowercased()
            let name = decoded.firstIndex(of: "<").map { String(decoded[..<$0]) } ?? ""
            return name.replacingOccurrences(of: "\"", with: "").trimmingSpaces() + "\u{0}" + bare
        }
        return key(a) == key(b)
    }

    private static func domain(of address: String) -> String {
        let bare = MailAddress.addrSpec(address) ?? address
        guard let at = bare.lastIndex(of: "@") else { return "localhost" }
        let domain = bare[bare.index(after: at)...]
        return domain.isEmpty ? "localhost" : String(domain)
    }
}

/// A 128-bit digest of a series' files (names and bytes, FNV-1a twice), in hex: the stable
/// part of the Message-Ids kseries adds.
enum SeriesDigest {
    static func of(_ files: [MailFile]) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x6c62_272e_07bb_0142
        func mix(_ byte: UInt8) {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        for file in files {
            for byte in file.fileName.utf8 { mix(byte) }
            mix(0)
            for field in file.fields where !field.hasName("Date") {
                for byte in field.raw { mix(byte) }
            }
            for byte in file.body { mix(byte) }
            mix(0)
        }
        return hex(first) + hex(second)
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
