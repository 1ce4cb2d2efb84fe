#!/usr/bin/env python3
"""ctest bench.document: runs workloads quickly on the CPU backend and checks the results documents they write.

What it checks (docs/bench_results.md, schema warpspeed-bench-2):
  - the reference run (bench_vector_add_solutions_cudacpu --quick --stream --json F) writes every machine field, v1's
    and the measured bandwidths (cpu_bandwidth_gbs > 0; gpu_bandwidth_measured_gbs null on the CPU backend), and
    every record field; its reference and library rows are all "ok", timed, their rates = work / median time;
  - --stream prints one WS-RECORD per record and WS-PROGRESS counts that never go back;
  - the labs run (--append F) adds "yours" rows to the same document, machine unchanged: with --starter-labs 01 and
    labs/01 the pristine starter (make_starters --check --lab 01), every one says "starter", untimed; without it
    the starter's versions are checked and at least one says "wrong", untimed (a learner who solved lab 01 in this
    checkout gets "ok" rows instead, which are then checked like the reference's);
  - bench_reduce_solutions_cudacpu --quick --cpu-only, when lab 05 is built: the CPU sums, all "ok".
Exit 0 when all hold; otherwise prints each failure and exits 1.
"""
import argparse
import json
import os
import subprocess
import sys

V1_MACHINE = ["cpu_model", "cores", "gpu_name", "backend", "driver_version", "cuda_version", "git_commit", "date",
              "cpu_peak_gflops_1thread", "cpu_peak_gflops", "gpu_peak_gflops_fp32", "gpu_peak_gflops_tensor",
              "gpu_bandwidth_gbs"]
V2_MACHINE = ["cpu_bandwidth_gbs", "cpu_bandwidth_gbs_1thread", "gpu_bandwidth_measured_gbs"]
V1_RECORD = ["workload", "version", "backend", "implementation", "m", "n", "k", "threads", "dtype", "repeats",
             "median_ms", "min_ms", "max_ms", "gflops", "correct"]
V2_RECORD = ["shape", "flops", "bytes", "gbps", "status"]
IMPLEMENTATIONS = {"yours", "reference", "openblas", "cublas", "cub", "thrust", "std"}

failures = []


def fail(what):
    failures.append(what)
    print("FAIL: " + what)


def run(cmd):
    print("$ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    sys.stdout.write(done.stdout[-3000:])
    sys.stderr.write(done.stderr[-2000:])
    return done


def check_record(r, where):
    for key in V1_RECORD + V2_RECORD:
        if key not in r:
            fail(f"{where}: no field '{key}'")
            return
    if r["status"] not in ("ok", "wrong", "starter"):
        fail(f"{where}: status '{r['status']}'")
    if r["implementation"] not in IMPLEMENTATIONS:
        fail(f"{where}: implementation '{r['implementation']}'")
    if r["backend"] not in ("cpu", "cuda", "cudacpu"):
        fail(f"{where}: backend '{r['backend']}'")
    if not isinstance(r["shape"], dict) or not r["shape"]:
        fail(f"{where}: shape {r['shape']!r} is not a non-empty object")
    if not (r["flops"] > 0 and r["bytes"] > 0):
        fail(f"{where}: flops {r['flops']} and bytes {r['bytes']} must be positive")
    if r["status"] == "ok":
        if not (r["correct"] is True and r["median_ms"] > 0 and r["repeats"] >= 3 and
                r["min_ms"] <= r["median_ms"] <= r["max_ms"]):
            fail(f"{where}: an ok record must be correct and timed: {r}")
            return
        for rate, work in (("gflops", "flops"), ("gbps", "bytes")):
            expected = r[work] / (r["median_ms"] * 1e6)
            if abs(r[rate] - expected) > 1e-6 * max(1.0, expected):
                fail(f"{where}: {rate} {r[rate]} is not {work} / median ({expected})")
    else:
        untimed = [r[k] for k in ("median_ms", "min_ms", "max_ms", "gflops", "gbps", "repeats")]
        if any(v != 0 for v in untimed) or r["correct"] is not False:
            fail(f"{where}: an untimed ({r['status']}) record must have zero times and rates, correct false: {r}")


def load(path):
    with open(path) as f:
        doc = json.load(f)
    if doc.get("schema") != "warpspeed-bench-2":
        fail(f"{path}: schema {doc.get('schema')!r}")
    machine = doc.get("machine", {})
    for key in V1_MACHINE + V2_MACHINE:
        if key not in machine:
            fail(f"{path}: machine has no '{key}'")
    if not (machine.get("cpu_bandwidth_gbs") or 0) > 0 or not (machine.get("cpu_bandwidth_gbs_1thread") or 0) > 0:
        fail(f"{path}: the measured CPU bandwidths are missing")
    if not (machine.get("cpu_peak_gflops") or 0) > 0:
        fail(f"{path}: the measured FMA peak is missing")
    if machine.get("backend") == "cudacpu" and machine.get("gpu_bandwidth_measured_gbs") is not None:
        fail(f"{path}: the CPU backend must not record a measured GPU bandwidth")
    for i, r in enumerate(doc.get("results", [])):
        check_record(r, f"{path} record {i} ({r.get('implementation')} {r.get('version')})")
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--make-starters", required=True)
    ap.add_argument("--scratch", required=True)
    args = ap.parse_args()
    bin_dir = os.environ["WS_BENCH_BIN"]
    os.makedirs(args.scratch, exist_ok=True)
    doc_path = os.path.join(args.scratch, "vector_add.json")
    if os.path.exists(doc_path):
        os.remove(doc_path)

    # The reference and the libraries, streamed.
    ref = run([os.path.join(bin_dir, "bench_vector_add_solutions_cudacpu"), "--quick", "--stream", "--json", doc_path])
    if ref.returncode != 0:
        fail(f"the reference run exited {ref.returncode}")
        return
    doc = load(doc_path)
    records = doc["results"]
    if not records:
        fail("the reference run wrote no records")
    if any(r["implementation"] == "yours" for r in records):
        fail("the solutions tree wrote 'yours' rows")
    if any(r["status"] != "ok" for r in records):
        fail("a reference or library row is not ok")
    streamed = [line for line in ref.stdout.splitlines() if line.startswith("WS-RECORD ")]
    if len(streamed) != len(records):
        fail(f"{len(streamed)} WS-RECORD lines for {len(records)} records")
    done = [int(line.split()[1]) for line in ref.stdout.splitlines() if line.startswith("WS-PROGRESS ")]
    if done != sorted(done) or not done:
        fail(f"WS-PROGRESS counts go back or are missing: {done}")

    # Yours, added to the same document.
    pristine = subprocess.run([args.make_starters, "--root", args.root, "--check", "--lab", "01"],
                              capture_output=True).returncode == 0
    labs_bin = os.path.join(bin_dir, "bench_vector_add_labs_cudacpu")
    starter_args = ["--starter-labs", "01"] if pristine else []
    labs = run([labs_bin, "--quick", "--append", doc_path] + starter_args)
    if labs.returncode not in (0, 1):
        fail(f"the labs run exited {labs.returncode}")
        return
    merged = load(doc_path)
    if merged["machine"] != doc["machine"]:
        fail("--append changed the machine record")
    if merged["results"][:len(records)] != records:
        fail("--append changed the earlier records")
    yours = [r for r in merged["results"] if r["implementation"] == "yours"]
    if not yours:
        fail("the labs run added no 'yours' rows")
    if pristine:
        if any(r["status"] != "starter" for r in yours):
            fail("labs/01 is the pristine starter but a 'yours' row does not say so")
        if "yours: not implemented yet (still the starter" not in labs.stdout:
            fail("the table does not say 'yours: not implemented yet (still the starter...)'")
        # Without the starter flag the starter's versions are checked: its stubs must come out wrong, untimed.
        bare_path = os.path.join(args.scratch, "vector_add_labs_only.json")
        bare = run([labs_bin, "--quick", "--json", bare_path])
        bare_rows = load(bare_path)["results"]
        if not any(r["status"] == "wrong" for r in bare_rows):
            fail("the pristine starter's versions were not found wrong")
        if "wrong result, not timed: run ./course check 01" not in bare.stdout:
            fail("the table does not say 'wrong result, not timed: run ./course check 01'")
        if bare.returncode != 1:
            fail(f"a run with wrong rows must exit 1, not {bare.returncode}")
    else:
        print("labs/01 is not the pristine starter here: 'yours' rows checked as any other")

    # reduce, CPU only, when lab 05 is built.
    reduce_bin = os.path.join(bin_dir, "bench_reduce_solutions_cudacpu")
    if os.path.exists(reduce_bin):
        reduce_path = os.path.join(args.scratch, "reduce.json")
        red = run([reduce_bin, "--quick", "--cpu-only", "--json", reduce_path])
        if red.returncode != 0:
            fail(f"bench_reduce_solutions_cudacpu --quick --cpu-only exited {red.returncode}")
        else:
            rows = load(reduce_path)["results"]
            if not rows or any(r["backend"] != "cpu" or r["status"] != "ok" for r in rows):
                fail("reduce --cpu-only: expected only ok CPU rows")
            if load(reduce_path)["machine"]["backend"] != "cpu":
                fail("reduce --cpu-only: machine backend must be cpu")
    else:
        print("bench_reduce_solutions_cudacpu not built: reduce not checked")


if __name__ == "__main__":
    main()
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
