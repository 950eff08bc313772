import MailFormat
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
        if RFC2047.isEncodedWord(name) { return "\(name) \(angle)" }
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
            name = RFC2047.sendEmailWord(name)
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

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
