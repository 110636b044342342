import Synchronization

/// Rows derived from one ``TargetView``, made once on first use and shared by its copies. A view replaces
/// its `TargetRows` whenever a field they are made from changes, so rows are never older than the view.
final class TargetRows: Sendable {
    private let made = Mutex<(tools: [ToolRow]?, errors: [ErrorRow]?)>((nil, nil))

    /// The tool rows, made by `make` the first time.
    func tools(_ make: () -> [ToolRow]) -> [ToolRow] {
        if let rows = made.withLock({ $0.tools }) { return rows }
        let rows = make()
        made.withLock { $0.tools = rows }
        return rows
    }

    /// The error rows, made by `make` the first time.
    func errors(_ make: () -> [ErrorRow]) -> [ErrorRow] {
        if let rows = made.withLock({ $0.errors }) { return rows }
        let rows = make()
        made.withLock { $0.errors = rows }
        return rows
    }
}
