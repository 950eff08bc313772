import Foundation

/// Says in words why a file-system operation on `path` failed (the caller names the path), instead of Foundation's
/// "The operation could not be completed. (NSCocoaErrorDomain error 512.)": the first part
/// of the path that exists but is a file where a folder is needed, else the system's reason
/// (`strerror` of the POSIX error underneath), else Foundation's own reason.
enum FileSystemProblem {
    /// `folder`: the operation wanted `path` itself to be (or become) a folder.
    static func explain(_ error: Error, path: String, folder: Bool = false) -> String {
        if let file = fileInTheWay(of: path, including: folder) { return "\(file) is a file, not a folder" }
        let nsError = error as NSError
        for candidate in [nsError.userInfo[NSUnderlyingErrorKey] as? NSError, nsError].compactMap({ $0 })
        where candidate.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(candidate.code))).lowercased()
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileWriteFileExists: return "exists already"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            default: break
            }
        }
        return nsError.localizedFailureReason ?? String(describing: error)
    }

    /// The nearest existing ancestor of `path` (from `path` itself when `including`) that is
    /// not a folder, when there is one: writing under it cannot work.
    static func fileInTheWay(of path: String, including: Bool = false) -> String? {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        if !including { url.deleteLastPathComponent() }
        while url.path != "/" && !url.path.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
