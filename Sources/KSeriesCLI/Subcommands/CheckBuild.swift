import ArgumentParser
import Foundation
import KSeries
import KernelBuild
import Policy

/// `kseries check --build` options: which configurations, and how many header users.
struct BuildOptions: ParsableArguments {
    @Flag(help: "Compile the series after each patch, on each ref, in each configuration (see README: check --build).")
    var build = false

    @Option(name: .customLong("config"), help: "Build only this configuration of the policy's build: section (repeatable).")
    var configs: [String] = []

    @Option(help: "For patch text (or to override the policy): the make target that writes .config, e.g. defconfig.")
    var from: String?

    @Option(name: .customLong("set"), help: "With --from: a Kconfig value set after it, KEY=VAL (repeatable), e.g. --set KVM=y.")
    var settings: [String] = []

    @Option(help: "The kernel's ARCH= when the policy does not say (default: x86_64).")
    var arch: String?

    @Flag(help: "With --build: also run sparse (Kbuild's C=1) on the compiled files and report its new warnings.")
    var sparse = false

    @Option(help: "Objects compiled per touched header, at most (default: the policy's header-objects, else \(BuildCheck.defaultHeaderObjects)).")
    var headerObjects: Int?

    /// The options as `CheckRun` takes them.
    var plan: BuildPlan.Options {
        BuildPlan.Options(
            configs: configs, from: from, settings: settings, arch: arch, headerObjects: headerObjects, sparse: sparse)
    }
}
