/// Mail bodies as they travel and as they are read: quoted-printable and base64 transfer
/// encodings, `format=flowed` text (RFC 3676), and the parameters of a `Content-Type`.
public enum TransferEncoding {
    /// A part's bytes decoded: its `Content-Transfer-Encoding` first, then `format=flowed`
    /// (`delsp=yes` respected) when its `Content-Type` says so.
    public static func decodePart(_ raw: [UInt8], contentType: String, encoding: String) -> [UInt8] {
        var decoded = raw
        switch trimmingBlanks(encoding).lowercased() {
        case "quoted-printable": decoded = decodeQuotedPrintable(raw)
        case "base64": decoded = decodeBase64(raw)
        default: break
        }
        guard isFlowed(contentType) else { return decoded }
        let deleteSpace = parameter("delsp", in: contentType)?.lowercased() == "yes"
        return unflow(decoded, deleteSpace: deleteSpace)
    }

    /// True for a `Content-Type` with `format=flowed`.
    public static func isFlowed(_ contentType: String) -> Bool {
        parameter("format", in: contentType)?.lowercased() == "flowed"
    }

    /// mailinfo's `handle_filter_flowed` (RFC 3676): a line ending in a space continues on the
    /// next (the space dropped too with `delsp=yes`), a leading space added by space-stuffing
    /// is removed, and the `-- ` signature separator is kept as it is.
    public static func unflow(_ body: [UInt8], deleteSpace: Bool) -> [UInt8] {
        let space = UInt8(ascii: " ")
        let newline = UInt8(ascii: "\n")
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var pending: [UInt8] = []
        var start = 0
        while start < body.count {
            let end = body[start...].firstIndex(of: newline).map { $0 + 1 } ?? body.count
            var line = Array(body[start..<end])
            start = end
            if line == Array("-- \n".utf8) {
                out += pending
                pending = []
                out += line
                continue
            }
            if line.first == space { line.removeFirst() }
            if line.count >= 2, line[line.count - 2] == space, line[line.count - 1] == newline {
                pending += line.dropLast(deleteSpace ? 2 : 1)
                continue
            }
            out += pending
            pending = []
            out += line
        }
        out += pending
        return out
    }

    /// A quoted-printable text decoded: `=XX` escapes, soft line breaks (`=` before LF or CRLF)
    /// removed; a malformed escape is kept as it is.
    public static func decodeQuotedPrintable(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < input.count, input[index + 1] == UInt8(ascii: "\n") {
                    index += 2
                    continue
                }
                if index + 2 < input.count, input[index + 1] == UInt8(ascii: "\r"), input[index + 2] == UInt8(ascii: "\n") {
                    index += 3
                    continue
                }
                if index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// A base64 text decoded; line breaks and any other byte outside the alphabet are skipped.
    public static func decodeBase64(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            default: continue
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    /// The value of parameter `name` of a header value such as a `Content-Type`
    /// (`text/plain; charset=UTF-8; format=flowed`, `multipart/mixed; boundary="=-x"`), unquoted;
    /// names compare case-insensitively.
    public static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, trimmingBlanks(String(pair[0])).lowercased() == name.lowercased() else { continue }
            var text = trimmingBlanks(String(pair[1]))
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
            return text
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Without leading and trailing spaces and tabs.
    static func trimmingBlanks(_ text: String) -> String {
        var text = Substring(text)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
