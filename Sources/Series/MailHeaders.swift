import MailFormat

/// The header lines git writes for a mail (`pp_user_info`, `pp_title_line`, `show_date`),
/// with RFC 822 quoting and folding; RFC 2047 words and dates come from `MailFormat`.
enum MailHeaders {
    /// `Date: Thu, 26 Nov 2026 05:03:07 +0100` without the header name (git's `DATE_RFC2822`).
    static func rfc2822Date(_ identity: PatchIdentity) -> [UInt8] {
        Array(RFC2822Date.formatPatchStyle(seconds: identity.time, offsetMinutes: Int(identity.timezoneOffsetMinutes)).utf8)
    }

    /// The `From: name <email>` line including its newline; `encoded: false` writes a
    /// non-ASCII name as it is, as git does in a cover letter (`make_cover_letter` leaves
    /// `encode_email_headers` unset).
    static func fromLine(_ identity: PatchIdentity, encoded: Bool = true) -> [UInt8] {
        var out = Array("From: ".utf8)
        var maxLength = 78
        let name = identity.name
        if encoded && RFC2047.needsEncoding(name) {
            RFC2047.appendEncodedWords(name, to: &out, context: .address)
            maxLength = 76
        } else if name.contains(where: isRFC822Special) {
            var quoted: [UInt8] = [UInt8(ascii: "\"")]
            for byte in name {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
                quoted.append(byte)
            }
            quoted.append(UInt8(ascii: "\""))
            TextWrapper.append(quoted, to: &out, firstIndent: -6, indent: 1, width: maxLength)
        } else {
            TextWrapper.append(name, to: &out, firstIndent: -6, indent: 1, width: maxLength)
        }
        if maxLength < RFC2047.lastLineLength(out) + 2 + identity.email.count + 1 {
            out.append(ByteText.newline)
        }
        out += Array(" <".utf8) + identity.email + Array(">\n".utf8)
        return out
    }

    /// The `Subject:` header with its newline: `prefix` is what git writes before the title
    /// (`[PATCH v2 1/3] `), `title` the first paragraph joined into one line.
    static func subjectLine(prefix: [UInt8], title: [UInt8], encoded: Bool = true) -> [UInt8] {
        var out = Array("Subject: ".utf8) + prefix
        if encoded && RFC2047.needsEncoding(title) {
            RFC2047.appendEncodedWords(title, to: &out, context: .subject)
        } else {
            TextWrapper.append(title, to: &out, firstIndent: -RFC2047.lastLineLength(out), indent: 1, width: 78)
        }
        out.append(ByteText.newline)
        return out
    }

    /// The three MIME headers git adds when the body is not ASCII.
    static var eightBitHeaders: [UInt8] { MailCharset.eightBitHeaders }

    private static func isRFC822Special(_ byte: UInt8) -> Bool {
        Array("()<>[]:;@,.\"\\".utf8).contains(byte)
    }
}
