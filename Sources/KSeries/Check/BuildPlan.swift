import KernelBuild
import Policy

/// What `check --build` compiles: the configurations, the architecture and how many header
/// users per touched header, from the command line's options and the policy's `build:` section.
public struct BuildPlan: Sendable {
    /// `--build`'s options as given; nil leaves the choice to the policy.
    public struct Options: Sendable {
        /// `--config NAME`: only these configurations of the policy's `build:` section.
        public var configs: [String]
        /// `--from TARGET`: the make target that writes `.config` (overrides the policy's).
        public var from: String?
        /// `--set KEY=VALUE` after `--from`.
        public var settings: [String]
        public var arch: String?
        public var headerObjects: Int?
        /// `--sparse`: also run sparse (Kbuild's `C=1`).
        public var sparse: Bool

        public init(
            configs: [String] = [], from: String? = nil, settings: [String] = [], arch: String? = nil,
            headerObjects: Int? = nil, sparse: Bool = false
        ) {
            self.configs = configs
            self.from = from
            self.settings = settings
            self.arch = arch
            self.headerObjects = headerObjects
            self.sparse = sparse
        }
    }

    public var configs: [BuildConfig]
    public var arch: String
    public var headerObjects: Int
    public var sparse: Bool

    /// The plan for `policy` (nil for patch text): `--from` and `--set` make one configuration;
    /// else the policy's configurations (those `--config` names); else `defconfig`.
    public init(_ options: Options, policy: PolicyTemplate?) throws(KSeriesError) {
        arch = options.arch ?? policy?.build?.arch ?? "x86_64"
        headerObjects = options.headerObjects ?? policy?.build?.headerObjects ?? BuildCheck.defaultHeaderObjects
        sparse = options.sparse
        if let from = options.from {
            var parsed: [ConfigSetting] = []
            for text in options.settings {
                guard let setting = ConfigSetting(parsing: text) else {
                    throw .argument("--set \(text)", problem: "takes KEY=VALUE (e.g. KVM=y)")
                }
                parsed.append(setting)
            }
            configs = [BuildConfig(name: options.configs.first ?? from, from: from, settings: parsed)]
            return
        }
        guard options.settings.isEmpty else { throw .argument("--set", problem: "goes with --from") }
        guard let section = policy?.build else {
            if let policy {
                throw .argument(
                    "--build",
                    problem: "the policy \(policy.name) has no build: section (Templates/README.md); give --from defconfig [--set KEY=VAL]…")
            }
            configs = [BuildConfig(name: "defconfig", from: "defconfig", settings: [])]
            return
        }
        configs = section.configs
        if !options.configs.isEmpty {
            for name in options.configs where !section.configs.contains(where: { $0.name == name }) {
                throw .argument(
                    "--config \(name)",
                    problem: "no such configuration in the policy (it has: \(section.configs.map(\.name).joined(separator: ", ")))")
            }
            configs = section.configs.filter { options.configs.contains($0.name) }
        }
    }
}
