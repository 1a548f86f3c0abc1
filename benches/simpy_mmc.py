"""The M/M/c model of `traject simulate --mmc` written in SimPy, for benches/simulation.rs.

Installs SimPy with pip (into target/pybench) when it is missing, runs the model and prints one
JSON line: customers, client events (arrivals + departures), seconds, events per second, and
the mean wait in days (to check both simulate the same system).
"""
import json
import random
import sys
import time

from peer_setup import MONTH_DAYS, library

simpy = library("simpy")


def run(lam, mu, c, months, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    slots = simpy.Resource(env, capacity=c)
    stats = {"customers": 0, "events": 0, "wait": 0.0}
    warmup = months // 10 * MONTH_DAYS

    def client(arrived):
        with slots.request() as req:
            yield req
            if arrived >= warmup:
                stats["customers"] += 1
                stats["wait"] += env.now - arrived
            yield env.timeout(rng.expovariate(mu) * MONTH_DAYS)
        stats["events"] += 1  # departure

    def source():
        while True:
            yield env.timeout(rng.expovariate(lam / MONTH_DAYS))
            stats["events"] += 1  # arrival
            env.process(client(env.now))

    env.process(source())
    env.run(until=months * MONTH_DAYS)
    return stats


if __name__ == "__main__":
    lam, mu, c, months, runs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    start = time.perf_counter()
    total = {"customers": 0, "events": 0, "wait": 0.0}
    for r in range(runs):
        s = run(lam, mu, c, months, r + 1)
        for k in total:
            total[k] += s[k]
    seconds = time.perf_counter() - start
    print(json.dumps({
        "simpy": simpy.__version__,
        "customers": total["customers"],
        "events": total["events"],
        "seconds": round(seconds, 3),
        "events_per_second": round(total["events"] / seconds),
        "mean_wait_days": round(total["wait"] / max(total["customers"], 1), 4),
    }))
