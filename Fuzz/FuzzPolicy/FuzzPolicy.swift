import FuzzSupport
import Policy

/// libFuzzer target: the policy loader (YAML → template, anchors, wildcards, build configs).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PolicyLoader().load(yaml: text, path: "fuzz/policy.yaml", name: "fuzz")
    return 0
}

@_cdecl("FuzzPolicy_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPolicy)
}
