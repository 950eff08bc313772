/// What mail headers and bodies carry, decoded: RFC 2047 encoded words (`=?UTF-8?q?…?=`,
/// `=?iso-8859-1?b?…?=`), quoted-printable and base64 bodies. The one decoder kseries uses
/// wherever it reads mail: patches, saved threads, series about to be sent.
public enum MailEncoding {
    /// A header value with its encoded words decoded (UTF-8 and ISO-8859-1 understood, other
    /// charsets kept as bytes); whitespace between two encoded words is dropped, as RFC 2047 says.
    public static func decodeHeader(_ value: [UInt8]) -> String { MailReader.decodeWords(value) }

    public static func decodeHeader(_ value: String) -> String { decodeHeader(Array(value.utf8)) }

    /// A quoted-printable body (soft line breaks removed).
    public static func decodeQuotedPrintable(_ input: [UInt8]) -> [UInt8] { MailReader.decodeQuotedPrintable(input) }

    /// A base64 body (line breaks and other non-alphabet bytes skipped).
    public static func decodeBase64(_ input: [UInt8]) -> [UInt8] { MailReader.decodeBase64(input) }

    /// The value of parameter `name` of a header value such as a `Content-Type`
    /// (`text/plain; charset=UTF-8; format=flowed`, `multipart/mixed; boundary="=-x"`), unquoted;
    /// names compare case-insensitively.
    public static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, String(pair[0]).trimmingSpaces.lowercased() == name.lowercased() else { continue }
            var text = String(pair[1]).trimmingSpaces
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
            return text
        }
        return nil
    }
}
