#!/usr/bin/env python3
"""The corpus and queries of the full-text benchmark (issue 4), made from English text
that Debian ships: man pages (/usr/share/man/man*/, roff markup stripped) and package
documentation (/usr/share/doc/**: plain text, Markdown, reStructuredText, HTML, .gz or not).

    python3 make_corpus.py --out-dir .bench/text-data [--quick] [--seed 1]
                           [--passages N] [--queries Q] [--force]

prints the path of the set's meta.json on stdout (progress goes to stderr). Made once;
a later call with the same parameters reuses the files (meta.json records them).

<out-dir>/passages-v<V>.jsonl.gz     every candidate passage extracted from the system's
                                     files, deduplicated (shared by the full and quick sets)
<out-dir>/<set>/corpus.jsonl         {"id","text","title","ts"} one passage a line
<out-dir>/<set>/queries.jsonl        {"qid","text","relevant":[id]} known-item queries
<out-dir>/<set>/queries-time.jsonl   the same queries plus "from","to" (ts >= from, ts < to)
<out-dir>/<set>/meta.json            counts, bytes, sha256 of each file, source mix, params

Passages: a man page or document is cut into sections (roff .SH/.SS, Markdown and rST
headings, HTML <h1>-<h6>, underlined or ALL-CAPS headings in plain text); each section's
paragraphs are packed into passages of 60-150 words (a longer paragraph is split at sentence
ends). Synopses, tables, code (.EX/.Vb/.nf, fenced or indented blocks, <pre>) and
boilerplate sections (SEE ALSO, COPYRIGHT, ...) are dropped. A passage is kept only if it
reads as English prose: most tokens are words, enough English function words, almost no
non-ASCII letters. Exact duplicates (same lowercase alphanumeric token sequence) are kept
once. The title is "<page>(<section>) - <heading>" or "<package> <file> - <heading>".
gcloud's generated pages (google-cloud-cli) are capped at GCLOUD_SHARE of the corpus so one
package does not dominate.

Sampling (seeded): candidates are shuffled; the full set takes the first --passages (default
100,000), --quick the first 20,000, so quick is a subset of full. ids are "p000000".. in
corpus order; ts is uniform over two years from T0 = 1,700,000,000 (2023-11-14).

Known-item queries: a random passage (each used once), a random span of 6-10 consecutive
words of it, every word purely alphabetic ASCII (leading/trailing punctuation allowed in the
source, dropped in the query), at least half of them (and at least 3) content words (not
in the function-word list, in < 5% of passages). The span's lowercase alphanumeric token
sequence must occur in exactly one passage of the corpus (checked over every passage, at
token boundaries, with the simple alphanumeric tokenizer both engines use). Query text is
the span's words joined by single spaces, original case: no syntax characters.
Time-range queries: the same queries with a window ["from", "to") of 10-30% of the two
years that contains the relevant passage's ts.
"""

import argparse
import bisect
import gzip
import hashlib
import html
import html.parser
import json
import os
import random
import re
import string
import sys
import time
from collections import Counter

VERSION = 7          # bump when extraction or sampling changes: cached files are remade
T0 = 1_700_000_000
SPAN = 2 * 365 * 86400
MIN_WORDS, TARGET_WORDS, MAX_WORDS = 60, 80, 150
GCLOUD_SHARE = 0.20
FULL_PASSAGES, FULL_QUERIES = 100_000, 1_000
QUICK_PASSAGES, QUICK_QUERIES = 20_000, 200
MAN_ROOT = "/usr/share/man"
DOC_ROOT = "/usr/share/doc"

# English function words: the prose test and the "content word" test of query spans.
FUNCTION_WORDS = set("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each else few for
from further had has have having he her here hers herself him himself his how however i if
in into is it its itself just may me might more most must my myself no nor not now of off
on once only or other our ours ourselves out over own same shall she should so some such
than that the their theirs them themselves then there these they this those through thus
to too under until up upon very was we were what when where whether which while who whom
why will with within without would you your yours yourself yourselves one two use used
using see also via etc e g ie eg default defaults option options set value values file
files if
""".split())

TOKEN_RE = re.compile(r"[a-z0-9]+")


def log(msg):
    print(f"make_corpus: {msg}", file=sys.stderr, flush=True)


def tokens(text):
    """Lowercase alphanumeric runs: the simple tokenizer (Tantivy's SimpleTokenizer + lowercase)."""
    return TOKEN_RE.findall(text.lower())


# ---------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------

def read_text(path):
    """The file's text (gunzipped), or None if it is binary or not UTF-8/Latin-1 text."""
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                raw = f.read(8_000_000)
        else:
            with open(path, "rb") as f:
                raw = f.read(8_000_000)
    except (OSError, EOFError, gzip.BadGzipFile, ValueError):
        return None
    if b"\x00" in raw[:4096]:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("latin-1")
        except UnicodeDecodeError:
            return None


# ---------------------------------------------------------------------------
# roff (man(7) and mdoc(7)) to sections of paragraphs
# ---------------------------------------------------------------------------

SPECIAL = {
    "em": " - ", "en": "-", "aq": "'", "lq": '"', "rq": '"', "oq": "'", "cq": "'", "dq": '"',
    "bu": "*", "co": "(c)", "rg": "(R)", "tm": "(TM)", "hy": "-", "mi": "-", "pl": "+",
    "ga": "`", "ti": "~", "ha": "^", "bv": "|", "ba": "|", "sl": "/", "rs": "\\", "la": "<",
    "ra": ">", "<=": "<=", ">=": ">=", "->": "->", "<-": "<-", "mu": "x", "de": " degrees",
    "aa": "'", "fm": "'", "sd": '"', "Fo": '"', "Fc": '"', "fo": "'", "fc": "'", "at": "@",
    "sh": "#", "Do": "$", "lB": "[", "rB": "]", "lC": "{", "rC": "}", "eq": "=", "!=": "!=",
    "==": "==", "ap": "~", "or": "|", "en-dash": "-", "em-dash": " - ", "dg": "+", "sc": "S",
    "ps": "P", "ct": "c", "Po": "L", "Ye": "Y", "Eu": "EUR", "eu": "EUR",
}
STRINGS = {"Aq": "'", 'L"': '"', 'R"': '"', "C`": '"', "C'": '"', "lq": '"', "rq": '"',
           "C+": "C++", "--": "-", "PI": "pi", "Tm": "(TM)", "R": "(R)", "Ba": "|", "Ne": "!=",
           "Ge": ">=", "Le": "<=", "Gt": ">", "Lt": "<", "Pm": "+-", "Am": "&", "Lq": '"', "Rq": '"',
           "ua": "^", "aa": "'", "ga": "`", "q": '"'}
SINGLE = {"-": "-", "e": "\\", "E": "\\", "\\": "\\", "&": "", " ": " ", "~": " ", "0": " ",
          "|": "", "^": "", "c": "", "%": "", ":": "", "/": "", ",": "", ".": ".", "'": "'",
          "`": "`", "t": " ", "a": "", "d": "", "u": "", "r": "", "p": "", "{": "", "}": "",
          "!": "", "@": "", ")": "", "?": ""}
ESC_RE = re.compile(r"""\\(?:
      (?P<font>f(?:\[[^\]]*\]|\(..|.))
    | (?P<size>s[+-]?(?:\(\d\d|\[\d+\]|'\d+'|\d))
    | \*(?:\[(?P<strb>[^\]]*)\]|\((?P<str2>..)|(?P<str1>.))
    | (?P<num>n[+-]?(?:\[[^\]]*\]|\(..|.))
    | \((?P<sp2>..)
    | \[(?P<spb>[^\]]*)\]
    | (?P<arg>[hvwoxlLbDRSZX](?:'[^']*'|\[[^\]]*\]|.))
    | (?P<one>[gYkzmM$](?:\(..|\[[^\]]*\]|.))
    | (?P<single>.)
)""", re.X)


def _esc(m):
    g = m.groupdict()
    if g["font"] or g["size"] or g["num"] or g["arg"] or g["one"]:
        return ""
    for key in ("strb", "str2", "str1"):
        if g[key] is not None:
            return STRINGS.get(g[key], "")
    name = g["sp2"] or g["spb"]
    if name is not None:
        if name.startswith("u") and len(name) in (5, 6):
            try:
                return chr(int(name[1:], 16))
            except ValueError:
                return ""
        return SPECIAL.get(name, "")
    return SINGLE.get(g["single"], "")


def roff_text(s):
    """Roff escapes resolved to plain text."""
    if "\\" not in s:
        return s
    return ESC_RE.sub(_esc, s)


def strip_comment(line):
    """The line without a roff comment (\\" or \\#)."""
    i = 0
    while True:
        i = line.find("\\", i)
        if i < 0 or i + 1 >= len(line):
            return line
        nxt = line[i + 1]
        if nxt in "\"#":
            return line[:i]
        i += 2


def roff_args(rest):
    """Macro arguments: space-separated, "double quoted" ones may hold spaces ("" = a quote)."""
    args = []
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " \t":
            i += 1
        if i >= n:
            break
        if rest[i] == '"':
            i += 1
            buf = []
            while i < n:
                if rest[i] == '"':
                    if i + 1 < n and rest[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(rest[i])
                i += 1
            args.append("".join(buf))
        else:
            j = i
            while j < n and rest[j] not in " \t":
                j += 1
            args.append(rest[i:j])
            i = j
    return args


PARA_BREAK = {"PP", "LP", "P", "Pp", "Lp", "sp", "HP", "bp", "ne", "RS", "RE", "in", "ti",
              "Bl", "El", "TQ", "PD"}
SKIP_BLOCKS = {"EX": "EE", "Vb": "Ve", "TS": "TE", "EQ": "EN", "PS": "PE", "nf": "fi",
               "cS": "cE", "DS": "DE"}
FONT_JOIN = {"BR", "BI", "IB", "IR", "RB", "RI"}
FONT_SPACE = {"B", "I", "SM", "SB", "R"}
MDOC_CALLABLE = set("""Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cm Dc Do Dq Dv Dx
Ec Em En Eo Er Es Ev Fa Fc Fl Fn Fr Ft Fx Ic In Lb Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc
Pf Po Pq Qc Ql Qo Qq Sc So Sq St Sx Sy Tn Ux Va Vt Xc Xo Xr""".split())
MDOC_TEXT = {"Nd", "It", "D1", "Dl", "Em", "Sy", "Li", "Dq", "Qq", "Sq", "Pq", "Ql", "Ev", "Va",
             "Dv", "Er", "Fn", "Fa", "Ft", "Cm", "Pa", "Ar", "Fl", "Op", "Xr", "Nm", "Ic", "Tn",
             "Ad", "An", "Lk", "Mt", "Ms", "No", "Ns", "Aq", "Bq", "Brq", "Vt", "Sx", "Ux", "Bx",
             "At", "St", "Ox", "Nx", "Fx", "Dx", "Bsx", "Pf", "Qo", "Qc", "Do", "Dc", "So", "Sc",
             "Po", "Pc", "Oo", "Oc", "Xo", "Xc", "Ao", "Ac", "Bo", "Bc", "Eo", "Ec", "Ap", "In",
             "%A", "%T", "%B", "%J", "%N", "%V", "%D", "%I", "%P", "%Q", "%R", "%U", "%O", "Rs", "Re"}


MDOC_WORDS = {"Ux": "UNIX", "Bx": "BSD", "At": "AT&T UNIX", "Ox": "OpenBSD", "Nx": "NetBSD",
              "Fx": "FreeBSD", "Dx": "DragonFly", "Bsx": "BSD/OS"}


def mdoc_line(macro, args, name):
    """Text of an mdoc line: macro names dropped, Fl prefixed with '-', Xr as name(sec)."""
    out = []
    i = 0
    items = [macro] + args
    while i < len(items):
        a = items[i]
        if a == "Fl":
            nxt = items[i + 1] if i + 1 < len(items) else ""
            if nxt and nxt not in MDOC_CALLABLE:
                out.append("-" + nxt)
                i += 2
            else:
                out.append("-")
                i += 1
            continue
        if a == "Xr" and i + 2 < len(items) + 1:
            rest = items[i + 1:i + 3]
            if len(rest) == 2:
                out.append(f"{rest[0]}({rest[1]})")
                i += 3
                continue
        if a in MDOC_WORDS:
            out.append(MDOC_WORDS[a])
            i += 1
            continue
        if a == "Ns":
            out.append("\x01")
            i += 1
            continue
        if a == "Nm" and (i + 1 >= len(items) or items[i + 1] in MDOC_CALLABLE):
            out.append(name)
            i += 1
            continue
        if a in MDOC_CALLABLE or a in MDOC_TEXT:
            i += 1
            continue
        out.append(a)
        i += 1
    text = re.sub(r"\s*\x01\s*", "", " ".join(out))
    return re.sub(r"\s+([.,;:!?)\]])", r"\1", text)


def roff_sections(src, name):
    """[(heading, subheading, [paragraph, ...]), ...] of a man page's source."""
    sections = []
    heading, sub = "", ""
    paras, cur = [], []
    skip_until = None         # end macro of a dropped block (.EX/.EE, .TS/.TE, .de/..)
    brace_depth = 0
    pending_heading = None    # .SH with no arguments takes the next text line
    mdoc_skip_bd = False

    def flush_para():
        if cur:
            text = " ".join(cur).strip()
            if text:
                paras.append(text)
            cur.clear()

    def flush_section():
        flush_para()
        if paras:
            sections.append((heading, sub, list(paras)))
        paras.clear()

    for raw in src.splitlines():
        line = raw
        if brace_depth > 0:
            brace_depth += line.count("\\{") - line.count("\\}")
            continue
        if skip_until is not None:
            stripped = line.strip()
            if stripped.startswith((".", "'")):
                mac = stripped[1:].strip().split(" ", 1)[0] if len(stripped) > 1 else ""
                if (skip_until == ".." and stripped.startswith("..")) or mac == skip_until:
                    skip_until = None
            continue
        if line.startswith((".", "'")):
            body = strip_comment(line[1:]).strip()
            if not body:
                continue
            parts = body.split(None, 1)
            macro = parts[0]
            rest = parts[1] if len(parts) > 1 else ""
            if macro in ("de", "de1", "am", "am1", "ig"):
                skip_until = ".." if macro != "ig" or not rest.strip() else rest.split()[0]
                continue
            if macro in ("if", "ie", "el", "while"):
                brace_depth += rest.count("\\{") - rest.count("\\}")
                continue
            if macro in SKIP_BLOCKS:
                flush_para()
                skip_until = SKIP_BLOCKS[macro]
                continue
            if macro == "Bd":
                flush_para()
                if "-literal" in rest or "-unfilled" in rest:
                    skip_until = "Ed"
                continue
            if macro in ("SH", "Sh"):
                flush_section()
                args = roff_args(rest)
                heading = roff_text(" ".join(args)).strip() if args else ""
                sub = ""
                pending_heading = None if args else "SH"
                continue
            if macro in ("SS", "Ss"):
                flush_section()
                args = roff_args(rest)
                sub = roff_text(" ".join(args)).strip() if args else ""
                pending_heading = None if args else "SS"
                continue
            if macro in PARA_BREAK:
                flush_para()
                continue
            if macro == "TP":
                flush_para()
                continue
            if macro == "IP":
                flush_para()
                args = roff_args(rest)
                if args and args[0] and not re.fullmatch(r"\\\(bu|\\\[bu\]|[-*o\u2022]|\d+\.?", args[0]):
                    cur.append(roff_text(args[0]))
                continue
            if macro in FONT_JOIN:
                cur.append(roff_text("".join(roff_args(rest))))
                continue
            if macro in FONT_SPACE:
                if rest:
                    cur.append(roff_text(" ".join(roff_args(rest))))
                continue
            if macro in ("UE", "ME"):
                if rest:
                    cur[-1:] = [(cur[-1] if cur else "") + roff_text(rest.strip())]
                continue
            if macro == "It":
                flush_para()
                args = roff_args(rest)
                if args:
                    t = mdoc_line("It", args, name).strip()
                    if t:
                        cur.append(t)
                continue
            if macro in MDOC_TEXT or macro in MDOC_CALLABLE:
                if macro in ("D1", "Dl"):
                    continue
                cur.append(roff_text(mdoc_line(macro, roff_args(rest), name)))
                continue
            continue  # any other request or macro: layout only
        # a text line
        text = roff_text(strip_comment(line)).strip()
        if not text:
            if line.strip() == "":
                flush_para()
            continue
        if pending_heading:
            if pending_heading == "SH":
                heading = text
            else:
                sub = text
            pending_heading = None
            continue
        cur.append(text)
    flush_section()
    return sections


# ---------------------------------------------------------------------------
# Markdown, reStructuredText, HTML and plain text to sections of paragraphs
# ---------------------------------------------------------------------------

MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
MD_INLINE = re.compile(r"[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}")
HTML_TAG = re.compile(r"<[^>]{1,200}>")


def md_inline(s):
    s = MD_LINK.sub(r"\1", s)
    s = MD_REFLINK.sub(r"\1", s)
    s = s.replace("`", "")
    s = HTML_TAG.sub("", s)
    s = MD_INLINE.sub("", s)
    return html.unescape(s)


def markdown_sections(src):
    sections, paras, cur = [], [], []
    heading = ""
    in_fence = False
    prev_blank = True

    def flush_para():
        if cur:
            paras.append(" ".join(cur))
            cur.clear()

    def flush_section():
        flush_para()
        if paras:
            sections.append((heading, "", list(paras)))
        paras.clear()

    src = re.sub(r"<!--.*?-->", "", src, flags=re.S)  # HTML comments, also multi-line ones
    lines = src.splitlines()
    for i, line in enumerate(lines):
        s = line.rstrip()
        if s.lstrip().startswith(("```", "~~~")):
            flush_para()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not s.strip():
            flush_para()
            prev_blank = True
            continue
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", s)
        if m:
            flush_section()
            heading = md_inline(m.group(2)).strip()
            prev_blank = True
            continue
        if i + 1 < len(lines) and re.fullmatch(r"\s*(=+|-+)\s*", lines[i + 1]) and not cur and len(s.split()) <= 12:
            flush_section()
            heading = md_inline(s).strip()
            continue
        if re.fullmatch(r"\s*(=+|-+|\*+|_+)\s*", s):
            continue
        if (s.startswith("    ") or s.startswith("\t")) and prev_blank and not cur:
            continue  # indented code block
        if s.lstrip().startswith(("|", "<!--", "[//]:")) or re.match(r"^\s*\[[^\]]+\]:\s", s):
            flush_para()
            continue
        item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$", s)
        if item:
            flush_para()
            s = item.group(1)
        s = re.sub(r"^\s*>\s?", "", s)
        cur.append(md_inline(s.strip()))
        prev_blank = False
    flush_section()
    return sections


RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+.:_])\1{2,}\s*$")
RST_ROLE = re.compile(r":[\w:-]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
RST_LINK = re.compile(r"`([^`<]*?)\s*<[^>]*>`_{1,2}")


def rst_inline(s):
    s = RST_ROLE.sub(r"\1", s)
    s = RST_LINK.sub(r"\1", s)
    s = s.replace("``", "").replace("`", "").replace("**", "").replace("|", "")
    s = re.sub(r"(?<=\w)_\b", "", s)
    return s


def rst_sections(src):
    sections, paras, cur = [], [], []
    heading = ""
    lines = src.splitlines()
    skip_indent = None  # skip the indented body of a directive or a literal block

    def flush_para():
        if cur:
            paras.append(" ".join(cur))
            cur.clear()

    def flush_section():
        flush_para()
        if paras:
            sections.append((heading, "", list(paras)))
        paras.clear()

    i = 0
    while i < len(lines):
        s = lines[i].rstrip()
        i += 1
        if skip_indent is not None:
            if not s.strip() or len(s) - len(s.lstrip()) > skip_indent:
                continue
            skip_indent = None
        if not s.strip():
            flush_para()
            continue
        if RST_UNDERLINE.match(s):
            continue  # an overline, or a transition
        if i < len(lines) and RST_UNDERLINE.match(lines[i]) and not cur and len(s.split()) <= 12:
            flush_section()
            heading = rst_inline(s.strip())
            i += 1
            continue
        if s.lstrip().startswith(".. "):
            flush_para()
            skip_indent = len(s) - len(s.lstrip())
            continue
        if s.endswith("::"):
            s = s[:-1] if not s.endswith(" ::") else s[:-3]
            cur.append(rst_inline(s.strip()))
            flush_para()
            skip_indent = len(lines[i - 1]) - len(lines[i - 1].lstrip())
            continue
        item = re.match(r"^\s*(?:[-*+]|\d+[.)]|#\.)\s+(.*)$", s)
        if item:
            flush_para()
            s = item.group(1)
        cur.append(rst_inline(s.strip()))
    flush_section()
    return sections


class _HTMLText(html.parser.HTMLParser):
    """Sections of paragraphs of an HTML page; navigation, sidebars, scripts and <pre> dropped."""
    BLOCK = {"p", "li", "dd", "dt", "div", "br", "blockquote", "section", "article", "td", "th",
             "tr", "table", "ul", "ol", "dl", "hr", "header", "footer", "main", "aside", "figure"}
    SKIP = {"script", "style", "pre", "head", "title", "nav", "svg", "math", "noscript", "footer",
            "header", "aside", "form", "button", "select", "textarea"}
    SKIP_CLASS = re.compile(r"(^|[\s_-])(sphinxsidebar|related|footer|header|navigation|nav|navbar|"
                            r"breadcrumbs?|toc|highlight|sidebar|menu|mw-editsection|headerlink)($|[\s_-])")
    VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
            "track", "wbr", "param"}
    HEAD = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections, self.paras, self.cur = [], [], []
        self.heading, self.in_head, self.head_buf = "", False, []
        self.stack = []      # (tag, drops its content)
        self.skipping = 0    # open elements whose content is dropped

    def flush_para(self):
        text = " ".join("".join(self.cur).split())
        if text:
            self.paras.append(text)
        self.cur = []

    def flush_section(self):
        self.flush_para()
        if self.paras:
            self.sections.append((self.heading, "", list(self.paras)))
        self.paras = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag in ("br", "hr") and not self.skipping:
                self.flush_para()
            return
        a = dict(attrs)
        drop = tag in self.SKIP or a.get("role") == "navigation" or bool(
            self.SKIP_CLASS.search(a.get("class") or "") or self.SKIP_CLASS.search(a.get("id") or ""))
        self.stack.append((tag, drop))
        if drop:
            self.skipping += 1
        if self.skipping:
            return
        if tag in self.HEAD:
            self.flush_section()
            self.in_head, self.head_buf = True, []
        elif tag in self.BLOCK:
            self.flush_para()

    def handle_endtag(self, tag):
        if tag in self.VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            t, drop = self.stack.pop()
            if drop:
                self.skipping -= 1
            if t == tag:
                break
        if self.skipping:
            return
        if tag in self.HEAD and self.in_head:
            self.heading = " ".join("".join(self.head_buf).split()).rstrip("#\u00b6").strip()
            self.in_head = False
        elif tag in self.BLOCK:
            self.flush_para()

    def handle_data(self, data):
        if self.skipping:
            return
        (self.head_buf if self.in_head else self.cur).append(data)


def html_sections(src):
    p = _HTMLText()
    try:
        p.feed(src)
        p.close()
    except Exception:  # malformed HTML: keep what was parsed
        pass
    p.flush_section()
    return p.sections


def plain_sections(src):
    """Paragraphs split by blank lines; underlined, '#' or short ALL-CAPS lines are headings."""
    sections, paras, cur = [], [], []
    heading = ""
    lines = src.splitlines()

    def flush_para():
        if cur:
            paras.append(" ".join(cur))
            cur.clear()

    def flush_section():
        flush_para()
        if paras:
            sections.append((heading, "", list(paras)))
        paras.clear()

    i = 0
    while i < len(lines):
        s = lines[i].rstrip()
        i += 1
        st = s.strip()
        if not st:
            flush_para()
            continue
        if i < len(lines) and RST_UNDERLINE.match(lines[i].strip() or "x") and not cur and len(st.split()) <= 12:
            flush_section()
            heading = st.strip("#*= ")
            i += 1
            continue
        if RST_UNDERLINE.match(st):
            flush_para()
            continue
        if (re.match(r"^#{1,6}\s+\w", st) and len(st.split()) <= 12) or (
                not cur and st.isupper() and len(st.split()) <= 8 and not st.endswith(".")):
            flush_section()
            heading = st.strip("#*=: ")
            continue
        if st.startswith("-- ") and "<" in st:  # Debian changelog trailer line
            flush_para()
            continue
        m = re.match(r"^([\w.+-]+) \(([^)]+)\) [^;]*; urgency=", st)
        if m:  # Debian changelog entry header
            flush_section()
            heading = f"{m.group(1)} {m.group(2)}"
            continue
        item = re.match(r"^\s*(?:[-*+o]|\d+[.)])\s+(.*)$", s)
        if item:
            flush_para()
            st = item.group(1).strip()
        cur.append(st)
    flush_section()
    return sections


# ---------------------------------------------------------------------------
# passages
# ---------------------------------------------------------------------------

SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
WORDISH = re.compile(r"^[(\"'`]*[A-Za-z][A-Za-z'-]*[)\"'`.,;:!?]*$")


def pack(paragraphs):
    """Passages (lists of paragraph strings) of 60-150 words from a section's paragraphs."""
    units = []
    for p in paragraphs:
        w = p.split()
        if not w:
            continue
        if len(w) <= MAX_WORDS:
            units.append(w)
            continue
        piece = []
        for sent in SENT_RE.split(p):
            sw = sent.split()
            while len(sw) > MAX_WORDS:  # a run-on "sentence": hard split
                if piece:
                    units.append(piece)
                    piece = []
                units.append(sw[:TARGET_WORDS])
                sw = sw[TARGET_WORDS:]
            if piece and len(piece) + len(sw) > MAX_WORDS:
                units.append(piece)
                piece = []
            piece = piece + sw
            if len(piece) >= TARGET_WORDS:
                units.append(piece)
                piece = []
        if piece:
            units.append(piece)
    out, buf, nbuf = [], [], 0
    for u in units:
        if buf and nbuf + len(u) > MAX_WORDS:
            if nbuf >= MIN_WORDS:
                out.append(buf)
            buf, nbuf = [], 0
        buf.append(" ".join(u))
        nbuf += len(u)
        if nbuf >= TARGET_WORDS:
            out.append(buf)
            buf, nbuf = [], 0
    if buf and nbuf >= MIN_WORDS:
        out.append(buf)
    return ["\n".join(b) for b in out]


def is_prose(text):
    words = text.split()
    n = len(words)
    if not MIN_WORDS <= n <= MAX_WORDS:
        return False
    if sum(1 for w in words if WORDISH.match(w)) < 0.70 * n:
        return False
    toks = tokens(text)
    if not toks or sum(1 for t in toks if t in FUNCTION_WORDS) < 0.22 * len(toks):
        return False
    letters = sum(1 for c in text if c.isalpha())
    non_ascii = sum(1 for c in text if c.isalpha() and not c.isascii())
    if letters == 0 or non_ascii > 0.01 * letters:
        return False
    if text.count("http") > 3 or text.count("@") > 3:
        return False
    return True


MAN_SKIP_SECTIONS = {"SYNOPSIS", "SEE ALSO", "COPYRIGHT", "AUTHOR", "AUTHORS", "REPORTING BUGS",
                     "NAME", "GCLOUD WIDE FLAGS", "NOTES", "COLOPHON", "LICENSE", "COPYRIGHT AND LICENSE",
                     "SYNTAX", "FILES", "INDEX", "TRADEMARKS", "AVAILABILITY"}
DOC_EXTS = {"", ".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".text"}
DOC_NAMES = re.compile(r"^(README|NEWS|CHANGES|ChangeLog|changelog|HISTORY|TODO|AUTHORS|THANKS|FAQ|"
                       r"BUGS|HACKING|CONTRIBUTING|INSTALL|USAGE|MIGRATION|RELEASE|Release|RelNotes)", re.I)


SKIP_DIRS = {"_sources", "_static", "_downloads", "_images", "assets", "examples", "test", "tests"}


def man_files():
    out = []
    for sec in sorted(os.listdir(MAN_ROOT)):
        if not re.fullmatch(r"man[1-9n]", sec):
            continue
        d = os.path.join(MAN_ROOT, sec)
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            out.append(p)
    return out


def doc_files():
    out = []
    for dirpath, dirnames, filenames in os.walk(DOC_ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        names = set(filenames)
        for f in sorted(filenames):
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            base = f[:-3] if f.endswith(".gz") else f
            stem, ext = os.path.splitext(base)
            if base in ("copyright",) or base.startswith("copyright"):
                continue
            if ext.lower() not in DOC_EXTS and not DOC_NAMES.match(base):
                continue
            if ext.lower() in (".html", ".htm") and (stem + ".md" in names or stem + ".md.gz" in names
                                                     or stem == "all"):
                continue
            out.append(p)
    return out


def passages_of_file(path):
    """[(title, text, group), ...] of one man page or documentation file."""
    src = read_text(path)
    if not src:
        return []
    out = []
    if path.startswith(MAN_ROOT):
        f = os.path.basename(path)[:-3] if path.endswith(".gz") else os.path.basename(path)
        m = re.match(r"^(.*)\.([0-9n][\w]*)$", f)
        name, sec = (m.group(1), m.group(2)) if m else (f, "")
        if src.lstrip().startswith(".so ") and len(src) < 300:
            return []
        group = "man:gcloud" if name.startswith("gcloud") else "man"
        for heading, sub, paras in roff_sections(src, name):
            if heading.upper().strip() in MAN_SKIP_SECTIONS:
                continue
            title = f"{name}({sec}) - {heading}" + (f" / {sub}" if sub else "")
            for text in pack(paras):
                out.append((title, text, group))
        return out
    rel = os.path.relpath(path, DOC_ROOT)
    package = rel.split(os.sep, 1)[0]
    fname = rel.split(os.sep, 1)[1] if os.sep in rel else rel
    fname = fname[:-3] if fname.endswith(".gz") else fname
    ext = os.path.splitext(fname)[1].lower()
    if ext in (".md", ".markdown"):
        sections = markdown_sections(src)
    elif ext == ".rst":
        sections = rst_sections(src)
    elif ext in (".html", ".htm"):
        sections = html_sections(src)
    else:
        sections = plain_sections(src)
    for heading, _sub, paras in sections:
        heading = " ".join(heading.split())[:120]
        title = f"{package} {fname}" + (f" - {heading}" if heading else "")
        for text in pack(paras):
            out.append((title, text, "doc"))
    return out


def extract_candidates(cache):
    """Every prose passage on the system, deduplicated, in file order; cached as .jsonl.gz."""
    if os.path.exists(cache):
        with gzip.open(cache, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        log(f"reusing {len(rows):,} candidate passages from {cache}")
        return rows
    t0 = time.time()
    files = man_files() + doc_files()
    log(f"extracting passages from {len(files):,} files under {MAN_ROOT}/man* and {DOC_ROOT}")
    seen = set()
    rows = []
    dropped = Counter()
    for i, path in enumerate(files):
        if i and i % 5000 == 0:
            log(f"  {i:,}/{len(files):,} files, {len(rows):,} passages ({time.time() - t0:.0f} s)")
        try:
            cands = passages_of_file(path)
        except RecursionError:
            continue
        for title, text, group in cands:
            text = " ".join(text.split(" "))
            text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
            if not is_prose(text):
                dropped["not prose"] += 1
                continue
            key = hashlib.sha1(" ".join(tokens(text)).encode()).digest()
            if key in seen:
                dropped["duplicate"] += 1
                continue
            seen.add(key)
            rows.append({"title": title, "text": text, "group": group, "source": path})
    log(f"{len(rows):,} candidate passages ({dict(dropped)} dropped) in {time.time() - t0:.0f} s")
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with gzip.open(cache + ".tmp", "wt", encoding="utf-8", compresslevel=3) as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(cache + ".tmp", cache)
    return rows


# ---------------------------------------------------------------------------
# sampling, queries, output
# ---------------------------------------------------------------------------

def sample(cands, n, seed):
    """The first n of a seeded shuffle, gcloud pages capped at GCLOUD_SHARE of n."""
    rng = random.Random(f"trove-text-corpus-{seed}")
    order = list(range(len(cands)))
    rng.shuffle(order)
    cap = int(GCLOUD_SHARE * FULL_PASSAGES)  # the same cap for quick, so quick is a subset of full
    picked, gcloud = [], 0
    for i in order:
        if cands[i]["group"] == "man:gcloud":
            if gcloud >= cap:
                continue
            gcloud += 1
        picked.append(i)
        if len(picked) == n:
            break
    if len(picked) < n:
        raise SystemExit(f"make_corpus: only {len(picked):,} usable passages on this system, {n:,} wanted; "
                         f"install more documentation (e.g. apt-get install manpages-dev manpages-posix) "
                         f"or pass --passages {len(picked)}")
    return [cands[i] for i in picked]


def make_queries(corpus, nq, seed):
    """Known-item queries: unique spans of distinct passages, as described in the module doc."""
    rng = random.Random(f"trove-text-queries-{seed}")
    toks = [" " + " ".join(tokens(d["text"])) + " " for d in corpus]
    df = Counter()
    for t in toks:
        df.update(set(t.split()))
    n = len(corpus)
    common = {w for w, c in df.items() if c >= 0.05 * n}
    postings = {}
    for i, t in enumerate(toks):
        for w in set(t.split()):
            if df[w] <= 2000:
                postings.setdefault(w, []).append(i)
    stats = Counter()
    queries = []
    order = list(range(n))
    rng.shuffle(order)
    for pi in order:
        if len(queries) == nq:
            break
        raw = corpus[pi]["text"].split()
        cores = [w.strip(string.punctuation) for w in raw]
        ok = [bool(c) and c.isascii() and c.isalpha() for c in cores]
        found = None
        length = rng.randint(6, 10)
        for _attempt in range(40):
            if len(raw) < length:
                break
            start = rng.randrange(0, len(raw) - length + 1)
            if not all(ok[start:start + length]):
                stats["span has a non-word"] += 1
                continue
            words = cores[start:start + length]
            low = [w.lower() for w in words]
            content = [w for w in low if w not in FUNCTION_WORDS and w not in common and len(w) >= 3]
            if len(content) < max(3, (length + 1) // 2):
                stats["too few content words"] += 1
                continue
            needle = " " + " ".join(low) + " "
            rare = min(low, key=lambda w: df[w])
            cand = postings.get(rare)
            if cand is None:  # every word is frequent: scan everything
                cand = range(n)
            hits = [j for j in cand if needle in toks[j]]
            if hits != [pi]:
                stats["span not unique" if len(hits) > 1 else "span not found"] += 1
                continue
            found = words
            break
        if found is None:
            stats["passage skipped"] += 1
            continue
        queries.append({"qid": f"q{len(queries) + 1:05d}", "text": " ".join(found),
                        "relevant": [corpus[pi]["id"]], "_ts": corpus[pi]["ts"]})
    if len(queries) < nq:
        raise SystemExit(f"make_corpus: found only {len(queries)} unique spans, {nq} wanted")
    # time windows: 10-30% of the span, containing the relevant passage's ts
    timed = []
    for q in queries:
        ts = q["_ts"]
        w = int(SPAN * rng.uniform(0.10, 0.30))
        lo = max(T0, ts - w + 1)
        hi = min(ts, T0 + SPAN - w)
        frm = rng.randint(lo, hi)
        timed.append({"qid": "t" + q["qid"][1:], "text": q["text"], "relevant": q["relevant"],
                      "from": frm, "to": frm + w})
    for q in queries:
        del q["_ts"]
    return queries, timed, stats


def verify_queries(corpus, queries, timed):
    """Independent check: each query's token span occurs in exactly its relevant passage (full scan)."""
    ts = {d["id"]: d["ts"] for d in corpus}
    big = "\n".join(" " + " ".join(tokens(d["text"])) + " " for d in corpus)
    starts = []
    pos = 0
    for d in corpus:
        starts.append(pos)
        pos += len(" ".join(tokens(d["text"]))) + 3
    for q in queries:
        needle = " " + " ".join(tokens(q["text"])) + " "
        where = set()
        i = big.find(needle)
        while i >= 0:
            where.add(corpus[bisect.bisect_right(starts, i) - 1]["id"])
            if len(where) > 1:
                break
            i = big.find(needle, i + 1)
        if where != set(q["relevant"]):
            raise SystemExit(f"make_corpus: check failed: {q['qid']} {q['text']!r} occurs in {sorted(where)}")
    for q in timed:
        t = ts[q["relevant"][0]]
        if not q["from"] <= t < q["to"]:
            raise SystemExit(f"make_corpus: check failed: {q['qid']} window does not contain ts {t}")


DOC_PACKAGES = ("manpages", "manpages-dev", "perl-doc", "python3-doc", "python3.11-doc", "google-cloud-cli")


def debian_packages():
    """Versions of the packages whose text dominates the corpus, and how many are installed."""
    import subprocess
    out = {}
    try:
        res = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Version}\t${db:Status-Abbrev}\n"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    installed = 0
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].startswith("ii"):
            installed += 1
            if parts[0] in DOC_PACKAGES:
                out[parts[0]] = parts[1]
    out["installed_packages"] = installed
    return out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_jsonl(path, rows):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--passages", type=int)
    ap.add_argument("--queries", type=int)
    ap.add_argument("--force", action="store_true", help="remake the set even if it exists")
    args = ap.parse_args()

    n = args.passages or (QUICK_PASSAGES if args.quick else FULL_PASSAGES)
    nq = args.queries or (QUICK_QUERIES if args.quick else FULL_QUERIES)
    name = "quick" if args.quick else "full"
    if args.passages or args.queries or args.seed != 1:
        name += f"-{n}-{nq}-s{args.seed}"
    out = os.path.join(args.out_dir, name)
    meta_path = os.path.join(out, "meta.json")
    params = {"version": VERSION, "passages": n, "queries": nq, "seed": args.seed}
    if not args.force and os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                meta = json.load(f)
            if meta.get("params") == params and all(
                    os.path.exists(meta["files"][k]["path"]) and os.path.getsize(meta["files"][k]["path"])
                    == meta["files"][k]["bytes"] for k in ("corpus", "queries", "queries_time")):
                log(f"reusing {out} ({meta['passages']:,} passages, {meta['queries']:,} queries)")
                print(meta_path)
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass

    t0 = time.time()
    cands = extract_candidates(os.path.join(args.out_dir, f"passages-v{VERSION}.jsonl.gz"))
    picked = sample(cands, n, args.seed)
    rng = random.Random(f"trove-text-ts-{args.seed}")
    corpus = []
    for i, c in enumerate(picked):
        corpus.append({"id": f"p{i:06d}", "text": c["text"], "title": c["title"], "ts": T0 + rng.randrange(SPAN)})
    log(f"corpus: {len(corpus):,} passages; making {nq:,} known-item queries")
    queries, timed, qstats = make_queries(corpus, nq, args.seed)
    verify_queries(corpus, queries, timed)
    log(f"queries checked: every span occurs in exactly its relevant passage ({dict(qstats)})")

    os.makedirs(out, exist_ok=True)
    paths = {"corpus": os.path.join(out, "corpus.jsonl"), "queries": os.path.join(out, "queries.jsonl"),
             "queries_time": os.path.join(out, "queries-time.jsonl")}
    write_jsonl(paths["corpus"], corpus)
    write_jsonl(paths["queries"], queries)
    write_jsonl(paths["queries_time"], timed)

    words = [len(d["text"].split()) for d in corpus]
    words.sort()
    groups = Counter(c["group"] for c in picked)
    widths = [(q["to"] - q["from"]) / SPAN for q in timed]
    meta = {
        "set": name, "params": params, "passages": len(corpus), "queries": len(queries),
        "text_bytes": sum(len(d["text"].encode()) for d in corpus),
        "title_bytes": sum(len(d["title"].encode()) for d in corpus),
        "words": {"total": sum(words), "min": words[0], "median": words[len(words) // 2], "max": words[-1],
                  "mean": round(sum(words) / len(words), 1)},
        "sources": {"candidates": len(cands), "man_pages": groups.get("man", 0),
                    "gcloud_man_pages": groups.get("man:gcloud", 0), "docs": groups.get("doc", 0),
                    "distinct_files": len({c["source"] for c in picked})},
        "ts": {"from": T0, "to": T0 + SPAN},
        "query_words": dict(sorted(Counter(len(q["text"].split()) for q in queries).items())),
        "time_window_fraction": {"min": round(min(widths), 3), "max": round(max(widths), 3),
                                 "mean": round(sum(widths) / len(widths), 3)},
        "debian_packages": debian_packages(),
        "files": {k: {"path": os.path.abspath(p), "bytes": os.path.getsize(p), "sha256": sha256(p)}
                  for k, p in paths.items()},
        "seconds": round(time.time() - t0, 1),
    }
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=2)
    os.replace(meta_path + ".tmp", meta_path)
    log(f"wrote {out}: {len(corpus):,} passages ({meta['text_bytes'] / 1e6:.1f} MB of text), "
        f"{len(queries):,} queries, in {meta['seconds']} s")
    print(meta_path)


if __name__ == "__main__":
    main()
