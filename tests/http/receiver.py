#!/usr/bin/python3
# A real HTTP receiver for webhook tests: answers the first FAIL requests
# with 500 and the rest with 200, and appends every request (headers and
# body) as one JSON line to LOG.   usage: receiver.py PORT LOG [FAIL]
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, log = int(sys.argv[1]), sys.argv[2]
fail = int(sys.argv[3]) if len(sys.argv) > 3 else 1
seen = 0


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8")
        seen += 1
        status = 500 if seen <= fail else 200
        with open(log, "a") as f:
            f.write(json.dumps({"path": self.path, "status": status,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "body": body}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", port), Hook).serve_forever()
