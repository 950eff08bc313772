import Foundation
import Git
import Testing
import TestSupport

@testable import Maintainers

/// Oracle: on the real tree, kseries' recipients must be what
/// `scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats` prints in a checkout of
/// the same commit, for files chosen at random and for patches (see `OracleVerdict` for
/// outputs that differ only in the script's random order of equally deep sections).
@Suite("get_maintainer.pl oracle on the real kernel")
struct KernelOracleTests {
    static let ref = "v6.12-deb"
    static let sampleSize = 250
    static let seed: UInt64 = 0x6b73_6572_6965_73  // "kseries"
    /// The files the shipped policies edit.
    static let policyFiles = [
        "include/linux/context_tracking.h", "include/linux/context_tracking_state.h", "kernel/rcu/tree.c",
        "kernel/rcu/tree_plugin.h", "virt/kvm/kvm_main.c", "include/linux/kvm_host.h",
    ]

    @Test("files of v6.12-deb, at random and those the policies touch, and patches")
    func filesAndPatches() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let tree = try KernelTree.require()
        let regularFiles = try Self.regularFiles(tree: tree)
        let files = Self.sample(regularFiles, count: Self.sampleSize) + Self.policyFiles
        let patches = try Self.patches(tree: tree)
        let patchFiles = Set(patches.flatMap(\.files)).intersection(regularFiles)
        let inputsDone = clock.now

        let checkout = try GetMaintainerCheckout(tree: tree, ref: Self.ref, files: files + patchFiles.sorted())
        let patchDirectory = "\(checkout.scratch.path)/patches"
        for patch in patches { try checkout.scratch.write("patches/\(patch.name)", bytes: patch.bytes) }
        let checkoutDone = clock.now

        let lookup = try MaintainerLookup(repository: Repository(at: tree), revision: Self.ref)
        #expect(lookup.problems.isEmpty, "\(lookup.problems)")

        var cases: [OracleCase] = files.map { OracleCase(name: $0, inputs: [.path($0)], arguments: ["-f", $0]) }
        cases += patches.map { OracleCase(name: $0.name, inputs: [.patch($0.bytes)], arguments: ["\(patchDirectory)/\($0.name)"]) }
        let shipped = patches.filter { $0.name.hasPrefix("shipped-") }
        if shipped.count > 1 {
            cases.append(
                OracleCase(
                    name: "the whole shipped series at once", inputs: shipped.map { .patch($0.bytes) },
                    arguments: shipped.map { "\(patchDirectory)/\($0.name)" }))
        }

        let expected = try checkout.lines(forEach: cases.map(\.arguments))
        // Roles too (`--roles` form, what rolestats prints without git), for the policy
        // files and the patches.
        let roleCases = cases.filter { oracleCase in
            if case .path(let path) = oracleCase.inputs[0] { return Self.policyFiles.contains(path) }
            return true
        }
        let expectedRoles = try checkout.lines(forEach: roleCases.map(\.arguments), flags: ["--nogit", "--nogit-fallback"])
        let perlDone = clock.now
        var roleMismatches: [String] = []
        for (oracleCase, perl) in zip(roleCases, expectedRoles) {
            let ours = try lookup.recipients(for: oracleCase.inputs).map { "\($0.address) (\($0.role))" }
            if try ours != perl && OracleVerdict.compare(lookup, oracleCase.inputs, perl.map(Self.addressPart)) == .identical {
                roleMismatches.append("\(oracleCase.name)\n  get_maintainer.pl: \(perl)\n  kseries:           \(ours)")
            }
        }
        #expect(roleMismatches.isEmpty, "\(roleMismatches.joined(separator: "\n"))")
        var tally: [OracleVerdict: Int] = [:]
        var fileTally: [OracleVerdict: Int] = [:]
        var report: [String] = []
        for (oracleCase, perl) in zip(cases, expected) {
            let verdict = try OracleVerdict.compare(lookup, oracleCase.inputs, perl)
            tally[verdict, default: 0] += 1
            if case .path = oracleCase.inputs[0] { fileTally[verdict, default: 0] += 1 }
            if verdict != .identical {
                let ours = try lookup.addressLines(for: oracleCase.inputs)
                report.append("\(verdict) \(oracleCase.name)\n  get_maintainer.pl: \(perl)\n  kseries:           \(ours)")
            }
        }
        let fileCount = cases.count { if case .path = $0.inputs[0] { return true } else { return false } }
        let patchCount = cases.count - fileCount
        print(
            """
            get_maintainer.pl oracle on \(Self.ref): \(fileCount) files, \(patchCount) patch inputs
              files:   \(fileTally[.identical, default: 0]) identical, \(fileTally[.tieOrder, default: 0]) equal up to the order of equally deep sections, \(fileTally[.different, default: 0]) different
              patches: \(tally[.identical, default: 0] - fileTally[.identical, default: 0]) identical, \(tally[.tieOrder, default: 0] - fileTally[.tieOrder, default: 0]) equal up to that order, \(tally[.different, default: 0] - fileTally[.different, default: 0]) different
              roles: \(roleCases.count - roleMismatches.count) of \(roleCases.count) identical with --roles
              time: \(inputsDone - started) inputs, \(checkoutDone - inputsDone) checkout, \(perlDone - checkoutDone) get_maintainer.pl, \(clock.now - perlDone) kseries and comparing
            \(report.joined(separator: "\n"))
            """)
        #expect(tally[.different, default: 0] == 0, "\(report.filter { $0.hasPrefix("different") }.joined(separator: "\n"))")
        #expect(fileCount == Self.sampleSize + Self.policyFiles.count && patchCount >= 10)
    }

    /// `Name <address> (role)` → `Name <address>`.
    static func addressPart(_ line: String) -> String {
        if let end = line.range(of: "> (") { return String(line[..<line.index(after: end.lowerBound)]) }
        if let open = line.range(of: " (") { return String(line[..<open.lowerBound]) }
        return line
    }

    struct OracleCase {
        var name: String
        var inputs: [MaintainersInput]
        var arguments: [String]
    }

    // MARK: Inputs

    static func regularFiles(tree: String) throws -> Set<String> {
        let listing = try ProcessRunner.checked(["git", "-C", tree, "ls-tree", "-r", "-z", ref]).stdout
        return Set(
            listing.split(separator: 0).compactMap { line -> String? in
                let text = String(decoding: line, as: UTF8.self)
                guard text.hasPrefix("100644 ") || text.hasPrefix("100755 "), let tab = text.firstIndex(of: "\t")
                else { return nil }
                return String(text[text.index(after: tab)...])
            })
    }

    /// `count` distinct files picked with SplitMix64 from the fixed seed, in sorted order.
    static func sample(_ files: Set<String>, count: Int) -> [String] {
        let sorted = files.sorted()
        var state = seed
        var picked: Set<Int> = []
        while picked.count < min(count, sorted.count) {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            picked.insert(Int(z % UInt64(sorted.count)))
        }
        return picked.sorted().map { sorted[$0] }
    }

    struct Patch {
        var name: String
        var bytes: [UInt8]
        /// The files it names, for the checkout.
        var files: [String]
    }

    /// Diffs between the two tags (modified, added, deleted and renamed files; keywords;
    /// devicetree bindings), a format-patch mail of a commit made here (keywords in the
    /// subject and body, a `Fixes:` tag), and the shipped series' mails.
    static func patches(tree: String) throws -> [Patch] {
        var patches: [Patch] = []
        func diff(_ name: String, _ extra: [String], _ paths: [String]) throws {
            let bytes = try ProcessRunner.checked(
                ["git", "-C", tree, "diff"] + extra + ["v6.1-deb", ref, "--"] + paths).stdout
            patches.append(Patch(name: name, bytes: bytes, files: paths))
        }
        try diff("diff-rcu-kvm.patch", [], ["kernel/rcu/tree.c", "include/linux/kvm_host.h"])
        try diff(
            "diff-bindings.patch", [],
            [
                "Documentation/devicetree/bindings/iio/adc/mediatek,mt2701-auxadc.yaml",
                "Documentation/devicetree/bindings/iio/dac/adi,ad5380.yaml",
            ])
        try diff(
            "diff-rename.patch", ["-M"],
            ["drivers/net/ethernet/intel/ice/ice_devlink.h", "drivers/net/ethernet/intel/ice/devlink/devlink.h"])
        try diff("diff-deleted.patch", [], ["drivers/staging/board"])
        try diff("diff-keywords.patch", [], ["rust/kernel/sync.rs", "net/core/xdp.c", "kernel/pid.c"])

        let clone = try KernelScratchClone()
        let commit = try clone.commit(
            on: ref, tag: "oracle-commit", file: "kernel/rcu/tree_plugin.h",
            message: """
                rcu: Note a pidfd and clang in a comment

                The PREEMPT_RT build with clang wants this; see also dma_fence.

                Fixes: 0123456789ab ("rcu: Something")
                Signed-off-by: Test Author <author@example.org>
                """
        ) { text in
            text.replacingOccurrences(
                of: "#include \"../locking/rtmutex_common.h\"\n",
                with: "#include \"../locking/rtmutex_common.h\"\n\n/* Nothing to do with bpf_prog or xdp_buff. */\n")
        }
        let mail = try ProcessRunner.checked(
            ["git", "-C", clone.path, "format-patch", "-1", "--stdout", commit], environment: clone.environment
        ).stdout
        patches.append(Patch(name: "format-patch-keywords.patch", bytes: mail, files: ["kernel/rcu/tree_plugin.h"]))

        let shipped = "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: shipped))?.filter { $0.hasSuffix(".patch") }.sorted() ?? []
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(shipped)/\(name)")))
            patches.append(Patch(name: "shipped-\(name)", bytes: bytes, files: policyFiles))
        }
        return patches
    }
}
