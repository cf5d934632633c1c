#!/usr/bin/env python3
"""make bench, votes: test elections for `rudder count`.

    bench/votes.py blt FILE BALLOTS CANDIDATES SEATS [SEED]

writes a BLT file of BALLOTS ballots, one line each (weight 1, so the
counter has to find the identical ones itself), ranking a few to all of
CANDIDATES by a Plackett-Luce draw from uneven popularity: a few
favourites, a long tail, ballots of every length. The same SEED writes
the same file.
"""
import random
import sys


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


if __name__ == "__main__":
    if len(sys.argv) < 6 or sys.argv[1] != "blt":
        sys.exit(__doc__)
    blt(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
        int(sys.argv[6]) if len(sys.argv) > 6 else 1)
