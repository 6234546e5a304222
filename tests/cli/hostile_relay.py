#!/usr/bin/env python3
"""A hostile relay for process-level CLI tests: binds 127.0.0.1 port 0, prints
"listening on ws://127.0.0.1:<port>/connection/websocket", and misbehaves in one way per
connection (mode: malformed, never_answers, close_mid_upgrade). Runs until killed."""
import base64, hashlib, socket, sys, threading

mode = sys.argv[1] if len(sys.argv) > 1 else "malformed"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def serve(conn):
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = conn.recv(4096)
            if not chunk:
                return
            req += chunk
        if mode == "close_mid_upgrade":
            conn.sendall(b"HTTP/1.1 10")
            return
        key = b""
        for line in req.split(b"\r\n"):
            if line.lower().startswith(b"sec-websocket-key:"):
                key = line.split(b":", 1)[1].strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        if not conn.recv(65536):  # the connect command
            return
        if mode == "malformed":
            payload = b'{"id":1,"connect":{"client":'
            conn.sendall(bytes([0x81, len(payload)]) + payload)
        while conn.recv(65536):  # never_answers: read and ignore until the client leaves
            pass
    except OSError:
        pass
    finally:
        conn.close()


srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(128)
print(f"listening on ws://127.0.0.1:{srv.getsockname()[1]}/connection/websocket", flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
