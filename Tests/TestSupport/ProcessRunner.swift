import Foundation

/// The result of running a program to completion.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A failed program run, with its output for the test log.
public struct ProcessFailure: Error, CustomStringConvertible {
    public var command: [String]
    public var output: ProcessOutput

    public init(command: [String], output: ProcessOutput) {
        self.command = command
        self.output = output
    }

    public var description: String {
        "\(command.joined(separator: " ")) exited \(output.status)\n\(output.stderrText)\(output.stdoutText)"
    }
}

/// Runs programs for tests: real git, perl scripts and the kseries binary.
public enum ProcessRunner {
    /// An environment isolated from the host's git configuration, with a fixed identity.
    public static func isolatedGitEnvironment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("GIT_") { environment[key] = nil }
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = "\(home)/.config"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Test Author"
        environment["GIT_AUTHOR_EMAIL"] = "author@example.org"
        environment["GIT_COMMITTER_NAME"] = "Test Committer"
        environment["GIT_COMMITTER_EMAIL"] = "committer@example.org"
        environment["GIT_AUTHOR_DATE"] = "1700000000 +0000"
        environment["GIT_COMMITTER_DATE"] = "1700000000 +0000"
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs `arguments[0]` (looked up on PATH) and returns its output; never throws on a
    /// non-zero exit.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: [UInt8]? = nil
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input))
            try inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a chatty program cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus, stdout: Array(outData), stderr: Array(errData))
    }

    /// Runs and throws `ProcessFailure` on a non-zero exit.
    @discardableResult
    public static func checked(
        _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: [UInt8]? = nil
    ) throws -> ProcessOutput {
        let output = try run(arguments, in: directory, environment: environment, input: input)
        guard output.status == 0 else { throw ProcessFailure(command: arguments, output: output) }
        return output
    }
}
