import Foundation

/// The compiler and the make variables a build uses, read from the environment the way Kbuild
/// reads them: `CC`, `CROSS_COMPILE`, `LLVM` (`1`, a `-15` suffix or a `/path/` prefix), plus
/// `KSERIES_BUILD_WRAPPER` (e.g. `ccache` or `distcc`) put in front of the compiler and
/// `KSERIES_BUILD_JOBS` for `-j` (default: the machine's cores).
public struct Toolchain: Sendable, Equatable {
    /// The kernel's `ARCH=`.
    public var arch: String
    /// `CC` as given (may itself be `ccache gcc`), nil to let Kbuild choose.
    public var compiler: String?
    public var crossCompile: String?
    public var llvm: String?
    /// A program put in front of the compiler (`ccache`, `distcc`).
    public var wrapper: String?
    /// `make -j`.
    public var jobs: Int
    /// Run sparse on every compiled file (Kbuild's `C=1`), as the 0-day bot does.
    public var sparse = false

    public init(arch: String, environment: [String: String]) {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        self.arch = arch
        compiler = value("CC")
        crossCompile = value("CROSS_COMPILE")
        llvm = value("LLVM")
        wrapper = value("KSERIES_BUILD_WRAPPER")
        jobs = value("KSERIES_BUILD_JOBS").flatMap(Int.init).map { max(1, $0) } ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// The compiler command Kbuild will run, wrapper included.
    public var compilerCommand: String {
        let base: String
        if let compiler {
            base = compiler
        } else if let llvm {
            base = llvm.hasSuffix("/") ? "\(llvm)clang" : llvm.hasPrefix("-") ? "clang\(llvm)" : "clang"
        } else {
            base = "\(crossCompile ?? "")gcc"
        }
        return [wrapper, base].compactMap { $0 }.joined(separator: " ")
    }

    /// The variables given to every make run.
    public var makeVariables: [String] {
        compilerVariables + (sparse ? ["C=1"] : [])
    }

    private var compilerVariables: [String] {
        var variables = ["ARCH=\(arch)"]
        if let crossCompile { variables.append("CROSS_COMPILE=\(crossCompile)") }
        if let llvm { variables.append("LLVM=\(llvm)") }
        if compiler != nil || wrapper != nil { variables.append("CC=\(compilerCommand)") }
        return variables
    }

    /// What distinguishes two object folders built with different tools (part of the key;
    /// sparse is not: it checks the files that are compiled, the objects stay the same).
    public var key: String { compilerVariables.joined(separator: " ") }

    /// The programs and headers Kbuild needs that are not installed, with the Debian packages
    /// that provide them; nil when everything is there.
    public func missingTools(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> BuildError? {
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func installed(_ program: String) -> Bool {
            if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) }
            return folders.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
        }
        let compilerWords = compilerCommand.split(separator: " ").map(String.init).filter { !$0.contains("=") }
        let programs = ["make", "flex", "bison", "bc", "perl"] + compilerWords + (sparse ? ["sparse"] : [])
        var tools: [String] = []
        var packages: [String] = []
        for program in programs where !installed(program) {
            tools.append(program)
            let name = (program as NSString).lastPathComponent
            packages.append(name.hasSuffix("gcc") && crossCompile == nil ? "gcc" : name.hasPrefix("clang") ? "clang llvm lld" : name)
        }
        for (header, package) in [("/usr/include/gelf.h", "libelf-dev"), ("/usr/include/openssl/opensslv.h", "libssl-dev")]
        where !FileManager.default.fileExists(atPath: header) {
            tools.append(header)
            packages.append(package)
        }
        guard !tools.isEmpty else { return nil }
        return BuildError(
            .missingTools(tools: tools, packages: packages), path: "",
            message: "building a kernel needs \(tools.joined(separator: ", ")), which \(tools.count == 1 ? "is" : "are") not installed "
                + "(Debian: apt-get install \(packages.joined(separator: " ")); scripts/bootstrap installs them)")
    }
}
