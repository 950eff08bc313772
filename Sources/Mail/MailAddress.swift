/// Mail addresses as git send-email handles them: `Name <user@host>` or a bare `user@host`,
/// comma-separated lists, the bare address for the SMTP envelope, and the header form with the
/// display name quoted or RFC 2047-encoded (`sanitize_address`).
public enum MailAddress {
    /// The address alone (`user@host`) from `Name <user@host>`, `"Name, Jr." <user@host>` or
    /// `user@host`; nil when there is none.
    public static func addrSpec(_ text: String) -> String? {
        let trimmed = text.trimmingSpaces()
        if let open = trimmed.lastIndex(of: "<") {
            guard let close = trimmed[open...].firstIndex(of: ">") else { return nil }
            let inner = String(trimmed[trimmed.index(after: open)..<close]).trimmingSpaces()
            return inner.isEmpty ? nil : inner
        }
        // A bare address, possibly followed by a comment: `user@host (Name)`.
        let bare = trimmed.split(separator: " ").first.map(String.init) ?? ""
        return bare.isEmpty || bare.contains("\"") ? nil : bare
    }

    /// Splits a header-style list (`a@x, "B, C" <b@y>`) at the commas outside quotes, angle
    /// brackets and comments; empty items are dropped.
    public static func splitList(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var inQuotes = false
        var angle = 0
        var comment = 0
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\" where inQuotes: escaped = true
            case "\"" where comment == 0: inQuotes.toggle()
            case "<" where !inQuotes && comment == 0: angle += 1
            case ">" where !inQuotes && comment == 0: angle = max(0, angle - 1)
            case "(" where !inQuotes: comment += 1
            case ")" where !inQuotes: comment = max(0, comment - 1)
            case "," where !inQuotes && angle == 0 && comment == 0:
                items.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        items.append(current)
        return items.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// The header form of one address, as git send-email's `sanitize_address` writes it: the
    /// display name in double quotes when it holds RFC 5322 specials, RFC 2047-encoded when
    /// it is not ASCII, untouched when it is already encoded.
    public static func sanitized(_ text: String) -> String {
        var address = text.trimmingSpaces()
        // Drop anything after the closing bracket.
        if let close = address.lastIndex(of: ">") { address = String(address[...close]) }
        guard let open = address.firstIndex(of: "<") else { return address }
        var name = String(address[..<open]).trimmingSpaces()
        let angle = String(address[open...])
        if name.isEmpty { return angle }
        if RFC2047.isEncoded(name) { return "\(name) \(angle)" }
        // Remove unescaped quotes, then quote again if needed.
        var unquoted = ""
        var previous: Character = " "
        for character in name {
            if character == "\"" && previous != "\\" {
                previous = character
                continue
            }
            unquoted.append(character)
            previous = character
        }
        name = unquoted
        if name.unicodeScalars.contains(where: { !$0.isASCII }) {
            name = RFC2047.encode(name)
        } else if name.unicodeScalars.contains(where: isSpecial) {
            var quoted = "\""
            for character in name {
                if character == "\\" || character == "\r" { quoted.append("\\") }
                quoted.append(character)
            }
            name = quoted + "\""
        }
        return "\(name) \(angle)"
    }

    /// Keeps the first of each address (compared case-insensitively on the bare address).
    public static func unique(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for address in addresses {
            let key = (addrSpec(address) ?? address).lowercased()
            if seen.insert(key).inserted { out.append(address) }
        }
        return out
    }

    private static func isSpecial(_ scalar: Unicode.Scalar) -> Bool {
        "[]()<>@,;:\\\".".unicodeScalars.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7f
    }
}

/// RFC 2047 encoded words, as git writes (`=?UTF-8?q?…?=`) and reads them (q and b).
enum RFC2047 {
    static func isEncoded(_ text: String) -> Bool {
        text.hasPrefix("=?") && text.hasSuffix("?=")
    }

    /// git send-email's `quote_rfc2047`: everything but `-a-zA-Z0-9!*+/` as `=XX`.
    static func encode(_ text: String) -> String {
        var out = "=?UTF-8?q?"
        for byte in text.utf8 {
            let isPlain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || "-!*+/".utf8.contains(byte)
            if isPlain {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "=" + hexByte(byte)
            }
        }
        return out + "?="
    }

    /// Decodes every encoded word of a header value (q and b, any charset read as UTF-8);
    /// whitespace between two encoded words is dropped, as RFC 2047 says.
    static func decode(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        var pendingSpace: [UInt8] = []
        var lastWasEncoded = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
                let (decoded, end) = decodeWord(bytes, from: index)
            {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = []
                out += decoded
                index = end
                lastWasEncoded = true
                continue
            }
            if bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                pendingSpace.append(bytes[index])
            } else {
                out += pendingSpace
                pendingSpace = []
                out.append(bytes[index])
                lastWasEncoded = false
            }
            index += 1
        }
        out += pendingSpace
        return String(decoding: out, as: UTF8.self)
    }

    /// One `=?charset?e?text?=` starting at `start`: its bytes and the index after it.
    private static func decodeWord(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int)? {
        // =?charset?encoding?text?=
        var parts: [[UInt8]] = []
        var index = start + 2
        var current: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "?") {
                if parts.count == 2 {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") else { return nil }
                    parts.append(current)
                    break
                }
                parts.append(current)
                current = []
            } else if byte == UInt8(ascii: " ") {
                return nil
            } else {
                current.append(byte)
            }
            index += 1
        }
        guard parts.count == 3 else { return nil }
        let encoding = parts[1].first.map { $0 | 0x20 }
        let payload = parts[2]
        if encoding == UInt8(ascii: "q") {
            var out: [UInt8] = []
            var position = 0
            while position < payload.count {
                let byte = payload[position]
                if byte == UInt8(ascii: "_") {
                    out.append(UInt8(ascii: " "))
                } else if byte == UInt8(ascii: "="), position + 2 < payload.count,
                    let value = UInt8(String(decoding: payload[(position + 1)...(position + 2)], as: UTF8.self), radix: 16)
                {
                    out.append(value)
                    position += 2
                } else {
                    out.append(byte)
                }
                position += 1
            }
            return (out, index + 2)
        }
        if encoding == UInt8(ascii: "b") {
            guard let decoded = Base64.decode(payload) else { return nil }
            return (decoded, index + 2)
        }
        return nil
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}

/// Base64 decoding for RFC 2047 `b` words (no Foundation needed).
enum Base64 {
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xff))
            }
        }
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
