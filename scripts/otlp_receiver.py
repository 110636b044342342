"""A real OTLP/HTTP trace receiver for the interop and reliability scripts: decodes each
ExportTraceServiceRequest with the OpenTelemetry protobuf types (opentelemetry-proto) and keeps its spans.

Usage: python otlp_receiver.py PORT [--status CODE | --hang | --count]
  GET /spans answers every span received so far as JSON: trace_id, span_id, parent_span_id (hex), name, kind,
  service (the resource's service.name), attributes, events, links, status code and message, start and end
  (ns since the epoch). POST /v1/traces (application/x-protobuf or application/json) is the receiver.
  --status CODE answers every export with that status (a refusing collector); --hang never answers.
  --count decodes every export as well but keeps only how many spans came (GET /count), for benchmarks.
Also importable: `start(port, status=200, hang=False, count=False)` returns the server, serving on a thread;
`start_grpc()` an OTLP/gRPC receiver (grpcio) on a free port, with the same `spans` list and `port`.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def _attributes(items):
    return {item.key: _value(item.value) for item in items}


def spans_of(request):
    """The spans of one decoded ExportTraceServiceRequest, as plain dictionaries."""
    found = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                found.append(
                    {
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": span.kind,
                        "service": resource.get("service.name"),
                        "resource": resource,
                        "attributes": _attributes(span.attributes),
                        "events": [
                            {"name": e.name, "time": e.time_unix_nano, "attributes": _attributes(e.attributes)}
                            for e in span.events
                        ],
                        "links": [
                            {"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex(),
                             "attributes": _attributes(l.attributes)}
                            for l in span.links
                        ],
                        "status": {"code": span.status.code, "message": span.status.message},
                        "start": span.start_time_unix_nano,
                        "end": span.end_time_unix_nano,
                    }
                )
    return found


def start(port, status=200, hang=False, count=False):
    """Starts a receiver on 127.0.0.1:`port` (0: any free one) on a thread; returns the server, whose
    `spans` list grows as exports arrive and whose `exports` counts the POSTs."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with lock:
                body = json.dumps({"spans": server.count} if self.path == "/count" else server.spans).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            payload = self.rfile.read(length)
            with lock:
                server.exports += 1
                server.headers.append(dict(self.headers))
            if hang:
                threading.Event().wait()
            if status != 200:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            request = ExportTraceServiceRequest()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                json_format.Parse(payload, request)
            else:
                request.ParseFromString(payload)
            received = sum(len(scope.spans) for spans in request.resource_spans for scope in spans.scope_spans)
            found = [] if count else spans_of(request)
            with lock:
                server.count += received
                server.spans.extend(found)
            body = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.spans = []
    server.exports = 0
    server.count = 0
    server.headers = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_grpc():
    """An OTLP/gRPC trace receiver on a free loopback port (grpcio's server, the OpenTelemetry service stubs)."""
    from concurrent import futures

    import grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

    class Receiver(trace_service_pb2_grpc.TraceServiceServicer):
        spans = []

        def Export(self, request, context):
            Receiver.spans.extend(spans_of(request))
            return ExportTraceServiceResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Receiver(), server)
    server.port = server.add_insecure_port("127.0.0.1:0")
    server.spans = Receiver.spans
    server.start()
    return server


if __name__ == "__main__":
    port = int(sys.argv[1])
    status = int(sys.argv[sys.argv.index("--status") + 1]) if "--status" in sys.argv else 200
    receiver = start(port, status=status, hang="--hang" in sys.argv, count="--count" in sys.argv)
    print(f"otlp receiver on http://127.0.0.1:{receiver.server_port}", flush=True)
    threading.Event().wait()
