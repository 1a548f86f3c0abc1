"""The M/M/c model of `traject simulate --mmc` written in Ciw, for benches/simulation.rs.

Installs Ciw with pip (into target/pybench) when it is missing, runs the model and prints one
JSON line: customers, client events (arrivals + departures), seconds, events per second, and
the mean wait in days (to check both simulate the same system).
"""
import json
import sys
import time

from peer_setup import MONTH_DAYS, library

ciw = library("ciw")


def run(lam, mu, c, months, seed):
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=lam)],
        service_distributions=[ciw.dists.Exponential(rate=mu)],
        number_of_servers=[c],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(months)
    records = sim.get_all_records()
    warmup = months // 10
    waits = [r.waiting_time for r in records if r.arrival_date >= warmup]
    # Arrivals of every client in the system, departures of those who finished.
    arrivals = len(records) + sum(len(n.all_individuals) for n in sim.nodes[1:-1])
    return {"customers": len(waits), "events": arrivals + len(records), "wait": sum(waits) * MONTH_DAYS}


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
        "ciw": ciw.__version__,
        "customers": total["customers"],
        "events": total["events"],
        "seconds": round(seconds, 3),
        "events_per_second": round(total["events"] / seconds),
        "mean_wait_days": round(total["wait"] / max(total["customers"], 1), 4),
    }))
