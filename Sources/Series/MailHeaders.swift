/// The header lines git writes for a mail (`pp_user_info`, `pp_title_line`, `show_date`),
/// with its RFC 2047 encoding, RFC 822 quoting and folding.
enum MailHeaders {
    /// `Date: Thu, 26 Nov 2026 05:03:07 +0100` without the header name (git's `DATE_RFC2822`).
    static func rfc2822Date(_ identity: PatchIdentity) -> [UInt8] {
        let local = identity.time + Int64(identity.timezoneOffsetMinutes) * 60
        var days = local / 86_400
        var seconds = local % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 11) % 7)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = identity.timezoneOffsetMinutes
        let hhmm = (abs(offset) / 60) * 100 + abs(offset) % 60
        let zone = (offset < 0 ? "-" : "+") + twoDigits(hhmm / 100) + twoDigits(hhmm % 100)
        let text = "\(weekdays[weekday]), \(day) \(months[month - 1]) \(year) "
            + "\(twoDigits(Int(seconds / 3600))):\(twoDigits(Int(seconds / 60 % 60))):\(twoDigits(Int(seconds % 60))) \(zone)"
        return Array(text.utf8)
    }

    /// The `From: name <email>` line including its newline; `encoded: false` writes a
    /// non-ASCII name as it is, as git does in a cover letter (`make_cover_letter` leaves
    /// `encode_email_headers` unset).
    static func fromLine(_ identity: PatchIdentity, encoded: Bool = true) -> [UInt8] {
        var out = Array("From: ".utf8)
        var maxLength = 78
        let name = identity.name
        if encoded && needsRFC2047(name) {
            appendRFC2047(name, to: &out, kind: .address)
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
        if maxLength < lastLineLength(out) + 2 + identity.email.count + 1 {
            out.append(ByteText.newline)
        }
        out += Array(" <".utf8) + identity.email + Array(">\n".utf8)
        return out
    }

    /// The `Subject:` header with its newline: `prefix` is what git writes before the title
    /// (`[PATCH v2 1/3] `), `title` the first paragraph joined into one line.
    static func subjectLine(prefix: [UInt8], title: [UInt8], encoded: Bool = true) -> [UInt8] {
        var out = Array("Subject: ".utf8) + prefix
        if encoded && needsRFC2047(title) {
            appendRFC2047(title, to: &out, kind: .subject)
        } else {
            TextWrapper.append(title, to: &out, firstIndent: -lastLineLength(out), indent: 1, width: 78)
        }
        out.append(ByteText.newline)
        return out
    }

    /// The three MIME headers git adds when the body is not ASCII.
    static var eightBitHeaders: [UInt8] { MailCharset.eightBitHeaders }

    // MARK: - RFC 2047

    enum EncodingKind { case subject, address }

    /// `needs_rfc2047_encoding`: non-ASCII (ESC included), a newline, or a `=?` that would
    /// read as an encoded word.
    static func needsRFC2047(_ text: [UInt8]) -> Bool {
        for (index, byte) in text.enumerated() {
            if MailCharset.isNonASCII(byte) || byte == ByteText.newline { return true }
            if byte == UInt8(ascii: "="), index + 1 < text.count, text[index + 1] == UInt8(ascii: "?") { return true }
        }
        return false
    }

    /// `add_rfc2047`: `=?UTF-8?q?…?=` encoded words, folded before 76 columns without
    /// splitting a UTF-8 character.
    static func appendRFC2047(_ text: [UInt8], to out: inout [UInt8], kind: EncodingKind) {
        let maxEncodedLength = 76
        let opener = Array("=?UTF-8?q?".utf8)
        var lineLength = lastLineLength(out)
        out += opener
        lineLength += opener.count
        var index = 0
        while index < text.count {
            let length = TextWidth.decode(text, at: index)?.length ?? 1
            let special = length > 1 || isRFC2047Special(text[index], kind: kind)
            let encodedLength = special ? 3 * length : 1
            if lineLength + encodedLength + 2 > maxEncodedLength {
                out += Array("?=\n ".utf8) + opener
                lineLength = opener.count + 1
            }
            for byte in text[index..<index + length] {
                if special {
                    out += Array("=".utf8) + hexByte(byte)
                } else {
                    out.append(byte)
                }
            }
            lineLength += encodedLength
            index += length
        }
        out += Array("?=".utf8)
    }

    private static func isRFC2047Special(_ byte: UInt8, kind: EncodingKind) -> Bool {
        if MailCharset.isNonASCII(byte) || !ByteText.isPrint(byte) { return true }
        if ByteText.isSpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "?")
            || byte == UInt8(ascii: "_")
        {
            return true
        }
        guard kind == .address else { return false }
        return !(ByteText.isAlnum(byte) || Array("!*+-/".utf8).contains(byte))
    }

    private static func isRFC822Special(_ byte: UInt8) -> Bool {
        Array("()<>[]:;@,.\"\\".utf8).contains(byte)
    }

    private static func hexByte(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
    }

    static func lastLineLength(_ bytes: [UInt8]) -> Int {
        guard let newline = bytes.lastIndex(of: ByteText.newline) else { return bytes.count }
        return bytes.count - newline - 1
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Gregorian calendar date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
