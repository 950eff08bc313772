import Foundation

/// Prints how long each stage of a command took to stderr when `KSERIES_TIMING` is set,
/// for benchmarks and profiling; silent otherwise.
struct PhaseTimer {
    private let enabled: Bool
    private var last = DispatchTime.now()

    init(environment: [String: String]) {
        enabled = environment["KSERIES_TIMING"].map { !$0.isEmpty && $0 != "0" } ?? false
    }

    mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1_000_000
        FileHandle.standardError.write(Data(String(format: "kseries: %-28@ %8.2f ms\n", phase as NSString, milliseconds).utf8))
        last = now
    }
}
