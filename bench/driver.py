"""bench/driver.py — runs bench/b_*.py modules and prints one table of ratios.

Each module exposes run(build_dir) -> list of rows
    (case, ours_ms, peer_name, peer_ms)
timed in this one run, on this machine, with the same thread count on both
sides. The ratio is peer_ms / ours_ms: above 1 means obscura is faster.
"""
import importlib.util
import json
import os
import platform
import sys


def load(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def engine_info(build):
    """What the nets run on here, from `obscura version --json`: oneDNN's ISA and the GEMM library."""
    import subprocess
    try:
        out = subprocess.run([os.path.join(build, "obscura"), "version", "--json"], capture_output=True, text=True,
                             check=True).stdout
        v = json.loads(out)
        return {"cpu_impl": v.get("cpu_impl"), "onednn": v.get("onednn"), "onednn_isa": v.get("onednn_isa"),
                "gemm": v.get("gemm")}
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {}


def cpu_flags():
    """The vector ISA extensions the kernel reports (what -march=native and oneDNN can use)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return " ".join(x for x in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if x in have)
    except OSError:
        pass
    return "?"


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchlib for the modules
    build = sys.argv[1]
    args = sys.argv[2:]
    as_json = "--json" in args
    wanted = [a for a in args if not a.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    mods = sorted(f for f in os.listdir(here) if f.startswith("b_") and f.endswith(".py"))
    if wanted:
        mods = [m for m in mods if m[2:-3] in wanted]
        if not mods:
            sys.exit("bench/run: error: no benchmark named %s" % ", ".join(wanted))
    rows = []
    for m in mods:
        mod = load(os.path.join(here, m))
        for case, ours, peer, peer_ms in mod.run(build):
            rows.append({"bench": m[2:-3], "case": case, "obscura_ms": ours, "peer": peer, "peer_ms": peer_ms,
                         "speedup": peer_ms / ours if ours > 0 else float("nan")})
    info = {"cpu": cpu_name(), "cores": os.cpu_count(), "threads": os.environ.get("OMP_NUM_THREADS", "all"),
            "isa": cpu_flags(), **engine_info(build)}
    if as_json:
        print(json.dumps({"machine": info, "rows": rows}, indent=2))
        return
    print("obscura bench — %s, %s cores (CPU timings; GPU figures come from bench/gpu_check)" %
          (info["cpu"], info["cores"]))
    print("ISA: %s; nets: --cpu-impl %s, oneDNN %s dispatching to %s; GEMM: %s" %
          (info["isa"], info.get("cpu_impl"), info.get("onednn"), info.get("onednn_isa"), info.get("gemm")))
    w = max([len(r["case"]) for r in rows] + [4])
    pw = max([len(r["peer"]) for r in rows] + [4])
    print("%-*s %12s  %-*s %12s %9s" % (w, "case", "obscura ms", pw, "peer", "peer ms", "speedup"))
    for r in rows:
        print("%-*s %12.3f  %-*s %12.3f %8.1fx" % (w, r["case"], r["obscura_ms"], pw, r["peer"], r["peer_ms"],
                                                 r["speedup"]))


if __name__ == "__main__":
    main()
