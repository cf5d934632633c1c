#!/usr/bin/env python3
"""make bench, votes: test elections for `rudder count`, and a hall.

    bench/votes.py blt FILE BALLOTS CANDIDATES SEATS [SEED]
    bench/votes.py members FILE N CELL...
    bench/votes.py hall BASE WORK CELL_ID...
    bench/votes.py sheets BASE WORK

writes a BLT file of BALLOTS ballots, one line each (weight 1, so the
counter has to find the identical ones itself), ranking a few to all of
CANDIDATES by a Plackett-Luce draw from uneven popularity: a few
favourites, a long tail, ballots of every length. The same SEED writes
the same file.
"""
import http.client
import os
import random
import re
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from congress import Client  # noqa: E402


def blt(path, ballots, ncand, seats, seed):
    rnd = random.Random(seed)
    pop = [rnd.paretovariate(1.2) for _ in range(ncand)]
    with open(path, "w") as f:
        f.write(f"{ncand} {seats}\n")
        for _ in range(ballots):
            n = min(ncand, 1 + int(rnd.expovariate(1 / 6)))
            left = list(range(ncand))
            w = list(pop)
            ranks = []
            for _ in range(n):
                i = rnd.choices(range(len(left)), weights=w)[0]
                ranks.append(left.pop(i) + 1)
                w.pop(i)
            f.write("1 " + " ".join(map(str, ranks)) + " 0\n")
        f.write("0\n")
        for c in range(ncand):
            f.write(f'"Candidate {c + 1}"\n')
        f.write(f'"Bench: {ballots} ballots, {ncand} candidates, {seats} seats"\n')


def members(path, n, cells):
    """N invented members spread over the named cells (a CSV for
    `rudder import members`)."""
    rnd = random.Random(11)
    firsts = "Askar Aigerim Bolat Dana Yerzhan Gulnara Marat Saule Nurlan Zhanna".split()
    lasts = "Akhmetov Baimukhanov Ermekov Ivanov Kozlov Nurpeisov Omarov Sadykov".split()
    with open(path, "w", newline="") as f:
        f.write("display_name,legal_name,phone,email,branch,affiliations,status,joined\r\n")
        for i in range(n):
            fi, la = rnd.choice(firsts), rnd.choice(lasts)
            f.write('%s %s.,%s %s,+7%010d,hall.%d@example.org,"%s",,active,2012-0%d-1%d\r\n' % (
                fi, la[0], fi, la, 7100000000 + i, i, cells[i % len(cells)],
                1 + i % 9, i % 10))


def hall(base, work, cells):
    """The hall: every member of the cells registered as a delegate (by
    the national coordinator, a cell at a time), a sheet of one code for
    each delegate printed by the door team (eight at once), and a poll
    opened by the chair. Writes WORK/codes (one a line) and WORK/hall.env
    (the poll, an anonymous CSRF cookie and its token)."""
    co = Client(base, "coordinator@example.org")
    for cell in cells:
        co.form("/congress/1/participants", {"kind": "delegate", "branch": cell}, want=303)
    people = co.walk("/api/v1/congresses/1/participants", "participants")
    ids = [p["id"] for p in people if p["kind"] == "delegate"]
    with open(work + "/delegates", "w") as f:
        f.write("\n".join(map(str, ids)) + "\n")
    print("hall: %d delegates" % len(ids))


def sheets(base, work):
    """One code for each delegate (after the mandates are checked and the
    delegates are in), printed by a door team of four."""
    ids = [int(x) for x in open(work + "/delegates").read().split()]
    codes = [None] * len(ids)
    pat = re.compile(r'<li class="receipt">([A-Z0-9-]+)</li>')

    signed = Client(base, "door@example.org")

    def worker(k):
        # one sign-in, four connections (Argon2 is slow on purpose)
        door = Client.__new__(Client)
        door.host, door.port = signed.host, signed.port
        door.conn = http.client.HTTPConnection(door.host, door.port)
        door.cookies, door.csrf = dict(signed.cookies), signed.csrf
        for i in range(k, len(ids), 4):
            for attempt in range(20):
                status, html = door.request(
                    "POST", "/congress/1/codes?_csrf=" + door.csrf,
                    urllib.parse.urlencode({"participant": ids[i], "count": 1}),
                    {"Content-Type": "application/x-www-form-urlencoded"})
                if status != 503:  # a door team of four, busy: again
                    break
            assert status == 200, (status, html[:300])
            codes[i] = pat.search(html.decode()).group(1)
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    random.Random(3).shuffle(codes)
    with open(work + "/codes", "w") as f:
        f.write("\n".join(codes) + "\n")
    chair = Client(base, "chair@example.org")
    poll = chair.api("/api/v1/congresses/1/polls",
                     {"question": "Bench: re-launch under the new name", "kind": "yna",
                      "secret": True, "publish_receipts": True})
    chair.api("/api/v1/congresses/1/polls/%d" % poll["id"], {"action": "open"})
    anon = Client.__new__(Client)
    u = urllib.parse.urlparse(base)
    anon.host, anon.port = u.hostname, u.port
    anon.conn = http.client.HTTPConnection(anon.host, anon.port)
    anon.cookies = {}
    csrf = anon.get_json("/api/v1/session")["csrf"]
    with open(work + "/hall.env", "w") as f:
        f.write("POLL=%d\nCSRF=%s\nCOOKIE=rudder_csrf=%s\n" % (
            poll["id"], csrf, anon.cookies["rudder_csrf"]))
    print("hall: %d codes printed, poll %d open" % (len(codes), poll["id"]))


if __name__ == "__main__":
    if len(sys.argv) >= 6 and sys.argv[1] == "blt":
        blt(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
            int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    elif len(sys.argv) >= 5 and sys.argv[1] == "members":
        members(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "hall":
        hall(sys.argv[2], sys.argv[3], [int(x) for x in sys.argv[4:]])
    elif len(sys.argv) == 4 and sys.argv[1] == "sheets":
        sheets(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
