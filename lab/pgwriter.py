#!/usr/bin/python3
"""pgwriter.py HOST [--interval 0.1] [--duration 100]: a PostgreSQL client that writes one row every --interval
seconds to HOST:5432 (the VIP), for at most --duration seconds, and prints one line per attempt:

  EPOCH_MS ok ID SERVER MEMBER IN_RECOVERY   the INSERT was acknowledged (autocommit: COMMIT returned);
                                  SERVER is inet_server_addr() (the VIP), MEMBER the lab member that answered
                                  (a or b, from its data directory), IN_RECOVERY pg_is_in_recovery() (f: primary)
  EPOCH_MS unconfirmed ID SERVER MEMBER f  the server warned that the commit might not have reached the
                                  synchronous standby (not counted as acknowledged)
  EPOCH_MS readonly - SERVER MEMBER t      connected to a replica: the INSERT was refused
  EPOCH_MS error - TEXT                  no connection, or it broke (reconnects on the next attempt)

EPOCH_MS is when the answer came (the write's acknowledgement), and every line ends with started=EPOCH_MS, when
the attempt began: a connection attempt may wait for a SYN retransmission until the route moves. IDs are
consecutive per attempt; the table cvlab_writes(id, at_ms) is created on first contact. A broken peer
is noticed within about 1.5 s (connect_timeout 1 s, tcp_user_timeout 1500 ms, keepalives): never a hang.
Python 3 from Debian (/usr/bin/python3): python3-psycopg2 is installed for it."""
import argparse
import sys
import time

import psycopg2

# inet_server_addr() is the address the connection arrived at: the VIP, on whichever member holds it. The member
# itself is told by its data directory (STATE/pg-MEMBER/data), which differs between a and b.
SERVER = ("host(inet_server_addr()), substring(current_setting('data_directory') from '/pg-([a-z])/data$'), "
          "pg_is_in_recovery()")
QUERY = "INSERT INTO cvlab_writes (id, at_ms) VALUES (%s, %s) RETURNING " + SERVER


def connect(host):
    conn = psycopg2.connect(host=host, port=5432, dbname="postgres", user="postgres", connect_timeout=1,
                            tcp_user_timeout=1500, keepalives=1, keepalives_idle=1, keepalives_interval=1,
                            keepalives_count=1, application_name="cvlab-writer")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        if not cur.fetchone()[0]:
            cur.execute("CREATE TABLE IF NOT EXISTS cvlab_writes (id bigint PRIMARY KEY, at_ms bigint NOT NULL)")
    return conn


def attempt(conn, host, row_id, started):
    if conn is None:
        conn = connect(host)
    del conn.notices[:]
    try:
        with conn.cursor() as cur:
            cur.execute(QUERY, (row_id, started))
            server, member, recovery = cur.fetchone()
    except psycopg2.errors.ReadOnlySqlTransaction:
        with conn.cursor() as cur:
            cur.execute("SELECT " + SERVER)
            server, member, recovery = cur.fetchone()
        return conn, f"readonly - {server} {member} {'t' if recovery else 'f'}"
    unconfirmed = any("might not have been replicated" in n for n in conn.notices)
    kind = "unconfirmed" if unconfirmed else "ok"
    return conn, f"{kind} {row_id} {server} {member} {'t' if recovery else 'f'}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--duration", type=float, default=100)
    args = parser.parse_args()
    deadline = time.monotonic() + args.duration
    next_start = time.monotonic()
    conn = None
    row_id = 0
    while time.monotonic() < deadline:
        row_id += 1
        started = int(time.time() * 1000)
        try:
            conn, outcome = attempt(conn, args.host, row_id, started)
        except psycopg2.Error as error:
            text = " ".join(str(error).split())[:120] or type(error).__name__
            outcome = f"error - {text}"
            if conn is not None:
                try:
                    conn.close()
                except psycopg2.Error:
                    pass
            conn = None
        print(int(time.time() * 1000), outcome, f"started={started}", flush=True)
        next_start += args.interval
        time.sleep(max(0.0, next_start - time.monotonic()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
