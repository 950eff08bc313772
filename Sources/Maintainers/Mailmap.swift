/// The tree's `.mailmap` as `get_maintainer.pl` reads and applies it (`read_mailmap`,
/// `mailmap_email`): exact, case-sensitive keys, by formatted address or by bare address.
struct Mailmap: Sendable, Equatable {
    /// Real names, keyed by a wrong address or a wrong `Name <address>`.
    var names: [String: String] = [:]
    /// Real addresses, keyed likewise.
    var addresses: [String: String] = [:]

    private static let comment = PerlRegex(fixed: "#.*$")
    private static let nameAddress = PerlRegex(fixed: "^([^<]+)<([^>]+)>$")
    private static let addressAddress = PerlRegex(fixed: #"^<([^>]+)>\#(PerlSyntax.space)*<([^>]+)>$"#)
    private static let nameAddressAddress = PerlRegex(fixed: #"^(.+)<([^>]+)>\#(PerlSyntax.space)*<([^>]+)>$"#)
    private static let nameAddressNameAddress = PerlRegex(
        fixed: #"^(.+)<([^>]+)>\#(PerlSyntax.space)*(.+)\#(PerlSyntax.space)*<([^>]+)>$"#)

    init() {}

    init(text: String) {
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            // s/#.*$//, then trim.
            var line = Array(rawLine.split(separator: UInt8(ascii: "#"), maxSplits: 1, omittingEmptySubsequences: false).first ?? [])
            line = PerlSyntax.trimmingSpace(line)
            if line.isEmpty { continue }
            if !readBracketed(line) { readWithRegexes(String(decoding: line, as: UTF8.self)) }
        }
    }

    /// The line's four patterns decided by where its angle brackets are, when its `<…>`
    /// pairs follow each other and the last ends the line: then each pattern's groups can
    /// only be the text around the first pair (one pair) or the last two. False when the
    /// line has another shape, which the regexes then read.
    private mutating func readBracketed(_ line: [UInt8]) -> Bool {
        let opens = line.indices.filter { line[$0] == UInt8(ascii: "<") }
        let closes = line.indices.filter { line[$0] == UInt8(ascii: ">") }
        if opens.isEmpty { return true }  // no pattern matches
        guard opens.count == closes.count, closes.last == line.count - 1,
            zip(opens, closes).allSatisfy({ $0 < $1 }), zip(closes, opens.dropFirst()).allSatisfy({ $0 < $1 })
        else { return false }
        func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }
        func email(_ name: Range<Int>, _ address: Range<Int>) -> (name: String, address: String) {
            EmailAddress.parse("\(text(name).trimmingTrailingPerlSpace) <\(text(address))>")
        }
        if opens.count == 1 {
            let (open, close) = (opens[0], closes[0])
            // ^([^<]+)<([^>]+)>$
            if open > 0 && close > open + 1 {
                let parsed = email(0..<open, open + 1..<close)
                names[parsed.address] = parsed.name
            }
            return true
        }
        let (open1, close1) = (opens[opens.count - 2], closes[closes.count - 2])
        let (open2, close2) = (opens[opens.count - 1], closes[closes.count - 1])
        guard close1 > open1 + 1, close2 > open2 + 1 else {
            // An empty <>: no match with two pairs; with more, an earlier pair may do.
            return opens.count == 2
        }
        let between = line[(close1 + 1)..<open2]
        let spaceOnly = PerlSyntax.skippingSpace(between, from: between.startIndex) == between.endIndex
        if open1 == 0 {
            // ^<([^>]+)>\s*<([^>]+)>$
            if spaceOnly { addresses[text(open2 + 1..<close2)] = text(1..<close1) }
        } else if spaceOnly {
            // ^(.+)<([^>]+)>\s*<([^>]+)>$
            let real = email(0..<open1, open1 + 1..<close1)
            let wrongAddress = text(open2 + 1..<close2)
            names[wrongAddress] = real.name
            addresses[wrongAddress] = real.address
        } else {
            // ^(.+)<([^>]+)>\s*(.+)\s*<([^>]+)>$: the third group starts after the spaces.
            let start = PerlSyntax.skippingSpace(between, from: between.startIndex)
            let real = email(0..<open1, open1 + 1..<close1)
            let wrong = email(start..<open2, open2 + 1..<close2)
            let wrongEmail = EmailAddress.format(name: wrong.name, address: wrong.address)
            names[wrongEmail] = real.name
            addresses[wrongEmail] = real.address
        }
        return true
    }

    private mutating func readWithRegexes(_ line: String) {
        if let groups = Self.nameAddress.captures(line) {
            let parsed = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
            names[parsed.address] = parsed.name
        } else if let groups = Self.addressAddress.captures(line) {
            addresses[groups[2] ?? ""] = groups[1] ?? ""
        } else if let groups = Self.nameAddressAddress.captures(line) {
            let real = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
            let wrongAddress = groups[3] ?? ""
            names[wrongAddress] = real.name
            addresses[wrongAddress] = real.address
        } else if let groups = Self.nameAddressNameAddress.captures(line) {
            let real = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
            let wrong = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[3] ?? "")) <\(groups[4] ?? "")>")
            let wrongEmail = EmailAddress.format(name: wrong.name, address: wrong.address)
            names[wrongEmail] = real.name
            addresses[wrongEmail] = real.address
        }
    }

    /// Every line read with the regexes alone, for tests comparing the two readings.
    init(regexesOnly text: String) {
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = String(decoding: rawLine, as: UTF8.self)
            let stripped = PerlSyntax.trimmingSpace(Self.comment.replacingFirst(in: line, with: "") ?? line)
            if !stripped.isEmpty { readWithRegexes(stripped) }
        }
    }

    /// `mailmap_email`: the real `Name <address>` for a formatted address.
    func map(_ line: String) -> String {
        let (name, address) = EmailAddress.parse(line)
        let email = EmailAddress.format(name: name, address: address)
        var realName = name
        var realAddress = address
        if names[email] != nil || addresses[email] != nil {
            if let mapped = names[email] { realName = mapped }
            if let mapped = addresses[email] { realAddress = mapped }
        } else {
            if let mapped = names[address] { realName = mapped }
            if let mapped = addresses[address] { realAddress = mapped }
        }
        return EmailAddress.format(name: realName, address: realAddress)
    }

    /// `s/\s+$//`.
    private static func trimmingTrailingSpace(_ text: String) -> String { text.trimmingTrailingPerlSpace }
}

extension String {
    /// `s/\s+$//`.
    var trimmingTrailingPerlSpace: String {
        guard let last = unicodeScalars.last, PerlSyntax.isSpace(last) else { return self }
        let bytes = Array(utf8)
        return String(decoding: bytes[..<PerlSyntax.endTrimmingSpace(bytes, notBefore: 0)], as: UTF8.self)
    }
}
