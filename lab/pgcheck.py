#!/usr/bin/python3
"""pgcheck.py HOST WRITES: after a run of pgwriter.py, reads cvlab_writes on HOST (the VIP: the primary) and
compares it with the writes pgwriter.py saw acknowledged ("ok" lines of WRITES). Prints

  acknowledged N, found N, lost K[: ids]

and exits 1 when an acknowledged write is missing (K > 0) or the table cannot be read."""
import sys

import psycopg2


def main():
    host, path = sys.argv[1], sys.argv[2]
    acknowledged = set()
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "ok":
                acknowledged.add(int(parts[2]))
    try:
        conn = psycopg2.connect(host=host, port=5432, dbname="postgres", user="postgres", connect_timeout=2)
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM cvlab_writes")
            present = {row[0] for row in cur.fetchall()}
    except psycopg2.Error as error:
        print(f"pgcheck: cannot read cvlab_writes on {host}: {' '.join(str(error).split())}")
        return 1
    lost = sorted(acknowledged - present)
    shown = (": " + " ".join(map(str, lost[:20]))) if lost else ""
    print(f"acknowledged {len(acknowledged)}, found {len(acknowledged & present)}, lost {len(lost)}{shown}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
