import FuzzSupport
import CSource

/// libFuzzer target: the C lexer, the scope finder and an edit, on any bytes. The input's
/// first line names the function and the anchor (`name anchor`), the rest is the source.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSource(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let words = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ", maxSplits: 1).map(String.init)
    let source = Array(bytes[min(newline + 1, bytes.count)...])
    let name = words.first ?? "f"
    let anchor = words.count > 1 ? words[1] : "x;"
    let lexed = CLexer.lex(source)
    let finder = ScopeFinder(lexed)
    for scope in [SourceScope.function(name), .structure(.struct, name), .macro(name), .conditional(name), .includes] { _ = finder.definitions(of: scope) }
    var editor = CSourceEditor(bytes: source, path: "fuzz.c")
    for action in [SourceEdit.Action.insertAfter(anchor: anchor, code: "y();"), .insertAtBodyStart(code: "z();")] {
        _ = try? editor.apply(SourceEdit(scope: .function(name), action: action))
    }
    return 0
}

@_cdecl("FuzzCSource_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCSource)
}
