import Foundation

/// How a policy's series is compiled by `kseries check --build`: the architecture and the
/// kernel configurations that matter for it (`build:` in `policy.yaml`).
public struct BuildSection: Sendable, Equatable {
    /// The kernel's `ARCH=`, e.g. `x86_64`.
    public var arch: String
    /// The configurations, in the order they are built.
    public var configs: [BuildConfig]
    /// How many objects are compiled per touched header, at most (`header-objects:`); nil for
    /// the default of `kseries check --build`.
    public var headerObjects: Int?

    public init(arch: String, configs: [BuildConfig], headerObjects: Int? = nil) {
        self.arch = arch
        self.configs = configs
        self.headerObjects = headerObjects
    }
}

/// One kernel configuration: a make target that writes `.config` (`defconfig`,
/// `tinyconfig`, `kvm_guest.config` after it…) and the symbols set on top of it.
public struct BuildConfig: Sendable, Equatable {
    /// A short name for reports and `--config`, e.g. `nohz-full`.
    public var name: String
    /// The make target that writes the starting `.config`, e.g. `defconfig`.
    public var from: String
    /// Symbols to set after it, then `olddefconfig`.
    public var settings: [ConfigSetting]
    /// Line in the template file (0 for an ad-hoc configuration).
    public var line: Int

    public init(name: String, from: String, settings: [ConfigSetting], line: Int = 0) {
        self.name = name
        self.from = from
        self.settings = settings
        self.line = line
    }
}

/// `KEY=VALUE` for a Kconfig symbol, written without the `CONFIG_` prefix: `KVM=y`,
/// `NO_HZ_FULL=n`, `NR_CPUS=64`, `LOCALVERSION="-rt"`.
public struct ConfigSetting: Sendable, Equatable, CustomStringConvertible {
    /// The symbol without `CONFIG_`.
    public var symbol: String
    /// `y`, `m`, `n`, a number, or a quoted string.
    public var value: String

    public init(symbol: String, value: String) {
        self.symbol = symbol
        self.value = value
    }

    /// Parses `KEY=VALUE` (a leading `CONFIG_` is dropped); nil when it is not of that shape.
    public init?(parsing text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        var symbol = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let value = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        if symbol.hasPrefix("CONFIG_") { symbol.removeFirst("CONFIG_".count) }
        guard !symbol.isEmpty, !value.isEmpty,
            symbol.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        self.init(symbol: symbol, value: value)
    }

    /// The line `.config` holds when the value is kept: `CONFIG_KVM=y`, or
    /// `# CONFIG_KVM is not set` for `n`.
    public var configLine: String {
        value == "n" ? "# CONFIG_\(symbol) is not set" : "CONFIG_\(symbol)=\(value)"
    }

    public var description: String { "\(symbol)=\(value)" }
}
