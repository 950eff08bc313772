import Foundation
import Git
import KSeries
import KernelBuild
import Policy
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One build cache for the whole test run, so each (ref, configuration) is prepared once and
/// reused by every test of the suite; removed when the test process exits. Set
/// `KSERIES_TEST_BUILD_CACHE` to keep one between runs (CI with a cached folder).
enum SharedBuildCache {
    static let path: String = {
        if let path = ProcessInfo.processInfo.environment["KSERIES_TEST_BUILD_CACHE"], !path.isEmpty { return path }
        let base = FileManager.default.temporaryDirectory.path
        // Caches of earlier runs that died before their exit handler ran.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix("kseries-build-tests-") {
            if let pid = Int32(name.dropFirst("kseries-build-tests-".count)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(atPath: "\(base)/\(name)")
            }
        }
        let path = "\(base)/kseries-build-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // rm -rf: FileManager takes minutes over the ~200,000 files of two kernel trees.
        atexit {
            if ProcessInfo.processInfo.environment["KSERIES_TEST_BUILD_CACHE"] == nil {
                _ = system("rm -rf '\(FileManager.default.temporaryDirectory.path)/kseries-build-tests-\(getpid())'")
            }
        }
        return path
    }()
}

/// `kseries check --build` on the real trees: real Kbuild, real gcc, no mocks.
@Suite("check --build compiles every patch boundary", .serialized)
struct BuildCheckTests {
    let clone: KernelScratchClone
    let repository: Repository
    let templates: ScratchDirectory

    init() throws {
        clone = try KernelScratchClone()
        repository = try Repository(at: clone.path)
        templates = try ScratchDirectory("kseries-build-templates")
    }

    /// The shipped run-loop policy's configurations: every test builds in these, so the
    /// object folders are shared.
    func shippedConfigs() throws -> [BuildConfig] {
        let policy = try PolicyLoader().load(directory: "\(ProjectLayout.templates)/rcu-kvm-run-loop")
        return try #require(policy.build?.configs)
    }

    func config(_ name: String) throws -> BuildConfig {
        try #require(try shippedConfigs().first { $0.name == name })
    }

    func check(_ series: BuildCheck.Series, refs: [String], configs: [BuildConfig]) -> [BuildCheck.Report] {
        BuildCheck(repository: repository, cache: BuildCache(root: SharedBuildCache.path), environment: ProcessInfo.processInfo.environment)
            .run(series, refs: refs, configs: configs, arch: "x86_64")
    }

    /// A policy folder below the scratch templates, from its patches' YAML, with the shipped
    /// policies' configurations (the same object folders).
    func policy(_ name: String, base: String = "v6.12-deb", patches: String) throws -> PolicyTemplate {
        let yaml = """
            base: \(base)
            subject-prefix: RFC PATCH
            cover:
              subject: \(name)
              body: |
                Test series.
            build:
              arch: x86_64
              configs:
                - name: nohz-full
                  from: defconfig
                  set: [VIRTUALIZATION=y, KVM=y, KVM_INTEL=y, NO_HZ_FULL=y, CONTEXT_TRACKING_USER_FORCE=y]
                - name: no-context-tracking
                  from: defconfig
                  set: [VIRTUALIZATION=y, KVM=y, KVM_INTEL=y, NO_HZ_FULL=n, CONTEXT_TRACKING_USER=n]
            patches:
            \(patches)
            """
        try templates.write("\(name)/policy.yaml", yaml)
        return try PolicyLoader().load(directory: "\(templates.path)/\(name)")
    }

    /// The 1-based line of the first line containing `needle` in `path` after the policy's
    /// patch `patch`, computed from the edited tree (never hard-coded).
    func line(of needle: String, in path: String, policy: PolicyTemplate, ref: String, patch: Int) throws -> Int {
        let commit = try repository.commitID(forRevision: ref)
        let edited = try SeriesBuilder(repository: repository).edit(policy: policy, base: commit, ref: ref)
        var contents = try repository.file(at: path, inCommit: commit).contents
        for index in 0..<patch {
            if let file = edited[index].files.first(where: { $0.path == path }) { contents = file.contents }
        }
        let lines = String(decoding: contents, as: UTF8.self).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains(needle) }, "\(needle) not in \(path)")
        return index + 1
    }

    static func summary(_ report: BuildCheck.Report) -> String {
        let patches = report.patches.map { String(format: "%d:%.1fs", $0.number, $0.seconds) }.joined(separator: " ")
        return String(
            format: "%@ %@: tree %@ %.1fs, config %@ %.1fs, baseline %.1fs, patches %@", report.ref, report.config,
            report.reusedTree ? "cached" : "made", report.workspaceSeconds, report.reusedConfig ? "cached" : "made",
            report.configureSeconds, report.baselineSeconds, patches)
    }

    @Test("both shipped policies build on v6.1-deb and v6.12-deb, in both their configurations, at every patch boundary")
    func shippedPoliciesBuild() throws {
        for name in ["rcu-kvm-run-loop", "rcu-kvm-last-exit"] {
            let policy = try PolicyLoader().load(directory: "\(ProjectLayout.templates)/\(name)")
            let section = try #require(policy.build, "\(name) has no build: section")
            #expect(section.configs.map(\.name) == ["nohz-full", "no-context-tracking"])
            let reports = check(.policy(policy), refs: ["v6.1-deb", "v6.12-deb"], configs: section.configs)
            try #require(reports.count == 4)
            for report in reports {
                print("build \(name) " + Self.summary(report))
                #expect(report.error == nil, "\(name) \(report.ref) \(report.config): \(report.error ?? "")")
                #expect(report.droppedSettings.isEmpty, "\(name) \(report.ref) \(report.config): \(report.droppedSettings)")
                #expect(report.objects.contains("kernel/rcu/tree.o") && report.objects.contains("virt/kvm/kvm_main.o"), "\(report.objects)")
                #expect(report.notBuilt.isEmpty, "\(report.notBuilt)")
                for header in report.headers {
                    #expect(!(header.includedBy + header.chosen).isEmpty, "no compiled object includes \(header.header)")
                }
                #expect(report.patches.map(\.number) == Array(1...policy.patches.count))
                for patch in report.patches {
                    #expect(patch.verdict == .builds, "\(name) \(report.ref) \(report.config) patch \(patch.number): \(patch.verdict) \(patch.errors.map(\.diagnostic.text)) \(patch.newWarnings.map(\.diagnostic.text)) \(patch.makeErrors)")
                }
                #expect(report.isSuccess)
            }
        }
    }

    @Test("an identifier of 6.12 (ct_nesting) builds on v6.12-deb and fails on v6.1-deb, naming file, line, identifier and patch")
    func identifierMissingOnOlderKernel() throws {
        let policy = try policy("uses-ct-nesting", patches: """
              - subject: "KVM: Check the context tracking nesting on vcpu_load"
                body: |
                  Uses ct_nesting(), which 6.1 calls ct_dynticks_nesting().
                edits:
                  - file: virt/kvm/kvm_main.c
                    function: vcpu_load
                    after: int cpu = get_cpu();
                    insert: |
                      WARN_ON_ONCE(ct_nesting() < 0);
            """)
        let reports = check(.policy(policy), refs: ["v6.12-deb", "v6.1-deb"], configs: [try config("nohz-full")])
        try #require(reports.count == 2)
        let (new, old) = (reports[0], reports[1])
        try #require(new.patches.count == 1 && old.patches.count == 1)
        #expect(new.patches[0].verdict == .builds, "\(new.patches[0].errors.map(\.diagnostic.text))")
        #expect(old.patches[0].verdict == .fails)
        #expect(!old.isSuccess)
        let expectedLine = try line(of: "ct_nesting()", in: "virt/kvm/kvm_main.c", policy: policy, ref: "v6.1-deb", patch: 1)
        let error = try #require(old.patches[0].errors.first { $0.diagnostic.message.contains("ct_nesting") }, "\(old.patches[0].errors)")
        #expect(error.diagnostic.file == "virt/kvm/kvm_main.c")
        #expect(error.diagnostic.line == expectedLine)
        #expect(error.diagnostic.object == "virt/kvm/kvm_main.o")
        #expect(error.patch == 1)
        #expect(old.patches[0].failedObjects == ["virt/kvm/kvm_main.o"])
    }

    /// The run-loop helpers, optionally without their stubs for kernels without user context
    /// tracking, and KVM calling them.
    static func runLoopPatches(stubs: Bool, helpersLast: Bool) -> String {
        let member = """
                  - file: include/linux/context_tracking_state.h
                    struct: context_tracking
                    after: int recursion;
                    insert: |
                      bool in_guest_run_loop;
            """
        let helpers = """
                  - file: include/linux/context_tracking.h
                    before: "#define CT_WARN_ON(cond) WARN_ON"
                    insert: |+
                      static __always_inline void context_tracking_guest_start_run_loop(void)
                      {
                      	__this_cpu_write(context_tracking.in_guest_run_loop, true);
                      }

            """
        let stub = """
                  - file: include/linux/context_tracking.h
                    before: "#define CT_WARN_ON(cond) do { } while (0)"
                    insert: |
                      static __always_inline void context_tracking_guest_start_run_loop(void) { }
            """
        let call = """
              - subject: "KVM: Note the vCPU run loop in context tracking"
                body: |
                  Calls the helper.
                edits:
                  - file: virt/kvm/kvm_main.c
                    function: vcpu_load
                    after: int cpu = get_cpu();
                    insert: |
                      if (vcpu->wants_to_run)
                      	context_tracking_guest_start_run_loop();
            """
        let helperEdits = helpers + (stubs ? "\n" + stub : "")
        if helpersLast {
            return """
                  - subject: "context_tracking: Add a run-loop flag"
                    body: |
                      The flag alone.
                    edits:
                \(member)
                \(call)
                  - subject: "context_tracking: Add the run-loop helper"
                    body: |
                      The helper, after its caller.
                    edits:
                \(helperEdits)
                """
        }
        return """
              - subject: "context_tracking: Add a run-loop flag and helper"
                body: |
                  The flag and the helper.
                edits:
            \(member)
            \(helperEdits)
            \(call)
            """
    }

    @Test("a series that forgets the stubs for kernels without user context tracking fails only in that configuration")
    func missingStubsFailOnlyWithoutContextTracking() throws {
        let policy = try policy("forgets-stubs", patches: Self.runLoopPatches(stubs: false, helpersLast: false))
        let reports = check(.policy(policy), refs: ["v6.12-deb"], configs: try shippedConfigs())
        try #require(reports.count == 2)
        let (withTracking, without) = (reports[0], reports[1])
        #expect(withTracking.config == "nohz-full" && without.config == "no-context-tracking")
        #expect(withTracking.isSuccess, "\(withTracking.patches.map { ($0.verdict, $0.errors.map(\.diagnostic.text)) })")
        try #require(without.patches.count == 2)
        #expect(without.patches[0].verdict == .builds)
        #expect(without.patches[1].verdict == .fails)
        let error = try #require(without.patches[1].errors.first { $0.diagnostic.message.contains("context_tracking_guest_start_run_loop") })
        #expect(error.diagnostic.file == "virt/kvm/kvm_main.c")
        #expect(error.patch == 2)
    }

    @Test("bisectability: patch 2 calls a helper only patch 3 adds; boundary 2 fails naming patch 2, boundary 3 builds (CLI, JSON)")
    func bisectability() throws {
        let policy = try policy("helper-too-late", patches: Self.runLoopPatches(stubs: true, helpersLast: true))
        var environment = clone.environment
        environment["NO_COLOR"] = "1"
        environment["KSERIES_BUILD_CACHE"] = SharedBuildCache.path
        let run = try KSeriesBinary.run(
            ["check", "helper-too-late", "--onto", "v6.12-deb", "--build", "--config", "nohz-full", "--no-checkpatch", "--json",
             "--tree", clone.path, "--templates", templates.path],
            in: clone.scratch.path, environment: environment)
        #expect(run.status == 1, "\(run.stderrText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any], "\(run.stdoutText)\(run.stderrText)")
        #expect(json["ok"] as? Bool == false)
        let builds = try #require(json["build"] as? [[String: Any]])
        try #require(builds.count == 1)
        #expect(builds[0]["ref"] as? String == "v6.12-deb" && builds[0]["config"] as? String == "nohz-full")
        let patches = try #require(builds[0]["patches"] as? [[String: Any]])
        try #require(patches.count == 3)
        #expect(patches.map { $0["verdict"] as? String } == ["builds", "fails", "builds"])
        let errors = try #require(patches[1]["errors"] as? [[String: Any]])
        let error = try #require(errors.first { ($0["message"] as? String)?.contains("context_tracking_guest_start_run_loop") == true }, "\(errors)")
        let expectedLine = try line(of: "context_tracking_guest_start_run_loop();", in: "virt/kvm/kvm_main.c", policy: policy, ref: "v6.12-deb", patch: 2)
        #expect(error["file"] as? String == "virt/kvm/kvm_main.c")
        #expect(error["line"] as? Int == expectedLine)
        #expect(error["object"] as? String == "virt/kvm/kvm_main.o")
        #expect(error["introducedBy"] as? Int == 2)
        #expect(error["patch"] as? Int == 2 && error["ref"] as? String == "v6.12-deb" && error["config"] as? String == "nohz-full")
    }

    @Test("a touched file the configuration does not build is reported as not built, never as a pass; so is a patch of only such files")
    func notBuiltInThisConfig() throws {
        let policy = try policy("touches-tiny-rcu", patches: """
              - subject: "rcu: Note Tiny RCU"
                body: |
                  kernel/rcu/tiny.c is built only with TINY_RCU, which x86_64 defconfig does not use.
                edits:
                  - file: kernel/rcu/tiny.c
                    function: rcu_qs
                    at: body-end
                    insert: |
                      barrier();
              - subject: "KVM: A barrier"
                body: |
                  Built.
                edits:
                  - file: virt/kvm/kvm_main.c
                    function: vcpu_load
                    after: int cpu = get_cpu();
                    insert: |
                      barrier();
            """)
        let reports = check(.policy(policy), refs: ["v6.12-deb"], configs: [try config("nohz-full")])
        try #require(reports.count == 1)
        #expect(reports[0].notBuilt == ["kernel/rcu/tiny.c"])
        #expect(reports[0].objects == ["virt/kvm/kvm_main.o"])
        #expect(reports[0].patches.map(\.verdict) == [.notBuiltInConfig, .builds])
        #expect(reports[0].isSuccess)
    }

    @Test("a warm run reuses the tree and the configuration and costs only the compiles")
    func warmRunReusesWorkspace() throws {
        let policy = try PolicyLoader().load(directory: "\(ProjectLayout.templates)/rcu-kvm-run-loop")
        let configs = [try config("nohz-full")]
        let first = check(.policy(policy), refs: ["v6.12-deb"], configs: configs)
        let started = Date()
        let second = check(.policy(policy), refs: ["v6.12-deb"], configs: configs)
        let warmSeconds = Date().timeIntervalSince(started)
        try #require(first.count == 1 && second.count == 1)
        print("build warm " + Self.summary(second[0]) + String(format: " (whole run %.1fs)", warmSeconds))
        #expect(second[0].isSuccess)
        #expect(second[0].reusedTree && second[0].reusedConfig)
        #expect(second[0].workspaceSeconds < 5 && second[0].configureSeconds < 2, Comment(rawValue: Self.summary(second[0])))
    }

    @Test("a second run on a locked workspace stops with a message naming the holder")
    func lockedWorkspace() throws {
        let policy = try PolicyLoader().load(directory: "\(ProjectLayout.templates)/rcu-kvm-run-loop")
        let tree = try repository.commit(try repository.commitID(forRevision: "v6.12-deb")).treeID
        try FileManager.default.createDirectory(atPath: "\(SharedBuildCache.path)/\(tree.hex)", withIntermediateDirectories: true)
        let lock = try CacheLock(path: "\(SharedBuildCache.path)/\(tree.hex)/lock")
        let reports = check(.policy(policy), refs: ["v6.12-deb"], configs: [try config("nohz-full")])
        withExtendedLifetime(lock) {}
        try #require(reports.count == 1)
        let error = try #require(reports[0].error)
        #expect(error.contains("another kseries run (pid \(getpid()))"), "\(error)")
    }

    @Test("a run killed between patches leaves patched sources that the next run restores before building")
    func killedRunIsRepaired() throws {
        let policy = try PolicyLoader().load(directory: "\(ProjectLayout.templates)/rcu-kvm-run-loop")
        let configs = [try config("nohz-full")]
        _ = check(.policy(policy), refs: ["v6.12-deb"], configs: configs)  // warm, so the kill lands in the patch loop
        let tree = try repository.commit(try repository.commitID(forRevision: "v6.12-deb")).treeID
        let workspace = "\(SharedBuildCache.path)/\(tree.hex)"
        let journal = "\(workspace)/source.journal"

        var environment = clone.environment
        environment["KSERIES_BUILD_CACHE"] = SharedBuildCache.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: KSeriesBinary.path)
        process.arguments = ["check", "rcu-kvm-run-loop", "--onto", "v6.12-deb", "--build", "--config", "nohz-full", "--no-checkpatch",
                             "--tree", clone.path, "--templates", ProjectLayout.templates]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: journal), process.isRunning, Date() < deadline { usleep(20_000) }
        // Only a running process: once it has exited and been reaped its pid may be another's.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try #require(FileManager.default.fileExists(atPath: journal), "the run ended before writing a patch")
        // make and gcc outlive a SIGKILLed parent: wait for them, as a user would see them end.
        while Date() < deadline, (try ProcessRunner.run(["pgrep", "-f", "O=\(workspace)/"])).status == 0 { usleep(200_000) }

        let patched = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(patched.contains("include/linux/context_tracking.h"))
        let reports = check(.policy(policy), refs: ["v6.12-deb"], configs: configs)
        try #require(reports.count == 1)
        #expect(reports[0].repaired == patched.sorted())
        #expect(reports[0].isSuccess, "\(reports[0].error ?? "") \(reports[0].patches.map(\.verdict))")
        #expect(!FileManager.default.fileExists(atPath: journal))
        for path in patched {
            let base = try repository.file(at: path, inCommit: try repository.commitID(forRevision: "v6.12-deb")).contents
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: "\(workspace)/source/\(path)"))) == base, "\(path) is not the base's")
        }
    }
}

/// gcc's output, as Kbuild shows it with `-j`: diagnostics, include chains, objects.
@Suite("reading compiler diagnostics")
struct DiagnosticParserTests {
    @Test("errors and warnings with the object from the include chain or the .c file; paths made tree-relative")
    func parses() {
        let output = """
              CC      virt/kvm/kvm_main.o
            In file included from /cache/t/source/include/linux/kvm_host.h:12,
                             from /cache/t/source/virt/kvm/kvm_main.c:18:
            /cache/t/source/include/linux/context_tracking.h:99:1: warning: 'foo' defined but not used [-Wunused-function]
            /cache/t/source/virt/kvm/kvm_main.c: In function 'vcpu_load':
            /cache/t/source/virt/kvm/kvm_main.c:208:9: error: implicit declaration of function 'context_tracking_guest_start_run_loop' [-Werror=implicit-function-declaration]
              208 |         context_tracking_guest_start_run_loop();
                  |         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
            /cache/t/source/kernel/rcu/tree.c:3800:5: note: declared here
            cc1: all warnings being treated as errors
            make[4]: *** [/cache/t/source/scripts/Makefile.build:229: virt/kvm/kvm_main.o] Error 1
            """
        let diagnostics = DiagnosticParser(sourceRoot: "/cache/t/source").parse(output)
        #expect(diagnostics.count == 2)
        guard diagnostics.count == 2 else { return }
        #expect(diagnostics[0].severity == .warning)
        #expect(diagnostics[0].file == "include/linux/context_tracking.h")
        #expect(diagnostics[0].object == "virt/kvm/kvm_main.o")
        #expect(diagnostics[1].text == "virt/kvm/kvm_main.c:208:9: error: implicit declaration of function 'context_tracking_guest_start_run_loop' [-Werror=implicit-function-declaration]")
        #expect(diagnostics[1].object == "virt/kvm/kvm_main.o")
    }

    @Test("a set: value the kernel did not keep is reported with what .config holds")
    func droppedSettings() throws {
        let settings = ["KVM=y", "NO_HZ_FULL=n", "MISSING=y", "NR_CPUS=64"].compactMap(ConfigSetting.init(parsing:))
        let dotConfig = "CONFIG_KVM=m\n# CONFIG_NO_HZ_FULL is not set\nCONFIG_NR_CPUS=64\n"
        let dropped = KbuildConfiguration.dropped(settings, in: dotConfig)
        #expect(dropped.map(\.description) == ["KVM=y not kept (.config: CONFIG_KVM=m)", "MISSING=y not kept (.config: absent)"])
    }
}

/// The cache's size limit: least recently used workspaces go first, a locked one stays.
@Suite("trimming the build cache")
struct BuildCacheTrimTests {
    @Test("trim removes the oldest workspaces until the cache fits, never one in use")
    func trims() throws {
        let scratch = try ScratchDirectory("kseries-cache-trim")
        let names = ["a", "b", "c"].map { String(repeating: $0, count: 40) }
        for (age, name) in names.enumerated() {
            try scratch.write("\(name)/source/file", bytes: [UInt8](repeating: 1, count: 1 << 20))
            try scratch.write("\(name)/last-used", "")
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: Double(-3600 * (age + 1)))], ofItemAtPath: "\(scratch.path)/\(name)/last-used")
        }
        let oldest = try CacheLock(path: "\(scratch.path)/\(names[2])/lock")
        let cache = BuildCache(root: scratch.path)
        #expect(cache.workspaces().map { ($0.path as NSString).lastPathComponent } == names)
        let report = cache.trim(maxBytes: 1 << 20 + 512 << 10)
        withExtendedLifetime(oldest) {}
        #expect(report.removed.map { ($0.path as NSString).lastPathComponent } == [names[1]])
        #expect(FileManager.default.fileExists(atPath: "\(scratch.path)/\(names[0])"))
        #expect(FileManager.default.fileExists(atPath: "\(scratch.path)/\(names[2])"), "a workspace in use was removed")
        #expect(BuildCache.parseSize("20G") == 20 << 30 && BuildCache.parseSize("500M") == 500 << 20 && BuildCache.parseSize("x") == nil)
    }
}
