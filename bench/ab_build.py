"""Interleaved A/B of two source trees' corpus builds against the floor (bench/NOTES.md):
    python bench/ab_build.py RAW_DIR REPEATS [WORKERS]   (BEFORE_SRC/AFTER_SRC env, default main and this tree)
Wall seconds (the bench child's) and CPU seconds of the whole child process (rusage), which a
shared machine disturbs far less."""
import json, os, subprocess, sys, shutil, tempfile, time
WORK = tempfile.mkdtemp(prefix="ab-build-")
raw = sys.argv[1]; reps = int(sys.argv[2]); workers = sys.argv[3] if len(sys.argv) > 3 else "1"
py = sys.executable
def run(src, *args):
    env = dict(os.environ, PYTHONPATH=src)
    t = time.perf_counter()
    p = subprocess.Popen([py, "-m", "newsclaims.bench.child", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read(); _, st, ru = os.wait4(p.pid, 0)
    o = json.loads(out)
    return {"seconds": round(o["seconds"], 2), "cpu": round(ru.ru_utime + ru.ru_stime, 2), "steps": o.get("steps"), "load": os.getloadavg()[0]}
res = []
for r in range(reps):
    res.append(("floor", run(os.environ.get("AFTER_SRC", "src"), "floor", raw, f"{WORK}/floor.jsonl")))
    for name, src in (("before", os.environ.get("BEFORE_SRC", "/work/main/src")), ("after", os.environ.get("AFTER_SRC", "src"))):
        out = f"{WORK}/{name}"; shutil.rmtree(out, ignore_errors=True)
        res.append((name, run(src, "build", raw, out, workers)))
    for x in res[-3:]: print(x, flush=True)
print(json.dumps(res))
