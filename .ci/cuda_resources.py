"""Summarises ptxas's resource report (-Xptxas=-v, OB_CUDA_RESOURCE_REPORT=ON) from
a build log: one line per kernel and architecture with registers, stack frame and
spills; exits 1 when a kernel spills or needs a stack frame (local memory), or
when the log holds no report at all. Usage: python3 .ci/cuda_resources.py LOG"""
import re
import subprocess
import sys

rows, fn, arch, stack, spills = {}, None, None, 0, 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"Compiling entry function '([^']+)' for '(sm_\d+)'", line)
    if m:
        fn, arch = m.groups()
        continue
    m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores", line)
    if m and fn:
        stack, spills = int(m.group(1)), int(m.group(2))
        continue
    m = re.search(r"Used (\d+) registers", line)
    if m and fn:
        rows[(fn, arch)] = (int(m.group(1)), stack, spills)
        fn = None
if not rows:
    sys.exit("cuda resources: no ptxas report in " + sys.argv[1])
names = sorted({k[0] for k in rows})
try:
    plain = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True).stdout.split("\n")
    demangled = dict(zip(names, plain))
except OSError:
    demangled = {}
print("  %-56s %-6s %5s %6s %7s" % ("kernel", "arch", "regs", "stack", "spills"))
bad = 0
for (fn, arch), (regs, stack, spills) in sorted(rows.items(), key=lambda kv: (demangled.get(kv[0][0], kv[0][0]), kv[0][1])):
    name = demangled.get(fn, fn).split("(")[0][:56]
    print("  %-56s %-6s %5d %6d %7d" % (name, arch, regs, stack, spills))
    bad += stack > 0 or spills > 0
print("cuda resources: %d kernel builds, %d with stack frames or spills" % (len(rows), bad))
sys.exit(1 if bad else 0)
