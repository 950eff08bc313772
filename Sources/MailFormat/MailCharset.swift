/// git's notion of text that is "not ASCII" in a mail (pretty.c's `non_ascii` and
/// `has_non_ascii`): a byte with the high bit set, or ESC (0x1B, which starts ISO-2022
/// sequences). Such text gets the 8-bit MIME headers in a mail body and RFC 2047 encoding in
/// a header. Other control characters (tab, CR, 0x01, …) are ASCII to git.
public enum MailCharset {
    /// `non_ascii`.
    public static func isNonASCII(_ byte: UInt8) -> Bool { byte >= 0x80 || byte == 0x1B }

    /// `has_non_ascii`: git reads a C string, so a NUL byte ends the text.
    public static func hasNonASCII<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        for byte in bytes {
            if byte == 0 { return false }
            if isNonASCII(byte) { return true }
        }
        return false
    }

    /// The three headers git writes after `Subject:` when the mail is not ASCII (`pp_title_line`).
    public static let eightBitHeaders = Array(
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n".utf8)
}
