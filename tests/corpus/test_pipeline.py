"""The pipeline's contract: steps never see Rejects (or reused Drafts), every executor gives the
same items in the same order, per-step counts add up, and every reject reason is an enum member."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import newsclaims.corpus as corpus_package
from newsclaims.corpus.build import BuildSettings, build_corpus
from newsclaims.corpus.document import Document, Reject
from newsclaims.corpus.executors import ProcessPoolExecutor, SerialExecutor, executor_for
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.per_file import PerFileJob
from newsclaims.corpus.pipeline import Draft, Item, Pipeline, PipelineStep
from newsclaims.corpus.rawfolder import list_raw_files, load_sidecars
from newsclaims.corpus.read import Read
from newsclaims.corpus.reasons import RejectReason
from newsclaims.corpus.steps import per_file_steps
from newsclaims.corpus.summary import format_summary
from newsclaims.corpus.versions import load_rejects, read_manifest

from .test_build import MAX_BYTES, messy_raw  # noqa: F401 (fixture)


class Upper(PipelineStep):
    name = "upper"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def apply(self, draft: Draft) -> Item:
        self.seen.append(draft.doc.id)
        draft.doc.text = draft.doc.text.upper()
        return draft


def _draft(doc_id: str, text: str, reused: bool = False) -> Draft:
    return Draft(Document(doc_id, text, f"{doc_id}.txt", "0" * 64), reused=reused)


def test_a_step_passes_rejects_and_reused_drafts_through_untouched():
    first = Reject("a.bin", RejectReason.BINARY, "magic number", "1" * 64)
    second = Reject("b.txt", RejectReason.EMPTY, "no text")
    fresh, reused = _draft("fresh", "some text"), _draft("reused", "kept as is", reused=True)
    step = Upper()
    pipeline = Pipeline([step])
    out = list(pipeline.run([first, fresh, second, reused]))
    assert out[0] is first and out[2] is second and out[3] is reused
    assert first == Reject("a.bin", RejectReason.BINARY, "magic number", "1" * 64)
    assert reused.doc.text == "kept as is"
    assert step.seen == ["fresh"] and out[1].doc.text == "SOME TEXT"
    stats = pipeline.stats[0]
    assert (stats.items_in, stats.items_out, stats.rejects, stats.passed) == (1, 1, 0, 3)


def test_every_per_file_step_lets_rejects_by():
    rejects = [Reject(f"{i}.txt", reason, "") for i, reason in enumerate(RejectReason)]
    pipeline = Pipeline(per_file_steps())
    out = list(pipeline.run(rejects))
    assert len(out) == len(rejects) and all(a is b for a, b in zip(out, rejects, strict=True))
    assert all(s.items_in == 0 and s.passed == len(rejects) for s in pipeline.stats)


def _job_and_files(raw: Path) -> tuple[PerFileJob, RawFiles]:
    files = RawFiles(raw, list_raw_files(raw))
    return PerFileJob([Read(load_sidecars(files, MAX_BYTES), MAX_BYTES), *per_file_steps()]), files


def _comparable(items: list[Item]) -> list[tuple]:
    out: list[tuple] = []
    for item in items:
        if isinstance(item, Reject):
            out.append(("reject", item.to_dict()))
        else:
            assert item.signature is not None  # sign ran in every executor
            out.append(("draft", item.doc.to_dict(), item.signature.tolist()))
    return out


def _counts(stats) -> list[tuple]:
    return [(s.name, s.items_in, s.items_out, s.rejects, s.passed) for s in stats]


def test_serial_and_process_pool_executors_give_the_same_items(messy_raw):  # noqa: F811
    job, files = _job_and_files(messy_raw)
    with SerialExecutor() as serial:
        one = list(serial.run(job, files))
    with ProcessPoolExecutor(2) as pool:
        two = list(pool.run(job, files))
    assert _comparable(one) == _comparable(two)
    assert _counts(serial.stats) == _counts(pool.stats)
    assert {type(executor_for("local", 1)), type(executor_for("local", 3))} == {SerialExecutor, ProcessPoolExecutor}
    # The same raw paths in the order of the files (a .jsonl file's records stay together).
    order = [f.rel for f in files]
    paths = [i.raw_path if isinstance(i, Reject) else i.doc.raw_path for i in one]
    assert paths == sorted(paths, key=order.index)


def _files_under(raw: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(raw))


def test_step_counts_add_up_on_the_messy_folder(messy_raw, tmp_path):  # noqa: F811
    out = tmp_path / "versions"
    summary = build_corpus(messy_raw, out, settings=BuildSettings(max_bytes=MAX_BYTES))
    steps = {s.name: s for s in summary.steps}
    assert list(steps) == [
        "read",
        "decode",
        "extract_html",
        "normalize",
        "detect_language",
        "extract_header",
        "segment",
        "apply_metadata",
        "sign",
        "validate",
        "dedup",
        "write",
    ]
    assert steps["read"].items_in == _files_under(messy_raw)
    for s in summary.steps[1:]:
        assert s.items_in == s.items_out + s.rejects, s
    # Whatever a step gives on, the next one takes or lets by.
    for before, after in zip(summary.steps, summary.steps[1:]):
        assert after.items_in + after.passed == before.items_out + before.rejects + before.passed, after
    # From the fixture: notes.docx, big.txt, the link, broken.meta.json and three bad records are
    # refused when read; image.txt, nul.txt and undecodable.txt when decoded; empty.txt and
    # whitespace.txt on normalizing; the copy of seed 000 in dedup.
    assert (steps["read"].rejects, steps["decode"].rejects, steps["normalize"].rejects, steps["dedup"].rejects) == (
        7,
        3,
        2,
        1,
    )
    assert sum(s.rejects for s in summary.steps) == len(load_rejects("v1", out))
    assert steps["write"].items_out == read_manifest("v1", out)["counts"]["documents"] == summary.accepted
    assert all(s.seconds >= 0 for s in summary.steps)
    printed = format_summary(summary)
    assert all(f"    {name} " in printed for name in steps)
    assert "seconds" not in json.dumps(read_manifest("v1", out))  # timings stay out of the version


def _reason_of(call: ast.Call) -> ast.expr | None:
    """The reason argument of Reject(raw_path, reason, ...), x.reject(reason, ...) or DecodeFailure(reason, ...)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    keyword = next((k.value for k in call.keywords if k.arg == "reason"), None)
    if name == "Reject":
        return call.args[1] if len(call.args) > 1 else keyword
    if name in ("reject", "DecodeFailure"):
        return call.args[0] if call.args else keyword
    return None


def test_every_reason_that_can_be_written_is_an_enum_member():
    root = Path(corpus_package.__file__).parent
    written = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (reason := _reason_of(node)) is not None:
                written.append((path.name, ast.unparse(reason)))
    assert len(written) >= 15
    for where, reason in written:
        # Either a member spelled out, or passed on from a typed field (DecodeFailure.reason) or parameter.
        prefix, _, member = reason.partition(".")
        assert (prefix in ("R", "RejectReason") and member in RejectReason.__members__) or reason in (
            "reason",
            "decoded.reason",
        ), (where, reason)
    spelled = {reason.partition(".")[2] for _, reason in written if "." in reason and not reason.startswith("decoded")}
    assert spelled == set(RejectReason.__members__)  # and no member is left unused
    # The strings in rejects.jsonl, as every version so far has them.
    assert {r.value for r in RejectReason} == {
        "bad_sidecar",
        "symlink_outside_raw",
        "unknown_extension",
        "too_large",
        "unreadable",
        "bad_record",
        "duplicate_record_id",
        "empty",
        "binary",
        "nul_bytes",
        "undecodable",
        "no_main_text",
        "invalid_document",
        "id_collision",
        "duplicate",
    }
    for reason in RejectReason:
        record = Reject("x.txt", reason).to_dict()
        assert type(record["reason"]) is str and Reject.from_dict(record).reason is reason


def test_written_reasons_parse_as_enum_members(messy_raw, tmp_path):  # noqa: F811
    out = tmp_path / "versions"
    build_corpus(messy_raw, out, settings=BuildSettings(max_bytes=MAX_BYTES))
    lines = (out / "v1" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    reasons = [json.loads(line)["reason"] for line in lines]
    assert reasons and all(RejectReason(r).value == r for r in reasons)
    assert len(set(reasons)) >= 10
