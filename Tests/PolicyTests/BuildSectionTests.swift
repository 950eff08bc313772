import Policy
import Testing

@Suite("Reading a policy's build: section")
struct BuildSectionTests {
    /// The policy loader tests' minimal policy, with a build: section after it.
    static let head = minimalPolicy

    func load(_ build: String) throws(PolicyError) -> PolicyTemplate {
        try PolicyLoader().load(yaml: Self.head + build, path: "Templates/t/policy.yaml", name: "t")
    }

    @Test("arch, configurations with from and set, and the header limit")
    func reads() throws {
        let policy = try load("""
            build:
              arch: x86_64
              header-objects: 2
              configs:
                - name: nohz-full
                  from: defconfig
                  set: [KVM=y, CONFIG_NO_HZ_FULL=y, NR_CPUS=64, LOCALVERSION="-rt"]
                - name: plain
                  from: tinyconfig

            """)
        let build = try #require(policy.build)
        #expect(build.arch == "x86_64")
        #expect(build.headerObjects == 2)
        #expect(build.configs.map(\.name) == ["nohz-full", "plain"])
        #expect(build.configs[0].settings.map(\.description) == ["KVM=y", "NO_HZ_FULL=y", "NR_CPUS=64", "LOCALVERSION=\"-rt\""])
        #expect(build.configs[0].settings[1].configLine == "CONFIG_NO_HZ_FULL=y")
        #expect(build.configs[1].settings.isEmpty)
        #expect(try load("").build == nil)
    }

    @Test("unknown keys, bad set entries and duplicate names are refused with their line")
    func strict() throws {
        #expect(throws: PolicyError.self) { try load("build:\n  arch: x86_64\n  configs:\n    - name: a\n      from: defconfig\n      sett: [KVM=y]\n") }
        do {
            _ = try load("build:\n  arch: x86_64\n  configs:\n    - name: a\n      from: defconfig\n      set: [KVM]\n")
            Issue.record("a set entry without = was accepted")
        } catch {
            #expect(error.line == 19)
            #expect(error.message.contains("SYMBOL=VALUE"))
        }
        #expect(throws: PolicyError.self) { try load("build:\n  arch: x86_64\n  configs:\n    - {name: a, from: defconfig}\n    - {name: a, from: defconfig}\n") }
        #expect(throws: PolicyError.self) { try load("build:\n  arch: x86_64\n  configs: []\n") }
    }
}
