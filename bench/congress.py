#!/usr/bin/env python3
# The congress bench's client (bench/congress): "setup" grows the demo
# congress through rudder's routes; "streams" holds N event streams open
# while the chair gives the floor to 100 speakers and times each click
# until the last stream has its event; "closes" does the same for the
# close of 20 polls (issue 12). Only the standard library.
import asyncio, http.client, json, statistics, sys, time, urllib.parse

PASSWORD = "rudder-demo"


class Client:
    """One signed-in account over one keep-alive connection."""

    def __init__(self, base, email):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port)
        self.cookies = {}
        self.csrf = self.get_json("/api/v1/session")["csrf"]
        self.form("/login", {"email": email, "password": PASSWORD}, want=303)
        self.csrf = self.get_json("/api/v1/session")["csrf"]
        self.session = self.cookies["rudder_session"]

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port)
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return r.status, data

    def get_json(self, path):
        status, data = self.request("GET", path)
        assert status == 200, (path, status, data[:300])
        return json.loads(data)

    def form(self, path, fields, want=303):
        sep = "&" if "?" in path else "?"
        status, data = self.request(
            "POST", path + sep + "_csrf=" + self.csrf, urllib.parse.urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == want, (path, status, data[:400])
        return data

    def api(self, path, obj, want=(200, 201)):
        status, data = self.request(
            "POST", path, json.dumps(obj),
            {"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
        assert status in want, (path, status, data[:400])
        return json.loads(data)

    def walk(self, path, name):
        out, cursor = [], None
        while True:
            page = self.get_json(path + "?limit=200" + ("&cursor=" + cursor if cursor else ""))
            out += page[name]
            cursor = page["next_cursor"]
            if not cursor:
                return out


PARAGRAPH = ("The conference calls on every branch to organize tenants, depositors and "
             "workers around the demands of this chapter, to hold open meetings in the "
             "districts, and to report what they hear to the leadership committee before "
             "the next conference. ")


def setup(base, work, participants, motions, amendments):
    chair = Client(base, "chair@example.org")
    k = chair.get_json("/api/v1/congresses/1")
    # every motion admitted at once: no supporters asked for
    chair.form("/congress/1", {"name": k["name"], "version": k["version"],
                               "min_supporters": 0, "first_speakers_first": 1})
    have = len(chair.walk("/api/v1/congresses/1/participants", "participants"))
    for i in range(have, participants):
        chair.form("/congress/1/participants",
                   {"kind": "guest", "display_name": "Guest %04d" % i})
    everyone = chair.walk("/api/v1/congresses/1/participants", "participants")
    guests = [p for p in everyone if p["kind"] == "guest"][:100]
    for p in guests:
        if not p["may_speak"]:
            chair.form("/congress/1/participants/%d" % p["id"], {"action": "speak"})
    # an item with a hundred hands raised, current
    chair.form("/congress/1/agenda", {"title": "Bench item", "planned_minutes": 90})
    item = max(chair.walk("/api/v1/congresses/1/agenda", "items"), key=lambda i: i["id"])["id"]
    chair.form("/congress/1/agenda/%d" % item, {"action": "current"})
    for p in guests:
        chair.api("/api/v1/congresses/1/agenda/%d/speakers" % item, {"participant": p["id"]})
    # motions of about thirty lines, admitted; a tenth of the amendments
    # on the first (the page measured), the rest spread over the others
    body = "\n\n".join(PARAGRAPH * (1 + n % 2) for n in range(10))
    ids = []
    for n in range(motions):
        m = chair.api("/api/v1/congresses/1/motions",
                      {"kind": "programme" if n % 3 else "resolution",
                       "title": "Bench motion %d" % n, "body": body})
        chair.api("/api/v1/congresses/1/motions/%d" % m["id"], {"action": "move", "to": "admitted"})
        ids.append(m["id"])
    text = chair.get_json("/api/v1/congresses/1/motions/%d" % ids[0])["body"].split("\n")
    lines = [i + 1 for i, l in enumerate(text) if l.strip()]
    big = amendments // 10
    for n in range(amendments):
        target = ids[0] if n < big else ids[1 + n % (len(ids) - 1)]
        line = lines[n % len(lines)]
        chair.api("/api/v1/congresses/1/motions/%d/amendments" % target,
                  {"op": "replace", "first_line": line, "last_line": line,
                   "new_text": "The conference calls on every branch, and every affiliated "
                               "union, to organize (amendment %d)." % n})
    member = Client(base, "member@example.org")
    door = Client(base, "door@example.org")
    with open(work + "/env", "w") as f:
        f.write("CHAIR=%s\nMEMBER=%s\nDOOR=%s\nMOTION=%d\nBIG=%d\nITEM=%d\n"
                "PARTICIPANTS=%d\nMOTIONS=%d\nAMENDMENTS=%d\n" % (
                    chair.session, member.session, door.session, ids[0], big, item,
                    len(everyone), len(chair.walk("/api/v1/congresses/1/motions", "motions")),
                    amendments))


async def stream(host, port, cookie, counts, i, ready, reached):
    r, w = await asyncio.open_connection(host, port)
    w.write(("GET /congress/1/events HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n"
             "Cookie: rudder_session=%s\r\n\r\n" % (host, port, cookie)).encode())
    await w.drain()
    status = await r.readline()
    if b" 200 " not in status:
        counts[i] = -1
        ready.release()
        return
    ready.release()
    while True:
        line = await r.readline()
        if not line:
            return
        if line.startswith(b"event: changed"):
            counts[i] += 1
            reached(i)


async def connect(u, cookie, n):
    """n event streams on the congress: (counts, tasks, state, live)."""
    counts = [0] * n
    ready = asyncio.Semaphore(0)
    state = {"target": 0, "left": n, "done": None}

    def reached(i):
        if counts[i] == state["target"]:
            state["left"] -= 1
            if state["left"] == 0 and state["done"]:
                state["done"].set()

    tasks = []
    t0 = time.monotonic()
    for i in range(n):
        tasks.append(asyncio.create_task(
            stream(u.hostname, u.port, cookie, counts, i, ready, reached)))
        if i % 200 == 199:
            await asyncio.sleep(0)
    for _ in range(n):
        await ready.acquire()
    bad = sum(1 for c in counts if c < 0)
    live = n - bad
    print("streams: %d connected in %.1f s%s" % (live, time.monotonic() - t0,
                                                 ", %d refused" % bad if bad else ""))
    await asyncio.sleep(1)
    return counts, tasks, state, live


async def wave(counts, state, fn):
    """Runs fn (blocking) and waits for every stream's next event: the
    seconds from the start of fn to the last stream, and fn's own; None
    when some stream had nothing after 10 s."""
    loop = asyncio.get_running_loop()
    state["target"] = min(c for c in counts if c >= 0) + 1
    state["left"] = sum(1 for c in counts if c >= 0 and c < state["target"])
    state["done"] = asyncio.Event()
    start = time.monotonic()
    await loop.run_in_executor(None, fn)
    took = time.monotonic() - start
    try:
        await asyncio.wait_for(state["done"].wait(), 10)
    except asyncio.TimeoutError:
        print("streams: %d streams had nothing after 10 s" % state["left"])
        return None, took
    return time.monotonic() - start, took


def report(what, live, lat, clicks):
    if not lat:
        return
    lat.sort()
    print("%s answered: median %.1f ms, max %.1f ms" % (
        what, statistics.median(clicks) * 1000, max(clicks) * 1000))
    print("%s to the last of %d streams, %d times: median %.0f ms, p95 %.0f ms, "
          "max %.0f ms (goal < 1000 ms)" % (
              what, live, len(lat), statistics.median(lat) * 1000,
              lat[max(int(len(lat) * 0.95) - 1, 0)] * 1000, lat[-1] * 1000))


async def hall(base, work, n):
    env = dict(l.strip().split("=", 1) for l in open(work + "/env"))
    u = urllib.parse.urlparse(base)
    chair = Client(base, "chair@example.org")
    item = int(env["ITEM"])
    waiting = [s for s in chair.get_json("/api/v1/congresses/1/agenda/%d" % item)["speakers"]
               if s["waiting"]][:100]
    counts, tasks, state, live = await connect(u, env["MEMBER"], n)
    lat, clicks = [], []
    for s in waiting:
        path = "/api/v1/congresses/1/agenda/%d/speakers/%d" % (item, s["id"])
        t, took = await wave(counts, state, lambda: chair.api(path, {"action": "floor"}))
        if t is None:
            break
        lat.append(t)
        clicks.append(took)
    for t in tasks:
        t.cancel()
    report("the chair's click (POST floor)", live, lat, clicks)


async def closes(base, work, n, rounds=20):
    """The chair opens a poll, the two demo delegates vote, and the
    chair closes it while n streams follow the congress: from the close
    (counted, published) to the last stream's event."""
    env = dict(l.strip().split("=", 1) for l in open(work + "/env"))
    u = urllib.parse.urlparse(base)
    chair = Client(base, "chair@example.org")
    voters = [Client(base, "member@example.org"), Client(base, "delegate@example.org")]
    counts, tasks, state, live = await connect(u, env["MEMBER"], n)
    lat, clicks = [], []
    for k in range(rounds):
        made = {}
        t, _ = await wave(counts, state, lambda: made.update(chair.api(
            "/api/v1/congresses/1/polls", {"question": "Bench poll %d" % k, "kind": "yna"})))
        if t is None:
            break
        path = "/api/v1/congresses/1/polls/%d" % made["id"]
        t, _ = await wave(counts, state, lambda: chair.api(path, {"action": "open"}))
        if t is None:
            break
        for v in voters:
            v.api(path + "/ballots", {"vote": "Y"})
        await asyncio.sleep(0.3)  # the "voted" events pass
        t, took = await wave(counts, state, lambda: chair.api(path, {"action": "close"}))
        if t is None:
            break
        lat.append(t)
        clicks.append(took)
    for t in tasks:
        t.cancel()
    report("the chair's close (POST close)", live, lat, clicks)


def main():
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif sys.argv[1] == "closes":
        asyncio.run(closes(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    else:
        asyncio.run(hall(sys.argv[2], sys.argv[3], int(sys.argv[4])))


if __name__ == "__main__":
    main()
