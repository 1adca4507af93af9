import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from pipeline.memory import MEMORY_NAME, NullMemory, TranslationMemory, default_memory_path

ID_A = "transformers|hub:Helsinki-NLP/opus-mt-ja-en@abc|beams=4"
ID_B = "transformers|hub:Helsinki-NLP/opus-mt-ja-en@abc|beams=6"


def test_roundtrip_and_identity_isolation(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite") as memory:
        assert memory.put_many(ID_A, [("まとめ", "Summary"), ("参考", "References")]) == 2
        assert memory.get_many(ID_A, ["まとめ", "参考", "はじめに"]) == {
            "まとめ": "Summary",
            "参考": "References",
        }
        assert memory.get_many(ID_B, ["まとめ"]) == {}
        memory.put_many(ID_A, [("まとめ", "Conclusion")])
        assert memory.get_many(ID_A, ["まとめ", "まとめ"]) == {"まとめ": "Conclusion"}
        assert memory.count(ID_A) == 2 and memory.count() == 2


def test_persists_across_objects_and_many_keys(tmp_path):
    path = tmp_path / "m.sqlite"
    pairs = [(f"文{i}", f"Sentence {i}") for i in range(1300)]
    with TranslationMemory(path) as memory:
        memory.put_many(ID_A, pairs)
    with TranslationMemory(path) as memory:
        assert memory.get_many(ID_A, [s for s, _ in pairs]) == dict(pairs)
        assert memory.put_many(ID_A, []) == 0


def test_wal_mode(tmp_path):
    path = tmp_path / "m.sqlite"
    TranslationMemory(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_default_location_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    assert default_memory_path() == tmp_path / "cache" / MEMORY_NAME
    with TranslationMemory() as memory:
        memory.put_many(ID_A, [("a", "b")])
    assert (tmp_path / "cache" / MEMORY_NAME).is_file()


def test_concurrent_readers_and_writers(tmp_path):
    path = tmp_path / "m.sqlite"
    TranslationMemory(path).close()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with TranslationMemory(path) as memory:
                for i in range(20):
                    memory.put_many(ID_A, [(f"w{n}-{i}-{j}", f"t{j}") for j in range(10)])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def reader() -> None:
        try:
            with TranslationMemory(path) as memory:
                for _ in range(50):
                    found = memory.get_many(ID_A, [f"w0-0-{j}" for j in range(10)])
                    # A batch is all there or not at all.
                    assert len(found) in (0, 10)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with TranslationMemory(path) as memory:
        assert memory.count(ID_A) == 3 * 20 * 10


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from pipeline.memory import TranslationMemory
memory = TranslationMemory(Path(sys.argv[1]))
memory.put_many("id", [("committed", "yes")])
db = memory._db
db.execute("BEGIN IMMEDIATE")
db.executemany("INSERT INTO translations (identity, source, target, created) VALUES ('id', ?, 'half', 0)", [(str(i),) for i in range(100)])
print("ready", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_survives_a_killed_process(tmp_path):
    path = tmp_path / "m.sqlite"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "ready" in result.stdout
    with TranslationMemory(path, timeout=5) as memory:
        assert memory.get_many("id", ["committed", "0", "99"]) == {"committed": "yes"}
        # The lock of the dead writer is gone: writing works again.
        memory.put_many("id", [("after", "ok")])
        assert memory.get_many("id", ["after"]) == {"after": "ok"}


def test_null_memory():
    with NullMemory() as memory:
        assert memory.put_many(ID_A, [("a", "b")]) == 0
        assert memory.get_many(ID_A, ["a"]) == {}
        assert memory.count() == 0
