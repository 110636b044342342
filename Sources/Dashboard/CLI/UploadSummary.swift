import DashboardUI
import Engine
import Foundation

/// The table printed after `dashboard upload`.
enum UploadSummary {
    static func table(_ results: [UploadResult]) -> String {
        let header = ["#", "file", "state", "file id", "cached", "time", "reason"]
        var rows = results.map { result -> [String] in
            [
                String(result.index + 1),
                (result.path as NSString).lastPathComponent,
                result.state.rawValue,
                result.fileID ?? "-",
                result.state == .cached ? "yes" : "no",
                String(format: "%.2fs", result.seconds),
                result.reason ?? "",
            ]
        }
        rows.insert(header, at: 0)
        let widths = (0..<header.count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            (0..<row.count).map { column in
                column < widths.count
                    ? row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0) : row[column]
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let ok = results.filter { $0.state.isSuccess }.count
        return lines.joined(separator: "\n") + "\n\(ok) of \(results.count) files at the provider"
    }
}
