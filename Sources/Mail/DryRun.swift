/// What `kseries send` prints by default instead of sending: where the messages would go,
/// then each message with its envelope and its exact bytes.
///
///     Server: smtp.example.org:587 (STARTTLS) as me
///
///     --- 1/4 0000-cover-letter.patch: 2345 bytes
///     MAIL FROM:<me@example.org>
///     RCPT TO:<maintainer@example.org>
///
///     From: Me <me@example.org>
///     …the message, byte for byte as `PreparedMessage.bytes`…
///
/// The `--- ` line gives the byte count, so the output can be split back into messages
/// exactly. Lines end in `\n` here; on an SMTP connection each is CRLF and a line starting
/// with `.` is dot-stuffed (see `PreparedMessage`). Messages the send log lists are named,
/// not printed: `--- 2/4 0001-….patch: already sent, skipped`.
public enum DryRun {
    public static func render(_ messages: [PreparedMessage], delivery: Delivery, log: SendLog? = nil) -> [UInt8] {
        var out = Array("\(delivery.summary)\n".utf8)
        for (index, message) in messages.enumerated() {
            let position = "\(index + 1)/\(messages.count) \(message.fileName)"
            if log?.contains(message.messageID) == true {
                out += Array("\n--- \(position): already sent, skipped\n".utf8)
                continue
            }
            out += Array("\n--- \(position): \(message.bytes.count) bytes\n".utf8)
            for line in delivery.envelopeLines(message) { out += Array("\(line)\n".utf8) }
            out += Array("\n".utf8)
            out += message.bytes
        }
        return out
    }
}
