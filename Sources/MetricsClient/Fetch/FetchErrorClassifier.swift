import AsyncHTTPClient
import MetricsWire
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns whatever the HTTP stack threw into a ``PollError`` a person can act on.
enum FetchErrorClassifier {
    static func classify(_ error: any Error, timeout: Duration, progress: FetchProgress.State) -> PollError {
        switch error {
        case let error as PollError:
            return error
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first {
                return classify(first.error, timeout: timeout, progress: progress)
            }
            return PollError(
                .hostNotFound,
                "cannot resolve the host \(error.host)",
                hint: "check the host name, or use an IP address"
            )
        case let error as IOError:
            return classify(errno: error.errnoCode, description: "\(error)")
        case let error as HTTPClientError:
            return classify(error, timeout: timeout, progress: progress)
        case let error as HTTPParserError:
            if case .invalidEOFState = error { return closedEarly(progress) }
            return PollError(
                .notHTTP,
                "the server's answer is not valid HTTP (\(error))",
                hint: "if the port speaks TLS, attach with https://HOST:PORT"
            )
        case is NIOTooManyBytesError:
            return PollError(.tooLarge, "the response is over the size limit")
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return MetricsFetcher.timedOut(progress, after: timeout)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed:
                return closedEarly(progress)
            default:
                return PollError(.network, "network error: \(error)")
            }
        case is CancellationError:
            return PollError(.network, "the poll was cancelled")
        default:
            let typeName = String(reflecting: type(of: error))
            if typeName.contains("SSL") || typeName.contains("TLS") {
                return PollError(
                    .tls,
                    "the TLS handshake failed (\(error))",
                    hint: "if the port speaks plain HTTP, attach with http://HOST:PORT"
                )
            }
            return PollError(.network, "network error: \(error)")
        }
    }

    private static func classify(
        _ error: HTTPClientError,
        timeout: Duration,
        progress: FetchProgress.State
    )
        -> PollError
    {
        switch error {
        case .connectTimeout:
            return PollError(
                .timedOut,
                "could not connect within \(Format.duration(timeout))",
                hint: "check the host and port, and any firewall between"
            )
        case .readTimeout, .deadlineExceeded:
            return MetricsFetcher.timedOut(progress, after: timeout)
        case .remoteConnectionClosed, .bodyLengthMismatch:
            return closedEarly(progress)
        case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
            return PollError(.invalidTarget, "the metrics URL is not valid (\(error))")
        case .cancelled:
            return PollError(.network, "the poll was cancelled")
        default:
            if "\(error)".contains("unsupportedScheme") {
                return PollError(.invalidTarget, "unsupported URL scheme (\(error)); use http or https")
            }
            return PollError(.network, "HTTP client error: \(error)")
        }
    }

    private static func classify(errno code: Int32, description: String) -> PollError {
        switch code {
        case ECONNREFUSED:
            return PollError(
                .connectionRefused,
                "connection refused",
                hint: "nothing listens there; is the engine running (dashboard serve)?"
            )
        case ECONNRESET, EPIPE:
            return PollError(.connectionClosed, "the server reset the connection")
        case ETIMEDOUT:
            return PollError(.timedOut, "the connection timed out")
        case EHOSTUNREACH, ENETUNREACH:
            return PollError(.network, "the host is unreachable", hint: "check the address and the network")
        default:
            return PollError(.network, "network error: \(description)")
        }
    }

    private static func closedEarly(_ progress: FetchProgress.State) -> PollError {
        let got =
            progress.status == nil
            ? "before answering" : "after \(progress.bytes) bytes, before the response was complete"
        return PollError(.connectionClosed, "the server closed the connection \(got)")
    }
}
