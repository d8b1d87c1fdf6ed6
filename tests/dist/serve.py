#!/usr/bin/python3
"""serve.py DIR PORT_FILE [TTL_SECONDS] - a loopback file server for the Helm plugin
install test: 127.0.0.1, a free port (written to PORT_FILE), .tgz served as
application/gzip (what `helm plugin install URL` looks for), stops by itself
after TTL seconds (default 120)."""
import functools
import http.server
import sys
import threading


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".tgz": "application/gzip", ".gz": "application/gzip"}

    def log_message(self, fmt, *args):
        sys.stderr.write("serve: " + fmt % args + "\n")


def main():
    root, port_file = sys.argv[1], sys.argv[2]
    ttl = float(sys.argv[3]) if len(sys.argv) > 3 else 120
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          functools.partial(Handler, directory=root))
    threading.Timer(ttl, srv.shutdown).start()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
