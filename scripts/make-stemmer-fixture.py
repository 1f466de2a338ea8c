#!/usr/bin/env python3
"""Make fixtures/stemmer/english.tsv, the reference table for Trove's English stemmer.

Each line is "word<TAB>stem", the stem being what Snowball's own `english` (Porter2)
stemmer gives, through the `snowballstemmer` package from PyPI. The fixture was made
with snowballstemmer 3.1.1 (Snowball 3.1.1):

    python3 -m venv .bench/venv-stem
    .bench/venv-stem/bin/pip install snowballstemmer==3.1.1
    .bench/venv-stem/bin/python scripts/make-stemmer-fixture.py

Vocabulary: lowercased tokens of ASCII letters and apostrophes from the English man
pages under /usr/share/man/man*/ (troff requests and escapes stripped), chosen for
variety: words are grouped by what the stemmer does to their ending (the
"word tail -> stem tail" after their common prefix), and a few of the most frequent
words of every group are taken first, so that every rule that fires in the corpus is
represented; the rest of the budget goes to frequent words. A hand list of tricky
cases (exceptional forms, apostrophes, special prefixes, doubled consonants, -eed,
-ies/-ied, y handling, ...) is always included. The output is sorted and
deterministic for a given set of man pages.
"""

import collections
import importlib.metadata
import glob
import gzip
import os
import re
import sys

import snowballstemmer

TOTAL = 3000          # words in the fixture, hand list included
PER_GROUP = 3         # words taken first from every ending group
MAX_LEN = 18          # longer tokens are mostly run-together identifiers

HAND = """
a as is by at on ow sky news howe atlas cosmos bias andes skis skies ski dying lying
tying vying hying dyings idly gently ugly early only singly inning innings outing
outings canning herring herrings earring earrings evening evenings proceed proceeds
proceeded proceeding exceed exceeds exceeded exceedingly succeed succeeded succeeding
agreed agreedly feed feedly bleed deed indeed freed guaranteed
generous generously generate generates generated generating general generally
generic generically communication communications community communism communist
arsenal arsenic past paste pastes pasted pasting pasts universe universes
universal universally university universities later lateral laterally emergency
emerge international interest organ organic organization organize
hopping hopped hoping hoped hop hope add added adding egg egging off offing err
erring ebb ebbing odd fizzed fizzing running runner run tapping tapped filling
controlling luxuriating luxuriated troubled troubling sized sizing
cry cries cried crying say says saying sayings said sky skyward toy toys enjoying
enjoyed boy boys by bye yes yell yelling yield yields yielded eying eyeing
ties tied died dies lies lied spies spied flies flying flied tried tries trying
consign consigned consigning consignment consist consisted consistency consistent
consistently consisting consists consolation consolations consolatory console
consoled consoles consolidate consolidated consolidating consoling consolingly
knack knackeries knacks knag knave knaves knavish kneaded kneading knee kneel
kneeled kneeling kneels knees knell knelt knew knick knif knife knight knightly
knights knit knits knitted knitting knives knob knobs knock knocked knocker
knockers knocking knocks knopp knot knots
cat's cats' cat's' dog's dogs' 's 'tis o'clock don't can't won't it's users'
user's 'quoted' ''' ''s rock'n'roll
gas gaps kiwis this his us bus focus census caress caresses bosses class
fluently fearlessly hopefully geologist geology biology analogist analogous
happily happiness formality formalize formalism relational rational conditional
conditionally national nationally activate active activity activities
electrical electricity electric hopeful hopefulness goodness sensibility
sensible adjustable adjustment adjustments agreement replacement irritant
dependent dependence adoption defensible homologous effective bowdlerize
probate rate cease controll roll rolled
fairly fairy fairies quickly suddenly youthfully cheerfully bristly burly curly
enhance enhanced transient transients transition
"""


def man_tokens():
    """Yield lowercased [a-z'] tokens from the English man pages."""
    files = sorted(glob.glob("/usr/share/man/man*/*.gz"))
    escape = re.compile(
        r"\\(?:f(?:\[[^\]]*\]|\(..|.)|s[+-]?\d+|\(..|\*(?:\(..|\[[^\]]*\]|.)|\[[^\]]*\]|[-&e|^,/ ~0c:%\"'`])"
    )
    token = re.compile(r"[a-z']+")
    for path in files:
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                text = f.read()
        except (OSError, EOFError):
            continue
        for line in text.splitlines():
            if line.startswith(".\\\"") or line.startswith("'\\\""):
                continue
            if line.startswith("."):
                parts = line.split(None, 1)
                line = parts[1] if len(parts) > 1 else ""
            line = escape.sub(" ", line).lower()
            for t in token.findall(line):
                t = t.lstrip("'")
                if t.endswith("'") and not t.endswith("s'"):
                    t = t.rstrip("'")
                if t and len(t) <= MAX_LEN and re.search("[a-z]", t):
                    yield t


def group_key(word, stem):
    k = 0
    while k < len(word) and k < len(stem) and word[k] == stem[k]:
        k += 1
    return (word[k:], stem[k:])


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_path = os.path.join(repo, "fixtures", "stemmer", "english.tsv")
    stemmer = snowballstemmer.stemmer("english")

    counts = collections.Counter(man_tokens())
    # Tokens seen at least twice: one-offs are mostly typos and identifiers.
    vocab = [w for w, c in counts.items() if c >= 2]
    vocab.sort(key=lambda w: (-counts[w], w))

    chosen = []
    seen = set()

    def take(w):
        if w not in seen:
            seen.add(w)
            chosen.append(w)

    for w in HAND.split():
        take(w)

    groups = collections.OrderedDict()
    for w in vocab:
        groups.setdefault(group_key(w, stemmer.stemWord(w)), []).append(w)
    for _, words in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        for w in words[:PER_GROUP]:
            if len(chosen) >= TOTAL:
                break
            take(w)
    for w in vocab:
        if len(chosen) >= TOTAL:
            break
        take(w)

    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="ascii", newline="\n") as f:
        for w in sorted(chosen):
            f.write(f"{w}\t{stemmer.stemWord(w)}\n")
    print(f"{len(chosen)} words -> {out_path} "
          f"({os.path.getsize(out_path)} bytes, snowballstemmer "
          f"{importlib.metadata.version('snowballstemmer')}, {len(counts)} distinct man-page tokens)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
