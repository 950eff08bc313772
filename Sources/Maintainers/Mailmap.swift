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
            let uncommented = rawLine.split(separator: UInt8(ascii: "#"), maxSplits: 1, omittingEmptySubsequences: false)
            let line = PerlSyntax.trimmingSpace(String(decoding: uncommented.first ?? rawLine[...], as: UTF8.self))
            if line.isEmpty { continue }
            if !readBracketed(line) { readWithRegexes(line) }
        }
    }

    /// The line's four patterns decided by where its angle brackets are, when it has one
    /// `<…>` pair or two and ends with the last: then each pattern's groups can only be the
    /// text around those brackets. False when the line has another shape.
    private mutating func readBracketed(_ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        let opens = scalars.indices.filter { scalars[$0] == "<" }
        let closes = scalars.indices.filter { scalars[$0] == ">" }
        if opens.isEmpty { return true }  // no pattern matches
        guard opens.count == closes.count, closes.last == scalars.count - 1 else { return false }
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        func email(_ name: Range<Int>, _ address: Range<Int>) -> (name: String, address: String) {
            EmailAddress.parse("\(Self.trimmingTrailingSpace(text(name))) <\(text(address))>")
        }
        if opens.count == 1 {
            let (open, close) = (opens[0], closes[0])
            guard open < close else { return false }
            // ^([^<]+)<([^>]+)>$
            if open > 0 && close > open + 1 {
                let parsed = email(0..<open, open + 1..<close)
                names[parsed.address] = parsed.name
            }
            return true
        }
        guard opens.count == 2, opens[0] < closes[0], closes[0] < opens[1] else { return false }
        let (open1, close1, open2, close2) = (opens[0], closes[0], opens[1], closes[1])
        guard close1 > open1 + 1, close2 > open2 + 1 else { return true }  // an empty <>: no match
        let between = scalars[(close1 + 1)..<open2]
        let spaceOnly = between.allSatisfy(PerlSyntax.isSpace)
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
            let start = between.firstIndex { !PerlSyntax.isSpace($0) }!
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
    private static func trimmingTrailingSpace(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, PerlSyntax.isSpace(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
