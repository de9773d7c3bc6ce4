#!/usr/bin/env python3
"""Word pronunciations against Lexique 3.83, for scripts/bench-pronunciation.sh.

    pronunciation.py words LEXIQUE383.txt N WORDS.tsv
        The N most frequent word forms of Lexique (frequency: the mean of
        its film-subtitle and book frequencies, per million words, summed
        over the form's lemmas), one per line: form, frequency, and every
        pronunciation Lexique gives it (in IPA, "|" between them).
    pronunciation.py lexicon WORDS.tsv SAID.txt PRONUNCIATIONS.tsv EXCLUDED.txt
        Adds to PRONUNCIATIONS.tsv (data/fr/pronunciations.tsv) every word
        said wrong that Lexique gives one pronunciation, with that
        pronunciation in espeak-ng's phoneme mnemonics; keeps its entries
        but those of EXCLUDED.txt (words checked by hand and left out), and
        leaves out forms without a vowel letter (abbreviations: "cm").
    pronunciation.py compare WORDS.tsv SAID.txt LABEL
        SAID.txt holds one IPA line per word, in the same order. Prints the
        words said right, the share of running words said wrong, and the 50
        most frequent misses.

A word is right when what is said equals one of Lexique's forms once both
are brought to a common form that allows free variation:
  - stress and length marks, syllable and liaison marks are dropped;
  - schwa is ø, as Lexique mostly writes it ("premier"), and may be dropped
    or kept ("fenêtre"): two forms that differ only in it are the same;
  - e and ɛ are one vowel, o and ɔ one, ø and œ one, a and ɑ one;
  - ɲ is nj, as espeak-ng says it and many speakers do ("gagner");
  - a glide is its vowel, and a vowel with its own glide is one: j is i,
    w is u, ɥ is y ("lion", "oublier" with or without its j);
  - a voiced obstruent before a voiceless one is voiceless ("médecin",
    "absent"), as it is said.
Lexique's phonemic alphabet maps one to one onto IPA (PHON below).

Share of running words: the summed frequency (per million) of the forms
said wrong, divided by a million: how many words of every million in books
and films a listener hears wrong, counting only the N forms measured.
"""

import re
import sys

# Lexique 3's phonemic code, one symbol each, and the IPA it stands for.
PHON = {
    "a": "a", "i": "i", "y": "y", "u": "u", "o": "o", "O": "ɔ", "e": "e", "E": "ɛ",
    "°": "ə", "2": "ø", "9": "œ", "5": "ɛ̃", "1": "œ̃", "@": "ɑ̃", "§": "ɔ̃",
    "j": "j", "w": "w", "8": "ɥ", "p": "p", "b": "b", "t": "t", "d": "d", "k": "k",
    "g": "ɡ", "f": "f", "v": "v", "s": "s", "z": "z", "S": "ʃ", "Z": "ʒ", "m": "m",
    "n": "n", "N": "ɲ", "G": "ŋ", "l": "l", "R": "ʁ", "r": "ʁ", "x": "x",
}

# Free variation, as single symbols: nasal vowels first (two code points each).
MERGED = [
    ("ɑ̃", "A"), ("ɔ̃", "O~"), ("ɛ̃", "E~"), ("œ̃", "U~"),
    ("ɛ", "e"), ("ɔ", "o"), ("œ", "ø"), ("ə", "ø"), ("ɑ", "a"), ("g", "ɡ"), ("r", "ʁ"),
    ("ɲ", "nj"), ("j", "i"), ("w", "u"), ("ɥ", "y"), ("ii", "i"), ("uu", "u"), ("yy", "y"),
]
DROPPED = "ˈˌː.-‿_ "
VOICELESS = {"b": "p", "d": "t", "ɡ": "k", "v": "f", "z": "s", "ʒ": "ʃ"}
VOICELESS_SOUNDS = set("ptkfsʃ")


def common_form(ipa, schwa=True):
    """`ipa` with free variation taken out (see the module's comment), its
    schwas (ø) kept or not."""
    ipa = re.sub(r"\([a-z]+\)", "", ipa)  # C espeak-ng's language switches: "(en)"
    ipa = "".join(c for c in ipa if c not in DROPPED)
    for written, one in MERGED:
        ipa = ipa.replace(written, one)
    sounds = [c for c in ipa if schwa or c != "ø"]
    for i in range(len(sounds) - 1):
        if sounds[i] in VOICELESS and sounds[i + 1] in VOICELESS_SOUNDS:
            sounds[i] = VOICELESS[sounds[i]]
    return "".join(sounds)


def same(spoken, forms):
    """Whether `spoken` is one of `forms`, schwa (ø) kept or dropped."""
    return any(common_form(spoken, schwa) in {common_form(f, schwa) for f in forms} for schwa in (True, False))


# Lexique's code in espeak-ng's French phoneme mnemonics ("[[...]]" input):
# ɥ is y, as espeak-ng's French says it.
MNEMONIC = {
    "O": "O", "E": "E", "°": "@", "2": "Y", "9": "W", "5": "E~", "1": "W~", "@": "A~", "§": "O~",
    "8": "y", "S": "S", "Z": "Z", "N": "n^", "G": "N", "R": "r", "r": "r",
}
VOWELS = set("aiyuoOeE29518@§")


def mnemonics(phon):
    """Lexique's `phon` in espeak-ng mnemonics, stressed on its last vowel
    that is not a schwa, as French words are."""
    last = max((i for i, c in enumerate(phon) if c in VOWELS), default=None)
    out = []
    for i, c in enumerate(phon):
        if i == last:
            out.append("'")
        out.append(MNEMONIC.get(c, c))
    return "".join(out)


def lexique_ipa(phon):
    return "".join(PHON.get(c, "") for c in phon)


def is_word(form):
    """A form said alone as it is in running text: not a single letter (a
    letter alone is spelled), not an elided form ("l'", never alone)."""
    return len(form) > 1 and all(c.isalpha() or c in "'-" for c in form) and form[0].isalpha() and form[-1] != "'"


def number(text):
    return float(text.replace(",", ".") or 0)


def words(lexique, count, out):
    frequency, said, codes = {}, {}, {}
    with open(lexique, encoding="latin-1") as rows:
        next(rows)
        for row in rows:
            fields = row.rstrip("\n").split("\t")
            form = fields[0]
            if not is_word(form):
                continue
            frequency[form] = frequency.get(form, 0.0) + (number(fields[8]) + number(fields[9])) / 2
            said.setdefault(form, [])
            codes.setdefault(form, [])
            ipa = lexique_ipa(fields[1])
            if ipa not in said[form]:
                said[form].append(ipa)
                codes[form].append(fields[1])
    chosen = sorted(frequency, key=lambda f: (-frequency[f], f))[: int(count)]
    with open(out, "w", encoding="utf-8") as tsv:
        for form in chosen:
            tsv.write(f"{form}\t{frequency[form]:.2f}\t{'|'.join(said[form])}\t{'|'.join(codes[form])}\n")


def said_wrong(words_tsv, said_txt):
    """The words said wrong (frequency, form, said, Lexique's forms), and how many were said."""
    with open(words_tsv, encoding="utf-8") as tsv:
        entries = [line.rstrip("\n").split("\t") for line in tsv]
    with open(said_txt, encoding="utf-8") as said:
        ours = [line.strip() for line in said]
    if len(ours) != len(entries):
        sys.exit(f"{said_txt}: {len(ours)} lines for {len(entries)} words")
    misses = [(float(frequency), form, spoken, forms) for (form, frequency, forms, *_), spoken in zip(entries, ours)
              if not same(spoken, forms.split("|"))]
    return misses, len(entries)


def lexicon(words_tsv, said_txt, out, excluded_txt):
    with open(out, encoding="utf-8") as tsv:
        lines = tsv.read().splitlines()
    with open(excluded_txt, encoding="utf-8") as txt:
        excluded = {line.strip() for line in txt if line.strip() and not line.startswith("#")}
    entries = [line for line in lines if line and not line.startswith("#") and line.split("\t")[0] not in excluded]
    known = {line.split("\t")[0] for line in entries} | excluded
    misses, _ = said_wrong(words_tsv, said_txt)
    phon = lexique_codes(words_tsv)
    added = [(form, phon[form]) for _, form, _, forms in misses
             if "|" not in forms and form not in known and form in phon and any(c in "aeiouyàâéèêëîïôûùüœ" for c in form)]
    entries += [f"{form}\t{mnemonics(code)}\t{lexique_ipa(code)}" for form, code in added]
    header = [line for line in lines if line.startswith("#")]
    with open(out, "w", encoding="utf-8") as tsv:
        tsv.write("\n".join(header + sorted(set(entries))) + "\n")
    print(f"{len(added)} words added to {out}")


def lexique_codes(words_tsv):
    """Lexique's own code for each word of WORDS.tsv with one pronunciation (its fourth column)."""
    with open(words_tsv, encoding="utf-8") as tsv:
        return {f[0]: f[3] for f in (line.rstrip("\n").split("\t") for line in tsv) if len(f) > 3 and "|" not in f[3]}


def compare(words_tsv, said_txt, label):
    misses, total = said_wrong(words_tsv, said_txt)
    right = total - len(misses)
    wrong_share = sum(m[0] for m in misses) / 1e6
    print(f"{label}: words right: {right} of {total} ({100 * right / total:.2f} %)")
    print(f"{label}: running words said wrong: {100 * wrong_share:.3f} %")
    print(f"{label}: the 50 most frequent misses (word, frequency per million, said, Lexique):")
    for frequency, form, spoken, forms in sorted(misses, reverse=True)[:50]:
        print(f"  {form}\t{frequency:.1f}\t{spoken}\t{forms}")


if __name__ == "__main__":
    commands = {"words": words, "compare": compare, "lexicon": lexicon}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
