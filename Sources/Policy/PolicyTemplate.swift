import CSource

/// A policy template: one way of writing a patch series, as data.
///
/// Loaded from `Templates/<name>/policy.yaml` (see `Templates/README.md`). Nothing in it is
/// code: it names files, C scopes, token anchors and the text to put there.
public struct PolicyTemplate: Sendable, Equatable {
    /// The policy's name, which is also its folder name (e.g. `rcu-kvm-run-loop`).
    public var name: String
    /// The file it was read from, for messages.
    public var sourcePath: String
    /// The kernel ref the series is written against unless the user says otherwise.
    public var base: String
    /// Mail subject prefix before the version, e.g. `RFC PATCH` gives `[RFC PATCH v1 1/3]`.
    public var subjectPrefix: String
    /// The cover letter's subject and text.
    public var cover: CoverText
    /// What a tree must have for the policy to make sense there, checked before any edit.
    public var preconditions: [Precondition]
    /// Recipients the author always wants, on top of MAINTAINERS' (`to:`/`cc:` in the file).
    public var to: [String] = []
    public var cc: [String] = []
    /// The patches, in series order.
    public var patches: [PatchTemplate]
    /// How `kseries check --build` compiles the series (`build:`); nil when the policy has none.
    public var build: BuildSection?

    public init(
        name: String, sourcePath: String, base: String, subjectPrefix: String, cover: CoverText,
        preconditions: [Precondition] = [], patches: [PatchTemplate]
    ) {
        self.name = name
        self.sourcePath = sourcePath
        self.base = base
        self.subjectPrefix = subjectPrefix
        self.cover = cover
        self.preconditions = preconditions
        self.patches = patches
    }
}

/// The cover letter of a series: subject line and body text.
public struct CoverText: Sendable, Equatable {
    public var subject: String
    public var body: String

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }
}

/// One patch of a policy: its commit message and the edits that make its diff.
public struct PatchTemplate: Sendable, Equatable {
    /// The commit subject, e.g. `rcu: Ignore nohz_full CPUs in KVM's vCPU run loop`.
    public var subject: String
    /// The commit message body, without the Signed-off-by (kseries adds it from the identity).
    public var body: String
    public var edits: [PolicyEdit]
    /// Line of the patch in the template file.
    public var line: Int

    public init(subject: String, body: String, edits: [PolicyEdit], line: Int) {
        self.subject = subject
        self.body = body
        self.edits = edits
        self.line = line
    }
}

/// One edit of a policy: the file, the edit itself in CSource's model (scope, which definition,
/// action), and where the template wrote it.
public struct PolicyEdit: Sendable, Equatable {
    /// Path in the kernel tree, e.g. `virt/kvm/kvm_main.c`.
    public var file: String
    /// What to do in the file: the scope, which definition of it (`occurrence`, `condition`) and
    /// the action at its anchor.
    public var sourceEdit: SourceEdit
    /// Line of the edit's action (`after:`, `before:`, …) in the template file, for messages.
    public var line: Int

    public init(file: String, sourceEdit: SourceEdit, line: Int) {
        self.file = file
        self.sourceEdit = sourceEdit
        self.line = line
    }
}

/// Something a kernel tree must have for a policy to make sense on it, e.g. the member
/// `wants_to_run` in `struct kvm_vcpu` (upstream since 6.11).
public struct Precondition: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        /// A member of a struct or union: `(keyword, type name, member name)`.
        case member(keyword: String, type: String, member: String)
        /// A function definition.
        case function(String)
        /// A `#define NAME`.
        case macro(String)
        /// A Kconfig symbol (`config NAME` or `menuconfig NAME`).
        case kconfig(String)
    }

    public var requirement: Requirement
    /// The file that must have it.
    public var file: String
    /// Why the policy needs it, shown when it is missing.
    public var reason: String?
    /// Line in the template file.
    public var line: Int

    public init(requirement: Requirement, file: String, reason: String? = nil, line: Int) {
        self.requirement = requirement
        self.file = file
        self.reason = reason
        self.line = line
    }

    public var description: String {
        switch requirement {
        case .member(let keyword, let type, let member): "member \(member) in \(keyword) \(type) (\(file))"
        case .function(let name): "function \(name)() (\(file))"
        case .macro(let name): "macro \(name) (\(file))"
        case .kconfig(let name): "Kconfig symbol \(name) (\(file))"
        }
    }
}
