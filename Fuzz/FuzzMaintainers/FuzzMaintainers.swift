import FuzzSupport
@testable import Maintainers

/// libFuzzer target: a MAINTAINERS file (sections, F:/X:/N:/K: patterns, addresses), then the
/// sections that match a few kernel paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMaintainers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = MaintainersFile(files: [(name: "MAINTAINERS", bytes: Array(UnsafeBufferPointer(start: data, count: size)))])
    for path in ["kernel/rcu/tree.c", "virt/kvm/kvm_main.c", "include/linux/kvm_host.h", "Makefile"] {
        for index in file.candidateSections(for: FileName(path)) {
            _ = file.subsystemName(index)
        }
    }
    return 0
}

@_cdecl("FuzzMaintainers_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMaintainers)
}
