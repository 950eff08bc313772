import Foundation

/// Prints how long each stage of a command took to stderr when `KSERIES_TIMING` is set,
/// for benchmarks and profiling; silent otherwise. `scripts/benchmark-generate` and
/// `scripts/benchmark-check` read these lines (`kseries: <phase> <ms> ms`).
public struct PhaseTimer {
    private let enabled: Bool
    private var last = DispatchTime.now()

    public init(environment: [String: String]) {
        enabled = environment["KSERIES_TIMING"].map { !$0.isEmpty && $0 != "0" } ?? false
    }

    public mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        let hundredths = (now.uptimeNanoseconds - last.uptimeNanoseconds) / 10_000
        let milliseconds = "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
        let padded = phase.padding(toLength: max(36, phase.count), withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("kseries: \(padded) \(milliseconds) ms\n".utf8))
        last = now
    }
}
