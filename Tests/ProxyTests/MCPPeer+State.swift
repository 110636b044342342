import MCP

// MARK: - State

/// The exit status of the child process, awaitable from any task.
actor ExitStatus {
    private(set) var value: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    func record(_ status: Int32) {
        value = status
        for waiter in waiters {
            waiter.resume(returning: status)
        }
        waiters = []
    }

    func wait() async -> Int32 {
        if let value {
            return value
        }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Whether the server has closed its output.
actor ConnectionState {
    private(set) var isClosed = false

    func markClosed() {
        isClosed = true
    }
}

/// Progress notifications, collected for the tokens being tracked.
actor ProgressLog {
    private var received: [ProgressToken: [ProgressNotification.Parameters]] = [:]

    func track(_ token: ProgressToken) {
        received[token] = []
    }

    func record(_ notification: ProgressNotification.Parameters) {
        received[notification.progressToken]?.append(notification)
    }

    func stopTracking(_ token: ProgressToken) -> [ProgressNotification.Parameters] {
        received.removeValue(forKey: token) ?? []
    }
}
