import FuzzSupport
import Apply

/// libFuzzer target: the patch, diff and mbox parser, the series selection of a thread, and
/// the applier on a small preimage (every path reads the same ten lines).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let preimage = FileContent(bytes: Array((1...10).map { "line \($0)\n" }.joined().utf8))
    if let commits = try? PatchParser.parse(bytes, name: "fuzz.mbox") {
        for commit in commits {
            _ = PatchApplier().apply(commit.files, reading: { (_: String) -> FileContent? in preimage })
        }
    }
    if let entries = try? PatchParser.readMailbox(bytes, name: "fuzz.mbox") {
        _ = SeriesSelection.select(entries)
    }
    return 0
}

@_cdecl("FuzzPatch_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPatch)
}
