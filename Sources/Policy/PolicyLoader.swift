import CSource
import Foundation
import Yams

/// Reads `policy.yaml` files into `PolicyTemplate` values, rejecting anything it does not
/// understand with the file and line at fault.
public struct PolicyLoader: Sendable {
    public init() {}

    /// Parses the YAML text of a template; `path` is used in messages and `name` defaults to
    /// the folder name.
    public func load(yaml text: String, path: String, name: String) throws(PolicyError) -> PolicyTemplate {
        let root: Node?
        try NestingLimit.check(text, path: path)
        do {
            // Every value is read as text (`Fields`), so no scalar needs its type resolved:
            // Yams' default resolver compiles seven ICU regular expressions first.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw PolicyError(path: path, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw PolicyError(path: path, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { throw PolicyError(path: path, line: nil, message: "the file is empty") }
        let document = try Fields(root, path: path, what: "the policy")
        try document.allowOnly(["policy", "description", "base", "subject-prefix", "to", "cc", "requires", "cover", "patches", "build"])
        let policyName = try document.optionalString("policy") ?? name
        let base = try document.requiredString("base")
        let prefix = try document.optionalString("subject-prefix") ?? "PATCH"
        let coverFields = try document.requiredMapping("cover")
        try coverFields.allowOnly(["subject", "body"])
        let cover = CoverText(subject: try coverFields.requiredString("subject"), body: try coverFields.requiredString("body"))
        var preconditions: [Precondition] = []
        if document.has("requires") {
            for node in try document.requiredSequence("requires") {
                preconditions.append(try precondition(node, path: path))
            }
        }
        let patchNodes = try document.requiredSequence("patches")
        guard !patchNodes.isEmpty else {
            throw PolicyError(path: path, line: document.line(of: "patches"), message: "'patches' is empty")
        }
        var patches: [PatchTemplate] = []
        for node in patchNodes {
            patches.append(try patch(node, path: path))
        }
        var policy = PolicyTemplate(
            name: policyName, sourcePath: path, base: base, subjectPrefix: prefix, cover: cover,
            preconditions: preconditions, patches: patches)
        policy.to = try document.addresses("to")
        policy.cc = try document.addresses("cc")
        if document.has("build") {
            policy.build = try buildSection(try document.requiredMapping("build"), path: path)
        }
        return policy
    }

    /// Reads `<directory>/policy.yaml`.
    public func load(directory: String) throws(PolicyError) -> PolicyTemplate {
        let path = (directory as NSString).appendingPathComponent("policy.yaml")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(path: path, line: nil, message: "cannot read the template file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(path: path, line: nil, message: "the template file is not UTF-8")
        }
        let name = ((directory as NSString).standardizingPath as NSString).lastPathComponent
        return try load(yaml: text, path: path, name: name)
    }

    private func patch(_ node: Node, path: String) throws(PolicyError) -> PatchTemplate {
        let fields = try Fields(node, path: path, what: "a patch")
        try fields.allowOnly(["subject", "body", "edits"])
        let subject = try fields.requiredString("subject")
        guard !subject.contains("\n") else {
            throw PolicyError(path: path, line: fields.line(of: "subject"), message: "a subject is one line")
        }
        let body = try fields.requiredString("body")
        let editNodes = try fields.requiredSequence("edits")
        guard !editNodes.isEmpty else {
            throw PolicyError(path: path, line: fields.line(of: "edits"), message: "a patch needs at least one edit")
        }
        var edits: [PolicyEdit] = []
        for editNode in editNodes { edits.append(try edit(editNode, path: path)) }
        return PatchTemplate(subject: subject, body: body, edits: edits, line: fields.line)
    }

    /// `build:` — `arch:`, `configs:` (each `name:`, `from:`, `set:`), optional `header-objects:`.
    private func buildSection(_ fields: Fields, path: String) throws(PolicyError) -> BuildSection {
        try fields.allowOnly(["arch", "configs", "header-objects"])
        let arch = try fields.requiredString("arch")
        guard arch.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PolicyError(path: path, line: fields.line(of: "arch"), message: "'arch' is a kernel ARCH= value such as x86_64, not '\(arch)'")
        }
        var headerObjects: Int?
        if fields.has("header-objects") {
            guard let value = Int(try fields.requiredString("header-objects")), value >= 0 else {
                throw PolicyError(path: path, line: fields.line(of: "header-objects"), message: "'header-objects' is a number from 0")
            }
            headerObjects = value
        }
        let nodes = try fields.requiredSequence("configs")
        guard !nodes.isEmpty else {
            throw PolicyError(path: path, line: fields.line(of: "configs"), message: "'configs' is empty")
        }
        var configs: [BuildConfig] = []
        for node in nodes {
            let config = try Fields(node, path: path, what: "a build configuration")
            try config.allowOnly(["name", "from", "set"])
            let name = try config.requiredString("name")
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw PolicyError(path: path, line: config.line(of: "name"), message: "a configuration name is letters, digits, '-', '_' and '.', not '\(name)'")
            }
            if configs.contains(where: { $0.name == name }) {
                throw PolicyError(path: path, line: config.line(of: "name"), message: "configuration '\(name)' is given twice")
            }
            var settings: [ConfigSetting] = []
            if config.has("set") {
                for item in try config.requiredSequence("set") {
                    guard let text = item.scalar?.string, let setting = ConfigSetting(parsing: text) else {
                        throw PolicyError(
                            path: path, line: item.mark?.line ?? config.line(of: "set"),
                            message: "'set' entries are SYMBOL=VALUE, e.g. KVM=y or NO_HZ_FULL=n")
                    }
                    settings.append(setting)
                }
            }
            configs.append(BuildConfig(name: name, from: try config.requiredString("from"), settings: settings, line: config.line))
        }
        return BuildSection(arch: arch, configs: configs, headerObjects: headerObjects)
    }

    private func precondition(_ node: Node, path: String) throws(PolicyError) -> Precondition {
        let fields = try Fields(node, path: path, what: "a precondition")
        try fields.allowOnly(["file", "member", "struct", "union", "function", "macro", "kconfig", "why"])
        let file = try fields.requiredString("file")
        let kinds = ["member", "function", "macro", "kconfig"].filter { fields.has($0) }
        guard kinds.count == 1, let kind = kinds.first else {
            throw PolicyError(
                path: path, line: fields.line,
                message: "a precondition names one of member (with struct or union), function, macro, kconfig")
        }
        let requirement: Precondition.Requirement
        switch kind {
        case "member":
            let owners = ["struct", "union"].filter { fields.has($0) }
            guard owners.count == 1, let keyword = owners.first else {
                throw PolicyError(path: path, line: fields.line(of: "member"), message: "a member precondition needs struct or union")
            }
            requirement = .member(keyword: keyword, type: try fields.requiredString(keyword), member: try fields.requiredString("member"))
        case "function": requirement = .function(try fields.requiredString("function"))
        case "macro": requirement = .macro(try fields.requiredString("macro"))
        default: requirement = .kconfig(try fields.requiredString("kconfig"))
        }
        if kind != "member" { try fields.forbid(["struct", "union"], with: kind) }
        return Precondition(requirement: requirement, file: file, reason: try fields.optionalString("why"), line: fields.line(of: kind))
    }

    private static let scopeKeys = ["function", "struct", "union", "enum", "conditional", "macro", "includes"]
    private static let actionKeys = ["after", "before", "replace", "at", "after-operand"]

    private func edit(_ node: Node, path: String) throws(PolicyError) -> PolicyEdit {
        let fields = try Fields(node, path: path, what: "an edit")
        try fields.allowOnly(["file", "occurrence", "condition", "insert", "with", "add-disjunct"] + Self.scopeKeys + Self.actionKeys)
        let file = try fields.requiredString("file")
        guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
            throw PolicyError(path: path, line: fields.line(of: "file"), message: "'\(file)' must be a path inside the kernel tree")
        }

        let scopes = Self.scopeKeys.filter { fields.has($0) }
        guard scopes.count <= 1 else {
            throw PolicyError(path: path, line: fields.line, message: "an edit has one scope, not \(scopes.joined(separator: " and "))")
        }
        var scope = SourceScope.file
        if let key = scopes.first {
            switch key {
            case "includes":
                guard try fields.requiredString(key) == "true" else {
                    throw PolicyError(path: path, line: fields.line(of: key), message: "'includes' takes the value true")
                }
                scope = .includes
            case "function": scope = .function(try fields.requiredString(key))
            case "conditional": scope = .conditional(try fields.requiredString(key))
            case "macro": scope = .macro(try fields.requiredString(key))
            default:
                guard let keyword = SourceScope.TagKeyword(rawValue: key) else {
                    throw PolicyError(path: path, line: fields.line(of: key), message: "'\(key)' is not a scope")
                }
                scope = .structure(keyword, try fields.requiredString(key))
            }
        }
        let condition = try fields.optionalString("condition")
        var occurrence: Int?
        if fields.has("occurrence") {
            guard let value = Int(try fields.requiredString("occurrence")), value >= 1 else {
                throw PolicyError(path: path, line: fields.line(of: "occurrence"), message: "'occurrence' is a number from 1")
            }
            occurrence = value
        }

        let actions = Self.actionKeys.filter { fields.has($0) }
        guard actions.count == 1, let actionKey = actions.first else {
            throw PolicyError(
                path: path, line: fields.line,
                message: actions.isEmpty
                    ? "an edit needs one of: \(Self.actionKeys.joined(separator: ", "))"
                    : "an edit has one action, not \(actions.joined(separator: " and "))")
        }
        let action: SourceEdit.Action
        switch actionKey {
        case "after":
            try fields.forbid(["with", "add-disjunct"], with: "after")
            action = .insertAfter(anchor: try fields.requiredString("after"), code: try fields.requiredString("insert"))
        case "before":
            try fields.forbid(["with", "add-disjunct"], with: "before")
            action = .insertBefore(anchor: try fields.requiredString("before"), code: try fields.requiredString("insert"))
        case "replace":
            try fields.forbid(["insert", "add-disjunct"], with: "replace")
            action = .replace(anchor: try fields.requiredString("replace"), with: try fields.requiredString("with"))
        case "at":
            try fields.forbid(["with", "add-disjunct"], with: "at")
            let place = try fields.requiredString("at")
            let code = try fields.requiredString("insert")
            switch place {
            case "body-start": action = .insertAtBodyStart(code: code)
            case "body-end": action = .insertAtBodyEnd(code: code)
            case "before-definition": action = .insertBeforeDefinition(code: code)
            case "after-definition": action = .insertAfterDefinition(code: code)
            default:
                throw PolicyError(
                    path: path, line: fields.line(of: "at"),
                    message: "'at' is body-start, body-end, before-definition or after-definition, not '\(place)'")
            }
            guard scope != .file else {
                throw PolicyError(path: path, line: fields.line(of: "at"), message: "'at: \(place)' needs a function, struct, union or enum scope")
            }
        default:
            try fields.forbid(["insert", "with"], with: "after-operand")
            action = .addDisjunct(
                afterOperand: try fields.requiredString("after-operand"), expression: try fields.requiredString("add-disjunct"))
        }
        // Point at the action's key: that is where an anchor that does not resolve is written.
        return PolicyEdit(
            file: file, sourceEdit: SourceEdit(scope: scope, occurrence: occurrence, condition: condition, action: action),
            line: fields.line(of: actionKey))
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            if let context { return "\(problem) (\(context.text))" }
            return problem
        default: return "\(error)"
        }
    }
}

/// A YAML mapping with line numbers, for strict reading.
private struct Fields {
    let pairs: [(key: String, value: Node, line: Int)]
    let path: String
    let line: Int
    let what: String

    init(_ node: Node, path: String, what: String) throws(PolicyError) {
        self.path = path
        self.what = what
        self.line = node.mark?.line ?? 0
        guard let mapping = node.mapping else {
            throw PolicyError(path: path, line: node.mark?.line, message: "\(what) must be a mapping of keys to values")
        }
        var pairs: [(String, Node, Int)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw PolicyError(path: path, line: key.mark?.line, message: "keys are plain words")
            }
            if pairs.contains(where: { $0.0 == name }) {
                throw PolicyError(path: path, line: key.mark?.line, message: "'\(name)' is given twice")
            }
            pairs.append((name, value, key.mark?.line ?? line))
        }
        self.pairs = pairs
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func line(of key: String) -> Int { pairs.first { $0.key == key }?.line ?? line }

    func allowOnly(_ keys: [String]) throws(PolicyError) {
        for pair in pairs where !keys.contains(pair.key) {
            throw PolicyError(
                path: path, line: pair.line,
                message: "unknown key '\(pair.key)' in \(what) (known: \(keys.joined(separator: ", ")))")
        }
    }

    func forbid(_ keys: [String], with action: String) throws(PolicyError) {
        for key in keys where has(key) {
            throw PolicyError(path: path, line: line(of: key), message: "'\(key)' does not go with '\(action)'")
        }
    }

    func optionalString(_ key: String) throws(PolicyError) -> String? {
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        guard let scalar = pair.value.scalar else {
            throw PolicyError(path: path, line: pair.line, message: "'\(key)' must be text")
        }
        return scalar.string
    }

    func requiredString(_ key: String) throws(PolicyError) -> String {
        guard let value = try optionalString(key) else {
            throw PolicyError(path: path, line: line, message: "\(what) needs '\(key)'")
        }
        // Any ASCII byte but a space or a control character from tab to carriage return is
        // text; only the rest (every other space or newline is not ASCII) asks Foundation.
        let hasText = value.utf8.contains { $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) }
        guard hasText || !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PolicyError(path: path, line: line(of: key), message: "'\(key)' is empty")
        }
        return value
    }

    /// A list of addresses, or one address; empty when absent.
    func addresses(_ key: String) throws(PolicyError) -> [String] {
        guard let pair = pairs.first(where: { $0.key == key }) else { return [] }
        if let scalar = pair.value.scalar { return [scalar.string] }
        guard let sequence = pair.value.sequence else {
            throw PolicyError(path: path, line: pair.line, message: "'\(key)' is an address or a list of addresses")
        }
        var addresses: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string, text.contains("@") else {
                throw PolicyError(path: path, line: item.mark?.line ?? pair.line, message: "'\(key)' entries are mail addresses")
            }
            addresses.append(text)
        }
        return addresses
    }

    func requiredMapping(_ key: String) throws(PolicyError) -> Fields {
        guard let pair = pairs.first(where: { $0.key == key }) else {
            throw PolicyError(path: path, line: line, message: "\(what) needs '\(key)'")
        }
        return try Fields(pair.value, path: path, what: "'\(key)'")
    }

    func requiredSequence(_ key: String) throws(PolicyError) -> [Node] {
        guard let pair = pairs.first(where: { $0.key == key }) else {
            throw PolicyError(path: path, line: line, message: "\(what) needs '\(key)'")
        }
        guard let sequence = pair.value.sequence else {
            throw PolicyError(path: path, line: pair.line, message: "'\(key)' must be a list")
        }
        return Array(sequence)
    }
}
