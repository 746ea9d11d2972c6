"""A SQLCipher 4 shell for tests: SQL on standard input, one database file as argument.

It answers as the sqlite3 shell does (rows with `|` between columns on stdout, `Error: …`
on stderr and exit status 1), so tests run it or Debian's `sqlcipher` alike. It runs in
its own venv (.tools/sqlcipher) over the `sqlcipher3` module of a pinned wheel and uses
nothing of Jiujin: the key is whatever the SQL's `PRAGMA key` says.
"""

from __future__ import annotations

import sys

import sqlcipher3


def statements(script: str) -> list[str]:
    """Split a script into complete statements, in order."""
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlcipher3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    return found + ([pending.strip()] if pending.strip() else [])


def main(database: str) -> int:
    connection = sqlcipher3.connect(database, isolation_level=None)
    for statement in statements(sys.stdin.read()):
        try:
            rows = connection.execute(statement).fetchall()
        except sqlcipher3.Error as error:
            print(f"Error: {error}", file=sys.stderr)
            return 1
        for row in rows:
            print("|".join("" if value is None else str(value) for value in row))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sqlcipher DATABASE < script.sql")
    sys.exit(main(sys.argv[1]))
