#!/usr/bin/env python3
"""Runs scim2-tester's `check_server` against a SCIM server; used by `cargo xtask conformance`.

    SCIM_CONFORMANCE_TOKEN=... scim2_tester_run.py BASE_URL --json OUT.json [--resource-types User]

BASE_URL is the SCIM base (the URL that /Users and /ServiceProviderConfig hang off). The bearer
token comes from the environment, never the command line, so it does not show in the process list.
Each result is printed as one line (status, title, resource type, and the reason when it did not
succeed) and written to OUT.json as {"summary": {...}, "results": [{status, outcome, title,
resource_type, tags, reason, data}]}, where outcome is "pass" (SUCCESS, COMPLIANT, ACCEPTABLE),
"skip" (SKIPPED) or "fail" (anything else).
Exit code: 0 if nothing failed, 1 if any check failed, 2 if the checker itself could not run.
Needs only the pinned checker packages (scim2-tester, scim2-client[httpx2]).
"""

import argparse
import json
import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

PASSING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


def outcome(status: Status) -> str:
    if status in PASSING:
        return "pass"
    if status == Status.SKIPPED:
        return "skip"
    return "fail"


def describe(data: object) -> str:
    """The checker's evidence as text; an HTTP response as its status, content type and body."""
    if hasattr(data, "status_code") and hasattr(data, "headers"):
        body = getattr(data, "text", "")
        return f"HTTP {data.status_code}, content-type {data.headers.get('content-type')}, body {body!r}"
    return repr(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--json", dest="json_out", required=True)
    parser.add_argument("--resource-types", default="", help="comma list, e.g. User")
    args = parser.parse_args()
    token = os.environ.get("SCIM_CONFORMANCE_TOKEN")
    if not token:
        print("SCIM_CONFORMANCE_TOKEN is not set", file=sys.stderr)
        return 2
    resource_types = [name for name in args.resource_types.split(",") if name] or None

    http = Client(base_url=args.base_url, headers={"Authorization": f"Bearer {token}"})
    try:
        results = check_server(SyncSCIMClient(http), resource_types=resource_types)
    except Exception as exc:  # the checker itself broke (connection refused, a bug in it)
        print(f"scim2-tester could not run: {exc!r}", file=sys.stderr)
        return 2

    rows = []
    for result in results:
        row = {
            "status": result.status.name,
            "outcome": outcome(result.status),
            "title": result.title,
            "resource_type": result.resource_type,
            "tags": sorted(result.tags),
            "reason": result.reason,
            "data": None if result.status in PASSING else describe(result.data)[:4000],
        }
        rows.append(row)
        line = f"{row['status']:9} {row['title']}"
        if row["resource_type"]:
            line += f" [{row['resource_type']}]"
        if row["outcome"] != "pass" and row["reason"]:
            line += f": {row['reason']}"
        print(line)

    counts = {name: sum(row["outcome"] == name for row in rows) for name in ("pass", "fail", "skip")}
    with open(args.json_out, "w", encoding="utf-8") as out:
        json.dump({"summary": counts, "results": rows}, out, indent=2)
    print(json.dumps(counts))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
