import Foundation

/// Where the kernel repository is: `--tree`, else `$KSERIES_KERNEL_TREE`, else the tree
/// `scripts/kernel-tree` builds in `~/.cache/kseries/linux`.
public enum KernelTreeLocation {
    public static func resolve(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["KSERIES_KERNEL_TREE"], !fromEnvironment.isEmpty { return fromEnvironment }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.cache/kseries/linux"
    }
}
