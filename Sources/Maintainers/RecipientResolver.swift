import Foundation

/// `get_maintainer.pl`'s `get_maintainers` with `--nogit --nogit-fallback` and no roles
/// printed: walks the matched sections in order, collects people and lists with the
/// script's de-duplication, applies `.mailmap`, drops Linus Torvalds (`--nogit-chief-penguins`
/// is the default), adds addresses found in `.yaml` files, and merges.
struct RecipientResolver {
    let file: MaintainersFile
    let mailmap: Mailmap

    private struct Pending {
        var address: String
        var role: String
        var source: Recipient.Source
    }

    private var emailTo: [Pending] = []
    private var listTo: [Pending] = []
    private var usedNames: Set<String> = []
    private var usedAddresses: Set<String> = []
    private var usedLists: Set<String> = []
    private var deduplicatedByName: [String: (String, String)] = [:]
    private var deduplicatedByAddress: [String: (String, String)] = [:]

    private static let listValue = PerlRegex(fixed: #"(\#(PerlSyntax.nonSpace)+)\#(PerlSyntax.space)+(.*)$"#)
    /// The script's `m/$penguin_chief/` pattern: its dots match any character.
    private static let chiefPenguin = Array("Linus Torvalds <torvalds@linux-foundation.org>".unicodeScalars)

    init(file: MaintainersFile, mailmap: Mailmap) {
        self.file = file
        self.mailmap = mailmap
    }

    /// The recipients for: the matched sections of each file (anchor indices, best first),
    /// the matched `K:` entries (already in the script's order), and the addresses found in
    /// files (formatted, in order).
    mutating func resolve(sectionsPerFile: [[Int]], keywordEntries: [Int], fileEmails: [String]) -> [Recipient] {
        for sections in sectionsPerFile {
            for anchor in sections { addCategories(anchor, suffix: "") }
        }
        for entry in keywordEntries {
            guard case .typed(_, let pattern) = file.entries[entry] else { continue }
            addCategories(entry, suffix: ":Keyword:\(pattern)")
        }
        for index in emailTo.indices { emailTo[index].address = deduplicate(emailTo[index].address) }
        for index in listTo.indices { listTo[index].address = deduplicate(listTo[index].address) }
        emailTo.removeAll { Self.isChiefPenguin($0.address) }
        for email in fileEmails {
            let (name, address) = EmailAddress.parse(mailmap.map(email))
            let formatted = EmailAddress.format(name: name, address: address)
            pushAddress(formatted, role: "", source: .fileContents)
            addRole(formatted, role: "in file")
        }
        var seen: Set<String> = []
        var recipients: [Recipient] = []
        for pending in emailTo + listTo where seen.insert(pending.address).inserted {
            recipients.append(Recipient(address: pending.address, source: pending.source, role: pending.role))
        }
        return recipients
    }

    /// `add_categories`: the lists, maintainers and reviewers of the section around `index`.
    private mutating func addCategories(_ index: Int, suffix: String) {
        let start = file.startingIndex(index)
        let end = file.endingIndex(index)
        guard start + 1 < end else { return }
        for line in (start + 1)..<end {
            guard case .typed(let type, let value) = file.entries[line] else { continue }
            switch type {
            case "L":
                let (address, additional) = Self.listParts(value)
                var listRole = listRoleName(line)
                if !listRole.isEmpty { listRole = ":" + listRole }
                if additional.contains("subscribers-only") { continue }  // --nos, the default
                guard usedLists.insert(address.lowercased()).inserted else { continue }
                let kind = additional.contains("moderated") ? "moderated list" : "open list"
                listTo.append(Pending(address: address, role: kind + listRole + suffix, source: .mailingList))
            case "M":
                pushAddresses(value, role: maintainerRole(line) + suffix, source: .maintainer)
            case "R":
                pushAddresses(value, role: "reviewer:\(file.subsystemName(line))" + suffix, source: .reviewer)
            default:
                break
            }
        }
    }

    /// An `L:` value's address and the rest (`m/(\S+)\s+(.*)$/`), or the whole value and
    /// nothing when it has no space after its first word. A value starts with a non-space
    /// (`typedLine` dropped the spaces before it), so the first match starts at its start;
    /// a value with a newline is left to the regex.
    static func listParts(_ value: String) -> (address: String, additional: String) {
        let scalars = Array(value.unicodeScalars)
        guard let first = scalars.first, !PerlSyntax.isSpace(first), !scalars.contains("\n") else {
            guard let groups = listValue.captures(value) else { return (value, "") }
            return (groups[1] ?? "", groups[2] ?? "")
        }
        var end = 0
        while end < scalars.count, !PerlSyntax.isSpace(scalars[end]) { end += 1 }
        guard end < scalars.count else { return (value, "") }
        var rest = end
        while rest < scalars.count, PerlSyntax.isSpace(scalars[rest]) { rest += 1 }
        return (String(String.UnicodeScalarView(scalars[..<end])), String(String.UnicodeScalarView(scalars[rest...])))
    }

    /// `m/Linus Torvalds <torvalds\@linux-foundation\.org>/` as the script writes it
    /// unescaped: a `.` is any character but a newline.
    static func isChiefPenguin(_ address: String) -> Bool {
        let scalars = Array(address.unicodeScalars)
        let pattern = chiefPenguin
        guard scalars.count >= pattern.count else { return false }
        for start in 0...(scalars.count - pattern.count) {
            var index = 0
            while index < pattern.count {
                let scalar = scalars[start + index]
                guard pattern[index] == "." ? scalar != "\n" : scalar == pattern[index] else { break }
                index += 1
            }
            if index == pattern.count { return true }
        }
        return false
    }

    /// `get_list_role`: the section name, empty for THE REST.
    private func listRoleName(_ index: Int) -> String {
        let name = file.subsystemName(index)
        return name == "THE REST" ? "" : name
    }

    /// `get_maintainer_role`: the section's (last) `S:` status as a role, and its name.
    private func maintainerRole(_ index: Int) -> String {
        let start = file.startingIndex(index)
        let end = file.endingIndex(index)
        var role = "unknown"
        if start + 1 < end {
            for line in (start + 1)..<end {
                if case .typed("S", let value) = file.entries[line] { role = value }
            }
        }
        role = role.lowercased()
        switch role {
        case "supported": role = "supporter"
        case "maintained": role = "maintainer"
        case "odd fixes": role = "odd fixer"
        case "orphan": role = "orphan minder"
        case "obsolete": role = "obsolete minder"
        case "buried alive in reporters": role = "chief penguin"
        default: break
        }
        return role + ":" + file.subsystemName(index)
    }

    /// `push_email_addresses`: one address, or each of a comma-separated list.
    private mutating func pushAddresses(_ value: String, role: String, source: Recipient.Source) {
        for entry in Self.addresses(inValue: value) { pushAddress(entry, role: role, source: source) }
    }

    /// The addresses an `M:`/`R:` value holds: the value itself, or the items of a valid
    /// RFC 822 list (from the comment-stripped text).
    static func addresses(inValue value: String) -> [String] {
        // Without a comma, the list grammar is the single address's (or empty): the value
        // itself whether valid or not, nothing when empty.
        if !value.unicodeScalars.contains(",") { return value.isEmpty ? [] : [value] }
        if RFC822.isValid(value) { return [value] }
        guard let list = RFC822.validList(value) else { return [value] }
        var entries: [String] = []
        for entry in list {
            if entry.isEmpty || entry == "0" { break }  // Perl's `while (my $entry = shift …)`
            entries.append(entry)
        }
        return entries
    }

    /// `push_email_address` with `--remove-duplicates`: skips a name or address seen before.
    private mutating func pushAddress(_ line: String, role: String, source: Recipient.Source) {
        let (name, address) = EmailAddress.parse(line)
        guard !address.isEmpty else { return }
        if !name.isEmpty && usedNames.contains(name.lowercased()) { return }
        if usedAddresses.contains(address.lowercased()) { return }
        emailTo.append(Pending(address: EmailAddress.format(name: name, address: address), role: role, source: source))
        if !name.isEmpty { usedNames.insert(name.lowercased()) }
        usedAddresses.insert(address.lowercased())
    }

    /// `add_role`: notes `role` on every entry with the same name or address.
    private mutating func addRole(_ line: String, role: String) {
        let (name, address) = EmailAddress.parse(line)
        for index in emailTo.indices {
            let entry = EmailAddress.parse(emailTo[index].address)
            guard name == entry.name || address == entry.address else { continue }
            guard role.isEmpty || !((try? PerlRegex(role))?.matches(emailTo[index].role) ?? false) else { continue }
            emailTo[index].role = emailTo[index].role.isEmpty ? role : "\(emailTo[index].role),\(role)"
        }
    }

    /// `deduplicate_email`: mail-maps, then folds an address onto the first one seen with the
    /// same name or the same address.
    private mutating func deduplicate(_ email: String) -> String {
        var (name, address) = EmailAddress.parse(email)
        (name, address) = EmailAddress.parse(mailmap.map(EmailAddress.format(name: name, address: address)))
        if !name.isEmpty, let known = deduplicatedByName[name.lowercased()] {
            (name, address) = known
        } else if let known = deduplicatedByAddress[address.lowercased()] {
            (name, address) = known
        } else {
            deduplicatedByName[name.lowercased()] = (name, address)
            deduplicatedByAddress[address.lowercased()] = (name, address)
        }
        return mailmap.map(EmailAddress.format(name: name, address: address))
    }
}
