import Foundation

/// One compiler diagnostic (`file:line:col: error: message`), with the object being compiled
/// when it can be told from the output.
public struct CompilerDiagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// The object being compiled (`kernel/rcu/tree.o`), nil when the output does not say.
    public var object: String?
    /// Path in the kernel tree (`kernel/rcu/tree.c`), or as the compiler printed it when the
    /// file is outside the tree (generated headers).
    public var file: String
    public var line: Int
    public var column: Int?
    public var severity: Severity
    /// The compiler's text after `error: `/`warning: `.
    public var message: String

    public init(object: String?, file: String, line: Int, column: Int?, severity: Severity, message: String) {
        self.object = object
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// The line as the compiler printed it, with the tree-relative path.
    public var text: String {
        "\(file):\(line):" + (column.map { "\($0):" } ?? "") + " \(severity.rawValue): \(message)"
    }

    /// What makes two warnings the same across patches whose lines moved: file and message.
    public var identity: String { "\(file)\u{0}\(message)" }
}

/// Reads gcc's and clang's diagnostics out of a make run's output.
///
/// `-j` runs interleave compilers, but each diagnostic and its include chain arrive as one
/// block; the object is the `.c` file at the bottom of the chain (`In file included from …`,
/// `from kernel/rcu/tree.c:12:`), or the file itself when it is a `.c` file.
public struct DiagnosticParser: Sendable {
    /// The materialised source tree, stripped from absolute paths.
    public var sourceRoot: String

    public init(sourceRoot: String) {
        self.sourceRoot = sourceRoot.hasSuffix("/") ? sourceRoot : sourceRoot + "/"
    }

    /// The errors and warnings in `output`, in order (notes are dropped).
    public func parse(_ output: String) -> [CompilerDiagnostic] {
        var diagnostics: [CompilerDiagnostic] = []
        var unit: String?  // the .c file the current include chain or function context starts from
        for rawLine in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(rawLine)
            if line.hasPrefix("In file included from ") || line.hasPrefix("                 from ") {
                let location = line.hasPrefix("In") ? line.dropFirst("In file included from ".count) : line.drop { $0 == " " }.dropFirst("from ".count)
                if let file = location.split(separator: ":").first.map(String.init), file.hasSuffix(".c") {
                    unit = relative(file)
                }
                continue
            }
            if let (file, _) = Self.functionContext(line), file.hasSuffix(".c") {
                unit = relative(file)
                continue
            }
            guard var diagnostic = diagnostic(in: line) else { continue }
            if diagnostic.file.hasSuffix(".c") { unit = diagnostic.file }
            diagnostic.object = unit.map { String($0.dropLast(2)) + ".o" }
            diagnostics.append(diagnostic)
        }
        return diagnostics
    }

    /// `file: In function 'name':` and the like.
    static func functionContext(_ line: String) -> (String, String)? {
        guard let range = line.range(of: ": In ") ?? line.range(of: ": At top level:") else { return nil }
        return (String(line[..<range.lowerBound]), String(line[range.upperBound...]))
    }

    /// `path:line[:col]: error|warning|fatal error: message`.
    func diagnostic(in line: String) -> CompilerDiagnostic? {
        for (marker, severity) in [(": fatal error: ", CompilerDiagnostic.Severity.error), (": error: ", .error), (": warning: ", .warning)] {
            guard let range = line.range(of: marker) else { continue }
            let location = line[..<range.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard location.count >= 2, location.count <= 3, let number = Int(location[1]) else { continue }
            let column = location.count == 3 ? Int(location[2]) : nil
            let file = String(location[0])
            guard !file.isEmpty, !file.contains(" ") else { continue }
            return CompilerDiagnostic(
                object: nil, file: relative(file), line: number, column: column, severity: severity,
                message: String(line[range.upperBound...]).replacingOccurrences(of: "\u{2018}", with: "'")
                    .replacingOccurrences(of: "\u{2019}", with: "'"))
        }
        return nil
    }

    func relative(_ path: String) -> String {
        var path = path
        if path.hasPrefix(sourceRoot) { path.removeFirst(sourceRoot.count) }
        if path.hasPrefix("./") { path.removeFirst(2) }
        return path
    }
}
