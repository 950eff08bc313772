// swift-tools-version:6.0
import PackageDescription

/// kseries: carry an RFC patch series for the Linux kernel across releases.
///
/// The pipeline, one module per stage:
/// `CGit2` (libgit2) → `Git` (safe wrapper) → `CSource` (C tokens, scopes, anchors)
/// → `Policy` (templates as data) → `MailFormat` (RFC 2047 words, RFC 2822 dates, transfer
/// encodings) → `Series` (commits to mail) → `KernelBuild` (Kbuild on a tree
/// materialised from git objects) → `KSeries` (commands' logic)
/// → `KSeriesCLI` (the thin command-line shell, built as the `kseries` executable).
let package = Package(
    name: "kseries",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kseries", targets: ["KSeriesCLI"]),
        .library(name: "KSeries", targets: ["KSeries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // libgit2's headers (Debian: libgit2-dev). Linked by `Git`: shared in debug builds,
        // from its archive in Linux release builds (see KSeriesCLI's linker settings).
        .systemLibrary(name: "CGit2"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Headers only: Mail loads libcurl when it sends (see Sources/CCurl/shim.h).
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Links libgit2's TLS set-up lazily in release builds (see Sources/CGit2LazyTLS/lazy_tls.c).
        .target(name: "CGit2LazyTLS", cSettings: [.define("KSERIES_LAZY_TLS", .when(platforms: [.linux], configuration: .release))]),
        .target(
            name: "Git", dependencies: ["CGit2", "CGit2LazyTLS"],
            linkerSettings: [
                .linkedLibrary("git2", .when(configuration: .debug)),
                .linkedLibrary("git2", .when(platforms: [.macOS, .windows, .android, .openbsd], configuration: .release)),
            ]),
        .target(name: "MailFormat"),
        .target(name: "CSource"),
        .target(name: "Policy", dependencies: ["CSource", .product(name: "Yams", package: "Yams")]),
        .target(name: "Series", dependencies: ["Git", "MailFormat", "CZlib"]),
        .target(name: "Apply", dependencies: ["Git", "MailFormat"]),
        .target(name: "Maintainers", dependencies: ["Git"]),
        .target(name: "Mail", dependencies: ["CCurl", "Git", "MailFormat"]),
        .target(name: "RangeDiff", dependencies: ["Git", "Series"]),
        .target(name: "KernelBuild", dependencies: ["Git", "Policy"]),
        .target(name: "KSeries", dependencies: ["Git", "CSource", "Policy", "MailFormat", "Series", "Apply", "Maintainers", "Mail", "RangeDiff", "KernelBuild"]),
        .executableTarget(
            name: "KSeriesCLI",
            dependencies: ["KSeries", "KernelBuild", "Git", "Apply", "Policy", "Maintainers", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // Release builds link the Swift runtime and Foundation in (as `scripts/install` does):
            // loading them as 20-odd shared libraries cost every command about 15 ms before main.
            linkerSettings: [
                .unsafeFlags(
                    // Modules compiled against the shared Foundation name only libFoundation: its
                    // static archive's own dependencies are listed here.
                    ["-static-stdlib", "-Xclang-linker", "-no-pie", "-lFoundation", "-lFoundationInternationalization", "-lFoundationEssentials", "-lCoreFoundation",
                     "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization"]
                    // libgit2 and the libraries it needs linked in too (Debian ships their
                    // archives with libgit2-dev), with its TLS set-up deferred to first use:
                    // git_libgit2_init() parsed the system's CA bundle, 7 ms per command.
                    // GSSAPI has no archive and stays shared.
                    + ["git_mbedtls_stream_global_init", "git_mbedtls_stream_new", "git_mbedtls_stream_wrap", "git_mbedtls__set_cert_location"]
                        .flatMap { ["-Xlinker", "--wrap=\($0)"] }
                    + ["git2", "mbedtls", "mbedx509", "mbedcrypto", "http_parser", "ssh2", "pcre2-8", "crypto"].map { "-l:lib\($0).a" }
                    + ["-l:libgssapi_krb5.so.2"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "MailFormatTests", dependencies: ["MailFormat"]),
        .testTarget(name: "CSourceTests", dependencies: ["CSource", "TestSupport"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "CSource", "TestSupport"]),
        .testTarget(name: "SeriesTests", dependencies: ["Series", "Git", "TestSupport"]),
        .testTarget(name: "ApplyTests", dependencies: ["Apply", "Git", "TestSupport"]),
        .testTarget(name: "MaintainersTests", dependencies: ["Maintainers", "Git", "TestSupport"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "Git", "TestSupport"]),
        .testTarget(name: "RangeDiffTests", dependencies: ["RangeDiff", "Git", "TestSupport"]),
        .testTarget(name: "KSeriesTests", dependencies: ["KSeries", "KSeriesCLI", "Git", "Series", "Policy", "Apply", "KernelBuild", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (libFuzzer), one per parser of untrusted input, only when KSERIES_FUZZ is set:
// scripts/fuzz builds them with -sanitize=fuzzer,address into .build/fuzz and runs them.
if Context.environment["KSERIES_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzCSource", ["CSource"]), ("FuzzPolicy", ["Policy"]), ("FuzzPatch", ["Apply"]), ("FuzzMail", ["Mail", "MailFormat"]),
        ("FuzzMaintainers", ["Maintainers"]), ("FuzzSendEmailConfig", ["Mail"]), ("FuzzSeriesState", ["KSeries"]),
    ]
    // Fuzz targets are release builds against the shared libgit2: no archive, no wrapped TLS.
    for target in package.targets where target.name == "CGit2LazyTLS" { target.cSettings = nil }
    for target in package.targets where target.name == "Git" { target.linkerSettings = [.linkedLibrary("git2")] }
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies + ["FuzzSupport"], path: "Fuzz/\(name)"))
    }
}
