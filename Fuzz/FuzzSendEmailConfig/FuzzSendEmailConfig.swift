import FuzzSupport
import Mail

/// libFuzzer target: git send-email's configuration as kseries reads it (`sendemail.*`:
/// ports, encryption, booleans, identities, address lists), from `key=value` lines.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSendEmailConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var values: [(String, String)] = []
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        values.append((String(parts[0]).lowercased(), parts.count > 1 ? String(parts[1]) : ""))
    }
    _ = try? SendEmailConfiguration(FuzzValues(values: values), environment: [:])
    return 0
}

struct FuzzValues: ConfigurationValues {
    var values: [(String, String)]
    func string(_ key: String) -> String? { values.last { $0.0 == key.lowercased() }?.1 }
    func allValues(_ key: String) -> [String] { values.filter { $0.0 == key.lowercased() }.map(\.1) }
}

@_cdecl("FuzzSendEmailConfig_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSendEmailConfig)
}
