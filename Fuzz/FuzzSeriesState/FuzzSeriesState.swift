import FuzzSupport
import Foundation
import KSeries

/// libFuzzer target: the series state (`series.json` on `refs/kseries/series/<name>`), which
/// another kseries, a hand edit or a damaged ref may have written.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSeriesState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    if let state = try? JSONDecoder().decode(SeriesState.self, from: bytes) {
        for version in state.versions { _ = state.notes(for: version.number) }
        _ = try? JSONEncoder().encode(state)
    }
    return 0
}

@_cdecl("FuzzSeriesState_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSeriesState)
}
