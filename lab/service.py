#!/usr/bin/env python3
"""service.py NAME [--port 1972] [--lifetime 300]: a TCP service that answers every connection with NAME and a
newline, then closes it: the lab's stand-in for the database a VIP fronts (IRIS's superserver listens on 1972).
Listens on 0.0.0.0, so it answers on the VIP too once the VIP is on a local interface. Ends by itself after
--lifetime seconds (lab/down ends it sooner)."""
import argparse
import socket
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--port", type=int, default=1972)
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", args.port))
    server.listen(64)
    server.settimeout(0.5)
    end = time.monotonic() + args.lifetime
    reply = (args.name + "\n").encode()
    while time.monotonic() < end:
        try:
            connection, _ = server.accept()
        except socket.timeout:
            continue
        with connection:
            try:
                connection.sendall(reply)
            except OSError:
                pass


if __name__ == "__main__":
    main()
