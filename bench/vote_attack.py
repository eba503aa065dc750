"""The vote-stuffing attack of issue 16, against a running server: one address, a fresh
cookie-less visitor per vote, many ship votes on one tool, paced over a while.

    python bench/vote_attack.py http://127.0.0.1:8000 code-llama-4 --votes 480 --seconds 150

Prints how many requests each status got. Read the counted votes from the database afterwards.
"""

from __future__ import annotations

import argparse
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter


def one_vote(base: str, slug: str) -> int:
    """A POST with no cookies at all: a new visitor every time."""
    request = urllib.request.Request(
        f"{base}/tools/{slug}/vote/",
        data=urllib.parse.urlencode({"value": "ship"}).encode(),
        headers={"Sec-Fetch-Site": "same-origin", "User-Agent": "attack/1.0"},
        method="POST",
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("slug")
    parser.add_argument("--votes", type=int, default=480)
    parser.add_argument("--seconds", type=float, default=150)
    args = parser.parse_args()
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    for number in range(args.votes):
        due = started + number * args.seconds / args.votes
        time.sleep(max(0.0, due - time.monotonic()))
        statuses[one_vote(args.base, args.slug)] += 1
    print(f"{args.votes} POSTs in {time.monotonic() - started:.0f} s: {dict(statuses)}")


if __name__ == "__main__":
    main()
