import ArgumentParser
import DashboardUI
import MCPProxy

/// `--tools-baseline FILE` and `--tools-policy warn|block` of `dashboard proxy`.
struct ToolPolicyOptions: ParsableArguments {
    @Option(
        name: .customLong("tools-baseline"),
        help: ArgumentHelp(
            "A server's tools pinned with `dashboard tools pin`: the first tools/list is compared with it, every "
                + "difference reported as a change against the baseline.",
            valueName: "file"
        )
    )
    var baseline: String?

    @Option(
        name: .customLong("tools-policy"),
        help: ArgumentHelp(
            "warn (the default): report changes only. block: answer calls of a tool that differs from the "
                + "baseline, or is not in it, with a JSON-RPC error naming the change instead of forwarding them.",
            valueName: "warn|block"
        )
    )
    var policy: String = "warn"

    func validate() throws {
        guard policy == "warn" || policy == "block" else {
            throw ValidationError("--tools-policy is warn or block, got '\(policy)'")
        }
        if policy == "block", baseline == nil {
            throw ValidationError(
                "--tools-policy block needs --tools-baseline FILE (write one with dashboard tools pin)"
            )
        }
    }

    /// The policy, its baseline read for the proxy of `server`; a baseline that cannot be used stops the
    /// proxy here, before it starts the server, naming the file.
    func policy(server: String, reader: ToolSurfaceReader) throws -> ToolPolicy {
        guard let baseline else { return ToolPolicy(reader: reader) }
        do {
            let pinned = try ToolsBaseline.read(path: baseline, server: server)
            return ToolPolicy(baseline: pinned, blocks: policy == "block", reader: reader)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
