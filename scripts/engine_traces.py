"""An engine's spans over OTLP, checked at a real OTLP/HTTP receiver (decoded with the OpenTelemetry protobuf
types): `dashboard serve --otlp-endpoint` makes a span of each tool call it records (POST /v1/tool-calls) and
of a test upload (the batch, and each file as its child); `dashboard upload --otlp-endpoint` does the same for
the files it is given, a missing one an ERROR. OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the service;
no file path is in any span; SIGTERM sends what is queued before the engine exits. Last, the same upload with
OTEL_EXPORTER_OTLP_PROTOCOL=grpc reaches an OTLP/gRPC receiver (grpcio).

Usage: python engine_traces.py DASHBOARD   (the venv of scripts/common.sh)
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import otlp_receiver  # noqa: E402
from interop_http import start  # noqa: E402

SERVER_KIND, INTERNAL_KIND, CLIENT_KIND, ERROR = 2, 1, 3, 2
TOKEN = "engine-traces-token"


def fail(message):
    print(f"engine-traces: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for(receiver, predicate, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [s for s in receiver.spans if predicate(s)]
        if found:
            return found
        time.sleep(0.1)
    fail(f"no {what} reached the receiver in {seconds} s: {[s['name'] for s in receiver.spans]}")


def check_upload(spans, label, files, failed, work):
    batches = [s for s in spans if s["name"] == "upload"]
    if len(batches) != 1:
        fail(f"{label}: {len(batches)} upload spans")
    batch = batches[0]
    children = [s for s in spans if s["parent_span_id"] == batch["span_id"]]
    a = batch["attributes"]
    if batch["kind"] != INTERNAL_KIND or a.get("dashboard.upload.files") != files or a.get("dashboard.upload.failed") != failed:
        fail(f"{label}: the upload span: kind {batch['kind']}, {a}")
    if (batch["status"]["code"] == ERROR) != (failed > 0):
        fail(f"{label}: the upload span's status {batch['status']} with {failed} failed")
    if len(children) != files - failed or any(c["name"] != "file_upload" or c["kind"] != CLIENT_KIND for c in children):
        fail(f"{label}: the files' spans under the upload: {[(c['name'], c['kind']) for c in children]}")
    for child in children:
        if child["trace_id"] != batch["trace_id"] or child["attributes"].get("dashboard.upload.state") != "done":
            fail(f"{label}: a file's span: {child}")
        if not child["attributes"].get("file.size") or child["attributes"].get("server.address") != "127.0.0.1":
            fail(f"{label}: a file's span without its size or the Files API's address: {child['attributes']}")
        if not batch["start"] <= child["start"] <= child["end"] <= batch["end"]:
            fail(f"{label}: a file's span is outside its upload's")
    if work in json.dumps(spans):
        fail(f"{label}: a file path is in the spans")


def serve(dashboard, work):
    env = {**os.environ, "HOME": work, "XDG_STATE_HOME": work + "/state", "METRICS_CONTROL_TOKEN": TOKEN,
           "FILE_CACHE_PATH": work + "/ids.sqlite", "OTEL_SERVICE_NAME": "engine-traces",
           "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=ci"}
    receiver = otlp_receiver.start(0)
    url = f"http://127.0.0.1:{receiver.server_port}"
    engine, line = start([dashboard, "serve", "--port", "0", "--no-demo", "--otlp-endpoint", url], env=env,
                         pattern="serving http://")
    port = int(line.split("serving http://")[1].split("/")[0].rsplit(":", 1)[1])
    post(port, "/v1/tool-calls", [
        {"tool": "search", "latency_ms": 12.5, "success": True},
        {"tool": "search", "latency_ms": 40, "success": False, "error_type": "timeout"},
    ])
    post(port, "/v1/uploads/test", {"files": 3, "size_bytes": 50000})
    wait_for(receiver, lambda s: s["name"] == "upload", "upload span")
    # One more call just before SIGTERM: the engine sends it on its way out.
    post(port, "/v1/tool-calls", [{"tool": "last", "latency_ms": 1, "success": True}])
    engine.send_signal(signal.SIGTERM)
    if engine.wait(timeout=15) != 0:
        fail(f"serve exited with {engine.returncode}: {engine.stderr.read()}")
    spans = list(receiver.spans)
    calls = [s for s in spans if s["attributes"].get("mcp.method.name") == "tools/call"]
    names = sorted(s["name"] for s in calls)
    if names != ["tools/call last", "tools/call search", "tools/call search"]:
        fail(f"serve: the tool-call spans: {names} (the last one is sent on SIGTERM)")
    for span in calls:
        a = span["attributes"]
        if span["kind"] != SERVER_KIND or a.get("gen_ai.operation.name") != "execute_tool":
            fail(f"serve: {span['name']}: kind {span['kind']}, {a}")
        if span["service"] != "engine-traces" or span["resource"].get("deployment.environment") != "ci":
            fail(f"serve: the resource {span['resource']}: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES")
    failed = [s for s in calls if s["status"]["code"] == ERROR]
    if len(failed) != 1 or failed[0]["attributes"].get("error.type") != "timeout":
        fail(f"serve: the failed call's span: {failed}")
    slow = [s for s in calls if s["attributes"].get("error.type") == "timeout"][0]
    if abs((slow["end"] - slow["start"]) / 1e6 - 40) > 0.01:
        fail(f"serve: the 40 ms call's span lasts {(slow['end'] - slow['start']) / 1e6} ms")
    check_upload(spans, "serve test upload", files=3, failed=0, work=work)
    receiver.shutdown()
    print(f"engine-traces: ok: serve: {len(spans)} spans: 3 tool calls (an ERROR), an upload of 3 files as its "
          "children, the last sent on SIGTERM, the service and resource from OTEL_*")


def upload(dashboard, work):
    receiver = otlp_receiver.start(0)
    url = f"http://127.0.0.1:{receiver.server_port}"
    paths = []
    for index in range(2):
        path = os.path.join(work, f"private-report-{index}.txt")
        with open(path, "w") as handle:
            handle.write(f"report {index}\n" * 1000)
        paths.append(path)
    missing = os.path.join(work, "private-missing.txt")
    env = {**os.environ, "HOME": work, "XDG_STATE_HOME": work + "/state", "FILE_CACHE_PATH": work + "/up.sqlite"}
    env.pop("KIMI_API_KEY", None)
    done = subprocess.run([dashboard, "upload", "--json", "--otlp-endpoint", url, *paths, missing], env=env,
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 1:
        fail(f"upload with a missing file exited {done.returncode}: {done.stderr}")
    spans = wait_for(receiver, lambda s: s["service"] == "dashboard", "span from `dashboard upload`")
    spans = list(receiver.spans)
    check_upload(spans, "dashboard upload", files=3, failed=1, work=work)
    receiver.shutdown()
    print(f"engine-traces: ok: upload: {len(spans)} spans: the batch an ERROR (a missing file), the 2 files "
          "uploaded its children, no path in any span")


def upload_grpc(dashboard, work):
    receiver = otlp_receiver.start_grpc()
    path = os.path.join(work, "grpc-report.txt")
    with open(path, "w") as handle:
        handle.write("report\n" * 1000)
    env = {**os.environ, "HOME": work, "XDG_STATE_HOME": work + "/state", "FILE_CACHE_PATH": work + "/grpc.sqlite",
           "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
    env.pop("KIMI_API_KEY", None)
    done = subprocess.run([dashboard, "upload", "--json", "--otlp-endpoint", f"http://127.0.0.1:{receiver.port}",
                           path], env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        fail(f"upload over gRPC exited {done.returncode}: {done.stderr}")
    spans = list(receiver.spans)
    receiver.stop(None)
    check_upload(spans, "dashboard upload over gRPC", files=1, failed=0, work=work)
    print(f"engine-traces: ok: OTLP/gRPC: {len(spans)} spans, the upload and its file")


def main():
    dashboard = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="engine-traces-")
    serve(dashboard, work)
    upload(dashboard, work)
    upload_grpc(dashboard, work)


if __name__ == "__main__":
    main()
