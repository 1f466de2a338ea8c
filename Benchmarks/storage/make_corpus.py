#!/usr/bin/env python3
"""Make a deterministic corpus of chat-message-like JSON documents.

    python3 make_corpus.py --out FILE.jsonl --count N [--seed 1]

Each output line is one compact JSON object:

    {"id":"msg-<16 hex>","conversation_id":"conv-<16 hex>","user_id":"user-<12 hex>",
     "role":"user"|"assistant"|"system","text":"...","ts":<unix seconds>}

The text is real English: windows of 20-60 consecutive words (40 on average)
taken from the prose of the manual pages Debian ships in /usr/share/man/man*/
(roff markup stripped, only paragraphs that read like prose kept, repeated
paragraphs dropped, at most --family-cap-words words from one family of pages
such as gcloud-* so that no single tool dominates). If too
little prose is found there, /usr/share/doc is read as well.

The pool of prose is built once (files read in a seeded order, up to
--pool-words words), then every document samples from it, so a given seed and
a given set of installed man pages always give the same file byte for byte.

Conversations (~N/20, 50,000 for 1M docs) each belong to one user (~N/500,
2,000 for 1M docs). Messages of a conversation are close together in time;
timestamps rise over one year (2024) with a little jitter. Within a
conversation the roles go [system,] user, assistant, user, assistant, ...

The byte size of the output is printed to stderr at the end.
"""

import argparse
import glob
import gzip
import json
import os
import re
import sys
import time
from array import array
import random

# ---------------------------------------------------------------------------
# roff -> plain text
# ---------------------------------------------------------------------------

# Named characters: \(xx and \[name]. Unknown names become "".
SPECIAL_CHARS = {
    "em": "\u2014", "en": "\u2013", "hy": "-", "mi": "-", "-": "-",
    "lq": "\"", "rq": "\"", "dq": "\"", "oq": "'", "cq": "'", "aq": "'",
    "bu": "\u2022", "co": "\u00a9", "rg": "\u00ae", "tm": "\u2122",
    "mu": "\u00d7", "di": "\u00f7", ">=": "\u2265", "<=": "\u2264",
    "+-": "\u00b1", "ga": "`", "ti": "~", "ha": "^", "rs": "\\", "sl": "/",
    "ul": "_", "ba": "|", "br": "|", "de": "\u00b0", "Fo": "\u00ab", "Fc": "\u00bb",
    "fo": "\u2039", "fc": "\u203a", "r!": "\u00a1", "r?": "\u00bf", "ss": "\u00df",
    "'e": "\u00e9", "'a": "\u00e1", "`e": "\u00e8", ":o": "\u00f6", ":u": "\u00fc",
    ":a": "\u00e4", "->": "\u2192", "<-": "\u2190", "ua": "\u2191", "da": "\u2193",
}
# \*(lq-style predefined strings.
STRINGS = {"lq": "\"", "rq": "\"", "R": "\u00ae", "Tm": "\u2122", "Aq": "'"}

ESCAPE_RE = re.compile(
    r"""\\(?:
        f(?:\[[^\]]*\]|\(..|.)            # font: \fB \f(CW \f[CR]
      | s(?:[-+]?\d+|\[[^\]]*\]|\([-+]?\d\d|'[^']*')   # point size
      | \((..)                            # \(xx special char        -> group 1
      | \[([^\]]*)\]                      # \[name] special char     -> group 2
      | \*(?:\((..)|\[([^\]]*)\]|(.))     # \*x strings              -> groups 3,4,5
      | n[-+]?(?:\(..|\[[^\]]*\]|.)       # number registers
      | [hvwlLbxXDoSRNHZAYVCMmk]'[^']*'   # \h'..' \w'..' and friends
      | [mMYVg](?:\[[^\]]*\]|\(..|.)      # colours etc.
      | (.)                               # single-character escape -> group 6
    )""",
    re.VERBOSE,
)

SINGLE_ESCAPES = {
    "-": "-", "e": "\\", "\\": "\\", " ": " ", "~": " ", "0": " ", "&": "",
    "|": "", "^": "", "%": "", ":": "", "/": "", ",": "", "c": "", ")": "",
    ".": ".", "'": "'", "`": "`", "t": " ", "p": "", "d": "", "u": "", "a": "",
    "E": "", "!": "", "?": "", "z": "", "{": "", "}": "", "r": "", "n": "",
}


def _escape_sub(m):
    g = m.group(1) or m.group(2)
    if g is not None:
        return SPECIAL_CHARS.get(g, "")
    s = m.group(3) or m.group(4) or m.group(5)
    if s is not None:
        return STRINGS.get(s, "")
    c = m.group(6)
    if c is not None:
        return SINGLE_ESCAPES.get(c, "")
    return ""  # fonts, sizes, registers, motions


# Font macros whose arguments are running text (man(7)).
FONT_MACROS_SPACED = {"B", "I", "SM", "SB"}
FONT_MACROS_JOINED = {"BR", "RB", "IR", "RI", "BI", "IB"}
# Macros that end a paragraph (man(7) and mdoc(7)).
BREAK_MACROS = {
    "PP", "P", "LP", "SH", "SS", "TP", "IP", "HP", "sp", "br", "TH", "RS", "RE",
    "Sh", "Ss", "Pp", "Bl", "El", "It", "Bd", "Ed", "Dd", "Dt", "Os", "TQ", "in",
    "ti", "bp", "Nd", "Nm", "SY", "YS", "UR", "UE", "MT", "ME",
}
NOFILL_START = {"nf", "EX", "TS", "EQ", "Bd", "PS", "de", "ig", "DS", "Vb"}
NOFILL_END = {"fi": "nf", "EE": "EX", "TE": "TS", "EN": "EQ", "Ed": "Bd",
              "PE": "PS", "..": "de", "DE": "DS", "Ve": "Vb"}

ARG_RE = re.compile(r'"((?:[^"]|"")*)"|(\S+)')
TRAIL_PUNCT = ".,;:!?)\"'"
LEAD_PUNCT = "(\"'"


def paragraphs_from_roff(text):
    """Yield paragraphs of running text (str) from a roff man page."""
    para = []
    nofill = None  # name of the macro that opened a no-fill block
    for raw in text.split("\n"):
        if not raw:
            if para:
                yield " ".join(para)
                para = []
            continue
        c0 = raw[0]
        if c0 == "." or c0 == "'":
            body = raw[1:].lstrip()
            name, _, args = body.partition(" ")
            name = name.strip()
            if nofill is not None:
                if NOFILL_END.get(name) == nofill or (nofill in ("de", "ig") and name == "."):
                    nofill = None
                continue
            if name in NOFILL_START:
                if name == "Bd" and "-filled" in args:
                    pass  # a filled display is ordinary text
                else:
                    if para:
                        yield " ".join(para)
                        para = []
                    nofill = name
                    continue
            if name in FONT_MACROS_SPACED or name in FONT_MACROS_JOINED:
                parts = [m.group(2) if m.group(2) is not None else m.group(1).replace('""', '"')
                         for m in ARG_RE.finditer(args)]
                line = (" " if name in FONT_MACROS_SPACED else "").join(parts)
                if "\\" in line:
                    line = ESCAPE_RE.sub(_escape_sub, line)
                if line.strip():
                    para.append(line.strip())
                continue
            if name in BREAK_MACROS and para:
                yield " ".join(para)
                para = []
            continue  # every other request/macro line is dropped
        if nofill is not None:
            continue
        line = raw
        if "\\" in line:
            ci = line.find('\\"')
            if ci >= 0:
                line = line[:ci]
            line = ESCAPE_RE.sub(_escape_sub, line)
        line = line.strip()
        if line:
            para.append(line)
        elif para:
            yield " ".join(para)
            para = []
    if para:
        yield " ".join(para)


def paragraphs_from_plain(text):
    """Yield paragraphs (blank-line separated) from a plain text file."""
    para = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            para.append(line)
        elif para:
            yield " ".join(para)
            para = []
    if para:
        yield " ".join(para)


def prose_words(paragraph):
    """Return the words of `paragraph` if it reads like English prose, else None."""
    words = paragraph.split()
    n = len(words)
    if n < 8:
        return None
    alpha = 0
    letters = 0
    chars = 0
    for w in words:
        chars += len(w)
        core = w.strip(TRAIL_PUNCT).lstrip(LEAD_PUNCT)
        if core.isalpha() and core.isascii():
            alpha += 1
            letters += len(core)
        elif core:
            # count letters of hyphenated words like "single-column" as prose
            if core.replace("-", "").replace("'", "").isalpha() and core.isascii():
                alpha += 1
                letters += len(core)
    if alpha < 0.8 * n or letters < 0.75 * chars:
        return None
    # at least one sentence-ish end or a lower-case connecting word
    if not any(w.lower() in ("the", "a", "is", "to", "of", "and") for w in words):
        return None
    return words


# ---------------------------------------------------------------------------
# pool
# ---------------------------------------------------------------------------

def _json_escape_word(w):
    if '"' in w or "\\" in w:
        return json.dumps(w, ensure_ascii=False)[1:-1]
    return w


class Pool:
    """Words of prose (already JSON-escaped) and the indices where sentences start."""

    def __init__(self):
        self.words = []
        self.starts = array("I")
        self.paragraphs = 0
        self.files = 0
        self._seen = set()  # paragraphs already taken (licence boilerplate repeats)

    def add(self, words):
        key = " ".join(words)
        if key in self._seen:
            return
        self._seen.add(key)
        base = len(self.words)
        starts = self.starts
        prev_end = True  # a paragraph begins a sentence
        for i, w in enumerate(words):
            if prev_end and w[:1].isupper():
                starts.append(base + i)
            prev_end = w[-1:] in ".!?" or w.endswith('."') or w.endswith(".)")
        self.words.extend(_json_escape_word(w) for w in words)
        self.paragraphs += 1


def read_text(path):
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read()
        else:
            with open(path, "rb") as f:
                data = f.read(4 << 20)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if b"\0" in data[:4096]:
        return None  # binary
    return data.decode("utf-8", errors="replace")


def page_family(path):
    """'gcloud' for gcloud-compute-instances-create.1.gz, 'git' for git-log.1.gz, ..."""
    return re.split(r"[-_.:]", os.path.basename(path), maxsplit=1)[0]


def fill_pool(pool, paths, target_words, roff, family_cap=None):
    family_words = {}
    for path in paths:
        if len(pool.words) >= target_words:
            return
        fam = None
        if family_cap is not None:
            fam = page_family(path)
            if family_words.get(fam, 0) >= family_cap:
                continue  # e.g. the 16,000 gcloud pages would otherwise be a quarter of the pool
        before = len(pool.words)
        text = read_text(path)
        if text is None:
            continue
        if roff and text.startswith(".so ") and text.count("\n") <= 2:
            continue  # a link to another page
        gen = paragraphs_from_roff(text) if roff else paragraphs_from_plain(text)
        got = False
        for para in gen:
            words = prose_words(para)
            if words is not None:
                pool.add(words)
                got = True
        if got:
            pool.files += 1
        if fam is not None:
            family_words[fam] = family_words.get(fam, 0) + len(pool.words) - before


def build_pool(rng, target_words, min_words, family_cap, log):
    t0 = time.perf_counter()
    pool = Pool()
    man = sorted(glob.glob("/usr/share/man/man*/**/*.gz", recursive=True))
    rng.shuffle(man)
    fill_pool(pool, man, target_words, roff=True, family_cap=family_cap)
    log(f"pool: {len(pool.words):,} words, {len(pool.starts):,} sentence starts "
        f"from {pool.files:,} of {len(man):,} man pages in {time.perf_counter() - t0:.1f}s")
    if len(pool.words) < min_words:
        docs = sorted(glob.glob("/usr/share/doc/**/*", recursive=True))
        docs = [p for p in docs if os.path.isfile(p)]
        rng.shuffle(docs)
        roffish = [p for p in docs if re.search(r"\.[1-9][a-z]*(\.gz)?$", p)]
        plain = [p for p in docs if p not in set(roffish)]
        fill_pool(pool, roffish, target_words, roff=True)
        fill_pool(pool, plain, target_words, roff=False)
        log(f"pool after /usr/share/doc: {len(pool.words):,} words from {pool.files:,} files")
    if len(pool.words) < min_words or len(pool.starts) == 0:
        sys.exit(f"make_corpus: only {len(pool.words)} words of prose found "
                 f"(need {min_words}); are man pages installed?")
    return pool


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------

def unique_hex_ids(rng, n, bits, prefix, taken=None):
    seen = set() if taken is None else taken
    fmt = "%s%0" + str(bits // 4) + "x"
    out = []
    while len(out) < n:
        v = rng.getrandbits(bits)
        if v in seen:
            continue
        seen.add(v)
        out.append(fmt % (prefix, v))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output .jsonl file")
    ap.add_argument("--count", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--conversations", type=int, default=None,
                    help="number of conversations (default count/20)")
    ap.add_argument("--users", type=int, default=None,
                    help="number of users (default count/500)")
    ap.add_argument("--pool-words", type=int, default=6_000_000,
                    help="stop reading man pages once the pool has this many words")
    ap.add_argument("--family-cap-words", type=int, default=200_000,
                    help="at most this many words from one family of man pages (gcloud-*, git-*, ...)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    def log(msg):
        if not args.quiet:
            print(f"make_corpus: {msg}", file=sys.stderr, flush=True)

    n = args.count
    if n < 1:
        sys.exit("make_corpus: --count must be >= 1")
    n_conv = args.conversations or max(1, round(n / 20))
    n_users = args.users or max(1, round(n / 500))
    n_users = min(n_users, n_conv)

    t_start = time.perf_counter()
    pool_rng = random.Random(f"pool:{args.seed}")
    pool = build_pool(pool_rng, args.pool_words, min_words=200_000,
                      family_cap=args.family_cap_words, log=log)
    words = pool.words
    starts = pool.starts
    n_words = len(words)
    n_starts = len(starts)

    rng = random.Random(args.seed)
    users = unique_hex_ids(rng, n_users, 48, "user-")
    convs = unique_hex_ids(rng, n_conv, 64, "conv-")
    # Skewed ownership: a few users own many conversations, every user owns one.
    conv_user = list(range(n_users)) + [int(n_users * rng.random() ** 1.7) for _ in range(n_conv - n_users)]
    rng.shuffle(conv_user)
    conv_owner = [users[u] for u in conv_user]
    conv_msgs = [0] * n_conv  # messages written so far per conversation

    t0 = 1704067200  # 2024-01-01T00:00:00Z
    span = 366 * 86400
    step = span / n
    mean_lag = max(1.0, n_conv / 250.0)  # conversations stay active ~1.5 days

    seen_ids = set()
    rand = rng.random
    getrandbits = rng.getrandbits
    randrange = rng.randrange
    expovariate = rng.expovariate
    lam = 1.0 / mean_lag

    tmp = args.out + ".tmp"
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    log(f"writing {n:,} documents, {n_conv:,} conversations, {n_users:,} users to {args.out}")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        buf = []
        for i in range(n):
            while True:
                mid = getrandbits(64)
                if mid not in seen_ids:
                    seen_ids.add(mid)
                    break
            # conversation: a recently started one (conversations start evenly over the year)
            c = int(i * n_conv / n) - int(expovariate(lam))
            if c < 0:
                c = randrange(0, min(n_conv, int(mean_lag) + 1))
            k = conv_msgs[c]
            conv_msgs[c] = k + 1
            if k == 0:
                role = "system" if rand() < 0.3 else "user"
                if role == "system":
                    conv_msgs[c] = 2  # next is a user turn
            else:
                role = "user" if k % 2 == 0 else "assistant"
            # text: 20..60 consecutive words (triangular, mean 40) from a sentence start
            nw = 20 + randrange(21) + randrange(21)
            s = starts[randrange(n_starts)]
            if s + nw > n_words:
                s = n_words - nw
            text = " ".join(words[s:s + nw])
            ts = t0 + int(i * step) + randrange(-90, 91)
            buf.append('{"id":"msg-%016x","conversation_id":"%s","user_id":"%s","role":"%s","text":"%s","ts":%d}\n'
                       % (mid, convs[c], conv_owner[c], role, text, ts))
            if len(buf) >= 20000:
                f.writelines(buf)
                buf.clear()
        f.writelines(buf)
    os.replace(tmp, args.out)
    size = os.path.getsize(args.out)
    used_convs = sum(1 for m in conv_msgs if m)
    log(f"done in {time.perf_counter() - t_start:.1f}s; {used_convs:,} conversations used")
    print(f"{args.out}: {n} documents, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
