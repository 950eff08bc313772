import Foundation

/// Paths inside the kseries checkout, for tests.
public enum ProjectLayout {
    /// The package root (the folder holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shipped policy templates.
    public static var templates: String { "\(root)/Templates" }
}
