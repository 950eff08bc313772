/// RFC 2047 encoded words in mail headers (`=?UTF-8?q?J=C3=B6rg?=`), written as git's tools
/// write them and read as `git mailinfo` reads them.
public enum RFC2047 {
    /// Which header an encoded word goes in: an address's display name allows fewer plain
    /// characters than a subject.
    public enum Context: Sendable {
        case subject, address
    }

    /// `needs_rfc2047_encoding`: non-ASCII (ESC included), a newline, or a `=?` that would
    /// read as an encoded word.
    public static func needsEncoding(_ text: [UInt8]) -> Bool {
        for (index, byte) in text.enumerated() {
            if MailCharset.isNonASCII(byte) || byte == newline { return true }
            if byte == UInt8(ascii: "="), index + 1 < text.count, text[index + 1] == UInt8(ascii: "?") { return true }
        }
        return false
    }

    /// git format-patch's `add_rfc2047`: `=?UTF-8?q?…?=` encoded words appended to `out`,
    /// folded before 76 columns (counted from the start of `out`'s last line) without
    /// splitting a UTF-8 character.
    public static func appendEncodedWords(_ text: [UInt8], to out: inout [UInt8], context: Context) {
        let maxEncodedLength = 76
        let opener = Array("=?UTF-8?q?".utf8)
        var lineLength = lastLineLength(out)
        out += opener
        lineLength += opener.count
        var index = 0
        while index < text.count {
            let length = UTF8Sequence.decode(text, at: index)?.length ?? 1
            let special = length > 1 || isSpecial(text[index], context: context)
            let encodedLength = special ? 3 * length : 1
            if lineLength + encodedLength + 2 > maxEncodedLength {
                out += Array("?=\n ".utf8) + opener
                lineLength = opener.count + 1
            }
            for byte in text[index..<index + length] {
                if special {
                    out.append(UInt8(ascii: "="))
                    appendHex(byte, to: &out)
                } else {
                    out.append(byte)
                }
            }
            lineLength += encodedLength
            index += length
        }
        out += Array("?=".utf8)
    }

    /// git send-email's `quote_rfc2047`: one encoded word, everything but `-a-zA-Z0-9!*+/` as
    /// `=XX`, never folded.
    public static func sendEmailWord(_ text: String) -> String {
        var out = Array("=?UTF-8?q?".utf8)
        for byte in text.utf8 {
            if isAlphanumeric(byte) || "-!*+/".utf8.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "="))
                appendHex(byte, to: &out)
            }
        }
        return String(decoding: out + Array("?=".utf8), as: UTF8.self)
    }

    /// True when the whole value is one encoded word.
    public static func isEncodedWord(_ text: String) -> Bool {
        text.hasPrefix("=?") && text.hasSuffix("?=")
    }

    /// A header value with its encoded words decoded (`q` and `b`; UTF-8 and ISO-8859-1
    /// understood, other charsets kept as bytes); whitespace between two encoded words is
    /// dropped, as RFC 2047 says.
    public static func decode(_ value: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        var pendingSpace: [UInt8] = []
        var lastWasEncoded = false
        while index < value.count {
            if value[index] == UInt8(ascii: "="), index + 1 < value.count, value[index + 1] == UInt8(ascii: "?"),
                let (decoded, end) = encodedWord(value, at: index)
            {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = []
                out += decoded
                index = end
                lastWasEncoded = true
                continue
            }
            if value[index] == space || value[index] == tab {
                pendingSpace.append(value[index])
            } else {
                out += pendingSpace
                pendingSpace = []
                out.append(value[index])
                lastWasEncoded = false
            }
            index += 1
        }
        out += pendingSpace
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ value: String) -> String { decode(Array(value.utf8)) }

    private static func encodedWord(_ value: [UInt8], at start: Int) -> ([UInt8], Int)? {
        var index = start + 2
        guard let charsetEnd = value[index...].firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let charset = String(decoding: value[index..<charsetEnd], as: UTF8.self).lowercased()
        index = charsetEnd + 1
        guard index + 1 < value.count, value[index + 1] == UInt8(ascii: "?") else { return nil }
        let method = value[index] | 0x20
        index += 2
        var end = index
        while end + 1 < value.count, !(value[end] == UInt8(ascii: "?") && value[end + 1] == UInt8(ascii: "=")) { end += 1 }
        guard end + 1 < value.count else { return nil }
        let text = Array(value[index..<end])
        var decoded: [UInt8]
        switch method {
        case UInt8(ascii: "q"):
            decoded = TransferEncoding.decodeQuotedPrintable(text.map { $0 == UInt8(ascii: "_") ? space : $0 })
        case UInt8(ascii: "b"):
            decoded = TransferEncoding.decodeBase64(text)
        default:
            return nil
        }
        if charset == "iso-8859-1" || charset == "latin1" || charset == "iso-8859-15" {
            decoded = Array(String(String.UnicodeScalarView(decoded.map { Unicode.Scalar($0) })).utf8)
        }
        return (decoded, end + 2)
    }

    /// Bytes `add_rfc2047` writes as `=XX`: non-ASCII, non-printable, blanks, `=`, `?`, `_`;
    /// in an address, anything but letters, digits and `!*+-/` too.
    private static func isSpecial(_ byte: UInt8, context: Context) -> Bool {
        if MailCharset.isNonASCII(byte) || !(byte >= 0x20 && byte < 0x7F) { return true }
        if byte == space || (byte >= 0x09 && byte <= 0x0D) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "?")
            || byte == UInt8(ascii: "_")
        {
            return true
        }
        guard context == .address else { return false }
        return !(isAlphanumeric(byte) || "!*+-/".utf8.contains(byte))
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }

    /// The length of the text after the last newline.
    public static func lastLineLength(_ bytes: [UInt8]) -> Int {
        guard let newline = bytes.lastIndex(of: newline) else { return bytes.count }
        return bytes.count - newline - 1
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
}
