/// The SMTP envelope of one message: who the server is told it is from (`MAIL FROM`) and who
/// gets it (`RCPT TO`, one per address: To, Cc and Bcc together).
public struct Envelope: Sendable, Equatable {
    /// The bare address for `MAIL FROM:<…>`.
    public var sender: String
    /// True when `sendemail.envelopeSender` (or its `auto`) set it: only then does the
    /// sendmail command get `-f <sender>`, as in git send-email.
    public var senderIsExplicit: Bool
    /// Bare addresses, each once, in the order To, Cc, Bcc.
    public var recipients: [String]

    public init(sender: String, senderIsExplicit: Bool, recipients: [String]) {
        self.sender = sender
        self.senderIsExplicit = senderIsExplicit
        self.recipients = recipients
    }
}

/// One message ready to go: its envelope and the exact message.
///
/// What "the bytes" are: `bytes` is the RFC 5322 message with `\n` line ends, as in the mail
/// file (headers, blank line, body) and as a sendmail command receives it on its standard
/// input. On an SMTP connection the same message travels as `smtpData`: every line end is
/// CRLF (RFC 5321 §2.3.8; a `\r\n` already in the file stays one CRLF, as Net::SMTP in git
/// send-email does), and the transport adds the dot-stuffing of RFC 5321 §4.5.2 (a line that
/// starts with `.` gets a second one) and the final `.` line, which the server removes: what
/// a server stores is `smtpData`, byte for byte.
public struct PreparedMessage: Sendable, Equatable {
    /// The mail file it comes from (`0000-cover-letter.patch`).
    public var fileName: String
    /// Its Subject, unfolded and decoded, for reports.
    public var subject: String
    /// `<…>`, as in the `Message-Id:` header: the key of the send log.
    public var messageID: String
    public var envelope: Envelope
    /// The message with `\n` line ends (see the type's documentation).
    public var bytes: [UInt8]

    public init(fileName: String, subject: String, messageID: String, envelope: Envelope, bytes: [UInt8]) {
        self.fileName = fileName
        self.subject = subject
        self.messageID = messageID
        self.envelope = envelope
        self.bytes = bytes
    }

    /// The message as the DATA of an SMTP transaction, before dot-stuffing: each `\n` or
    /// `\r\n` becomes `\r\n`.
    public var smtpData: [UInt8] { Self.crlf(bytes) }

    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 40)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}
