"""The one store of immutable artifacts (newsclaims.store) under each of its three kinds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from newsclaims import paths
from newsclaims.annotation import snapshots
from newsclaims.corpus import versions as corpus_versions
from newsclaims.corpus.errors import CorpusError, VersionNotFoundError
from newsclaims.errors import ArtifactNameError, ArtifactNotFoundError, NewsclaimsError, WriterBusyError
from newsclaims.release import versions as release_versions
from newsclaims.store import ManifestError, VersionedStore

KINDS = {
    "corpus": corpus_versions.CORPUS_VERSIONS,
    "snapshot": snapshots.SNAPSHOTS,
    "release": release_versions.RELEASES,
}


def _store(kind: str, root: Path) -> VersionedStore:
    return VersionedStore(KINDS[kind], root)


def _artifact(store: VersionedStore, name: str) -> Path:
    """A complete artifact written the way every writer writes one."""
    with store.create(name) as tmp:
        (tmp / store.kind.manifest_file).write_text("{}\n", encoding="utf-8")
    return store.root / name


# ---- order and the newest, per kind ---------------------------------------------------------
def test_corpus_versions_are_in_numeric_order_and_the_highest_is_newest_without_a_pointer(tmp_path):
    store = corpus_versions.store(tmp_path)
    for name in ("v10", "2025-09-release", "v2", "v1"):
        _artifact(store, name)
    (tmp_path / "v11").mkdir()  # no manifest: not a version
    assert store.names() == ["v1", "v2", "v10", "2025-09-release"]
    assert store.latest() == "v10"
    assert corpus_versions.next_version(tmp_path) == "v11"
    store.point_latest("2025-09-release")
    assert store.latest() == "2025-09-release"
    (tmp_path / "LATEST").write_text("v99\n", encoding="utf-8")  # names nothing complete
    assert store.latest() == "v10"


def test_snapshots_have_no_order_so_only_the_pointer_names_the_newest(tmp_path):
    store = snapshots.store(tmp_path)
    _artifact(store, "p-bbbbbbbbbbbb")
    _artifact(store, "p-aaaaaaaaaaaa")
    assert store.names() == ["p-aaaaaaaaaaaa", "p-bbbbbbbbbbbb"]
    assert store.latest() is None and snapshots.latest_snapshot(tmp_path) is None
    with pytest.raises(snapshots.SnapshotNotFoundError, match="annotate pull"):
        store.resolve(None)
    store.point_latest("p-bbbbbbbbbbbb")
    assert snapshots.snapshot_path(exports_dir=tmp_path) == tmp_path / "p-bbbbbbbbbbbb"
    (tmp_path / "LATEST").write_text("p-cccccccccccc\n", encoding="utf-8")  # a snapshot moved away
    with pytest.raises(snapshots.SnapshotNotFoundError, match="p-cccccccccccc"):
        store.resolve(None)


def test_releases_are_in_version_order_and_the_last_is_newest(tmp_path):
    store = release_versions.store(tmp_path)
    for name in ("0.10.0", "nightly", "0.2.0", "0.9.1"):
        _artifact(store, name)
    (tmp_path / "LATEST").write_text("0.2.0\n", encoding="utf-8")  # releases keep no pointer
    assert store.names() == ["0.2.0", "0.9.1", "0.10.0", "nightly"]
    assert store.latest() == "nightly"
    with pytest.raises(TypeError):
        store.point_latest("0.2.0")
    (tmp_path / "nightly" / "manifest.json").unlink()
    assert store.latest() == "0.10.0" and release_versions.release_versions(tmp_path)[-1] == "0.10.0"


def test_an_empty_store_says_how_to_make_a_first_artifact(tmp_path):
    assert corpus_versions.latest_version(tmp_path / "missing") is None
    with pytest.raises(VersionNotFoundError, match="make corpus"):
        corpus_versions.store(tmp_path).resolve(None)
    with pytest.raises(release_versions.ReleaseNotFoundError, match="newsclaims release --version"):
        release_versions.store(tmp_path).resolve(None)


# ---- names ---------------------------------------------------------------------------------------
BAD_NAMES = ["../x", "a/b", "", ".hidden", "x" * 65, "a..b", "/etc", "v1\n"]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_raise_the_kinds_name_error(tmp_path, kind, name):
    store = _store(kind, tmp_path)
    for call in (store.check_name, store.path, store.exists, store.point_latest):
        with pytest.raises(KINDS[kind].name_error, match="invalid version name") as raised:
            call(name)
        assert isinstance(raised.value, ArtifactNameError) and isinstance(raised.value, NewsclaimsError)
    with pytest.raises(KINDS[kind].name_error), store.create(name):
        pass
    assert list(tmp_path.iterdir()) == []


def test_name_errors_belong_to_their_stage_too(tmp_path):
    with pytest.raises(CorpusError):
        corpus_versions.version_dir("../x", tmp_path)
    with pytest.raises(snapshots.SnapshotError):
        snapshots.load_snapshot_meta("../x", tmp_path)
    for version in ("1.0", "v1", "0.0.0-bench"):  # safe names, but not MAJOR.MINOR.PATCH
        with pytest.raises(release_versions.ReleaseNameError, match="MAJOR.MINOR.PATCH"):
            release_versions.check_new_version(version, tmp_path)
    assert release_versions.check_new_version("1.2.3", tmp_path) == "1.2.3"


def test_an_unknown_name_is_not_found_and_the_known_ones_are_listed(tmp_path):
    store = corpus_versions.store(tmp_path)
    _artifact(store, "v1")
    with pytest.raises(VersionNotFoundError, match=r"'v9' not found .*known: v1") as raised:
        corpus_versions.load_manifest("v9", tmp_path)
    assert isinstance(raised.value, ArtifactNotFoundError)


# ---- the LATEST pointer --------------------------------------------------------------------------
def test_the_pointer_names_only_complete_artifacts(tmp_path):
    store = corpus_versions.store(tmp_path)
    _artifact(store, "v1")
    store.point_latest("v1")
    with pytest.raises(VersionNotFoundError):
        store.point_latest("v2")
    (tmp_path / "v3").mkdir()  # a directory, but no manifest: not complete
    with pytest.raises(VersionNotFoundError):
        store.point_latest("v3")
    assert (tmp_path / "LATEST").read_text(encoding="utf-8") == "v1\n"


def test_the_pointer_is_replaced_in_one_step_and_only_when_it_changes(tmp_path):
    store = corpus_versions.store(tmp_path)
    _artifact(store, "v1")
    _artifact(store, "v2")
    store.point_latest("v1")
    seen: set[str] = set()
    done = threading.Event()

    def read():
        while not done.is_set():
            seen.add((tmp_path / "LATEST").read_text(encoding="utf-8"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(400):
            store.point_latest("v2" if i % 2 == 0 else "v1")
    finally:
        done.set()
        reader.join()
    assert seen and seen <= {"v1\n", "v2\n"}  # never empty, never half a name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "v1", "v2"]  # no temp files left
    before = (tmp_path / "LATEST").stat()
    store.point_latest("v1")
    after = (tmp_path / "LATEST").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


# ---- writers ----------------------------------------------------------------------------------------
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from newsclaims.corpus import versions
    store = versions.store(Path(sys.argv[1]))
    with store.writer("busy"):
        if sys.argv[2] == "create":
            with store.create("v2") as tmp:
                (tmp / "manifest.json").write_text("{}", encoding="utf-8")
                print("inside", flush=True)
                sys.stdin.read()
        else:
            print("locked", flush=True)
            sys.stdin.read()
""")


def _child(root: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_second_writer_is_refused_with_the_kinds_busy_error(tmp_path):
    store = corpus_versions.store(tmp_path)
    with store.writer("first"), pytest.raises(WriterBusyError, match="second") as raised, store.writer("second"):
        pass
    assert isinstance(raised.value, CorpusError)
    child = _child(tmp_path, "lock")
    try:
        assert child.stdout.readline() == "locked\n"
        with pytest.raises(WriterBusyError), store.writer("busy in another process"):
            pass
    finally:
        child.communicate("")
    assert child.returncode == 0
    with store.writer("free again"):
        pass


def test_an_exception_inside_create_leaves_no_artifact(tmp_path):
    store = corpus_versions.store(tmp_path)
    _artifact(store, "v1")
    store.point_latest("v1")
    with pytest.raises(KeyboardInterrupt), store.create("v2") as tmp:
        (tmp / "manifest.json").write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "v1"]
    assert store.names() == ["v1"] and store.latest() == "v1"


def test_a_writer_killed_inside_create_leaves_no_artifact_and_the_next_writer_cleans_up(tmp_path):
    store = corpus_versions.store(tmp_path)
    _artifact(store, "v1")
    store.point_latest("v1")
    child = _child(tmp_path, "create")
    assert child.stdout.readline() == "inside\n"  # its manifest is written: only the rename is left
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    leftovers = [p.name for p in tmp_path.iterdir() if ".partial-" in p.name]
    assert len(leftovers) == 1 and leftovers[0].startswith(".v2.")
    assert not (tmp_path / "v2").exists() and store.names() == ["v1"] and store.latest() == "v1"
    with store.writer("clean up"):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "v1"]


def test_the_next_writer_also_clears_a_killed_writers_partials_in_its_hidden_scratch_folders(tmp_path):
    # A build killed while saving its MinHash cache leaves `.cache/.minhash-….bin.partial-*`;
    # the scratch folder itself and its complete files are kept.
    store = corpus_versions.store(tmp_path)
    cache = tmp_path / ".cache"
    cache.mkdir()
    (cache / "signatures.bin").write_bytes(b"kept")
    (cache / ".signatures.bin.partial-abc123").write_bytes(b"half")
    (cache / ".scratch.partial-def456").mkdir()
    with store.writer("clean up"):
        assert sorted(p.name for p in cache.iterdir()) == ["signatures.bin"]
    assert (cache / "signatures.bin").read_bytes() == b"kept"


def test_create_refuses_an_existing_artifact_with_the_kinds_error(tmp_path):
    store = release_versions.store(tmp_path)
    _artifact(store, "1.0.0")
    with pytest.raises(release_versions.ReleaseExistsError, match="immutable"), store.create("1.0.0"):
        pass


# ---- typed manifests ---------------------------------------------------------------------------------
def _committed(directory: Path, pattern: str) -> list[Path]:
    found = sorted(p for p in directory.glob(pattern) if not p.parent.name.startswith("."))
    assert found, f"no {pattern} under {directory}"
    return found


def test_every_committed_manifest_reads_into_its_record_and_writes_back_byte_for_byte(tmp_path):
    from newsclaims.corpus.manifest import CorpusManifest, write_manifest
    from newsclaims.release.manifest import ReleaseManifest, manifest_bytes

    for path in _committed(paths.VERSIONS_DIR, f"*/{corpus_versions.MANIFEST_FILE}"):
        out = tmp_path / "manifest.json"
        write_manifest(out, corpus_versions.load_manifest(path.parent.name, path.parent.parent))
        assert out.read_bytes() == path.read_bytes(), path
        assert isinstance(CorpusManifest.from_json(json.loads(path.read_bytes())).counts.documents, int)
    for path in _committed(paths.EXPORTS_DIR, f"*/{snapshots.META_FILE}"):
        meta = snapshots.load_snapshot_meta(path.parent.name, path.parent.parent)
        assert snapshots.meta_bytes(meta) == path.read_bytes(), path
    for path in _committed(paths.RELEASES_DIR, f"*/{release_versions.MANIFEST_FILE}"):
        manifest = ReleaseManifest.from_json(json.loads(path.read_bytes()))
        assert manifest_bytes(manifest) == path.read_bytes(), path
        assert manifest.version == path.parent.name


def test_a_record_keeps_unknown_keys_and_the_optional_keys_its_file_lacked():
    old = {
        "snapshot_id": "p-aaaaaaaaaaaa",
        "project": "p",
        "corpus_version": None,
        "corpus_versions": [],
        "taxonomy_sha256": "0" * 64,
        "counts": {},
        "files": {},
        "from_a_newer_toolkit": {"x": 1},
    }
    meta = snapshots.SnapshotMeta.from_json(old)
    assert meta.parent_snapshot is None and meta.checked_against_task_text == []
    assert meta.to_json() == old
    fresh = snapshots.SnapshotMeta("p-aaaaaaaaaaaa", "p", None, [], "0" * 64, {}, {})
    assert fresh.to_json()["parent_snapshot"] is None and "from_a_newer_toolkit" not in fresh.to_json()
    assert fresh == meta  # what the file lacked or added is not part of the value


def test_a_manifest_without_a_required_key_is_a_clear_error():
    from newsclaims.release.manifest import ReleaseParameters

    with pytest.raises(ManifestError, match="'seed'") as raised:
        ReleaseParameters.from_json({"splits": [0.8, 0.1, 0.1]})
    assert isinstance(raised.value, NewsclaimsError)
    with pytest.raises(ManifestError, match="JSON object"):
        ReleaseParameters.from_json([0.8, 0.1, 0.1])  # type: ignore[arg-type]
