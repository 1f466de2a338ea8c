"""Semantic queries of the retrieval benchmark: a document's own heading as the query, every
passage of that document relevant (used by make_sets.py; see its docstring for the rules).

Why a module of its own: the headings come from the source files, not from the passages
(make_corpus.py skips a man page's NAME section and keeps only the headings of prose
sections), so they need their own reading: the NAME line of roff and mdoc pages, and the
section headings of Markdown, reST, HTML and plain-text files through make_corpus.py's
section parsers. The filters keep headings that describe something (not "Installation",
not a version, not code) so the set measures matching by meaning, not by rare tokens.
"""

import os
import random
import re
from collections import Counter, defaultdict

import make_corpus as mc  # on sys.path: make_sets.py puts Benchmarks/text there

GENERIC = set("""
introduction intro overview installation install installing usage license licence licensing
contents content changes changelog change news description summary requirements examples
example notes note credits authors author contributing contributors features feature history
bugs bug todo faq documentation docs index getting started quick quickstart start release
releases building build configuration config dependencies table known issues issue see thanks
acknowledgements acknowledgments copyright version versions new fixes fixed improvements
deprecations deprecated removals removed reference api misc miscellaneous other general
details detail information info section chapter part appendix upgrading upgrade support
""".split())
CODEISH = re.compile(r"\w\(|[\[\]{}<>=$@`]|::|->|https?:|\w/\w+/|[a-z]\.[a-z]+[A-Z]|\b[A-Z]{2,}\d{3,}")
NAME_DASH = re.compile(r"\s[-\u2013\u2014]{1,2}\s")


def doc_key(source):
    """The corpus's "doc" field: the source file relative to /usr/share."""
    return os.path.relpath(source, "/usr/share") if source.startswith("/usr/share/") else source


def man_description(path):
    """The description of a man page's NAME line ("ls - list directory contents" -> the part
    after the dash; only the first entry of a page that names several), from .Nd in mdoc
    pages; None if there is none."""
    src = mc.read_text(path)
    if not src:
        return None
    m = re.search(r"^\.Nd[ \t]+(.+)$", src, re.M)
    if m:
        return mc.roff_text(" ".join(mc.roff_args(mc.strip_comment(m.group(1))))).strip()
    head, desc, state = [], [], 0     # state 0: before NAME, 1: name part, 2: description
    for line in src.splitlines():
        if line.startswith((".", "'")):
            body = mc.strip_comment(line[1:]).strip()
            if not body:
                continue
            macro, _, rest = body.partition(" ")
            if macro in ("SH", "Sh"):
                if state:
                    break
                state = 1 if " ".join(mc.roff_args(rest)).strip().upper() == "NAME" else 0
                continue
            if not state:
                continue
            if macro in mc.FONT_JOIN:
                text = mc.roff_text("".join(mc.roff_args(rest)))
            elif macro in mc.FONT_SPACE:
                text = mc.roff_text(" ".join(mc.roff_args(rest)))
            elif state == 2:
                break                      # any other request ends the NAME line
            else:
                continue
        elif state:
            text = mc.roff_text(mc.strip_comment(line))
        else:
            continue
        if state == 1:
            head.append(text)
            joined = " ".join(" ".join(head).split()) + " "
            m = NAME_DASH.search(joined)
            if m:
                desc, state = [joined[m.end():]], 2
        elif NAME_DASH.search(f" {text} "):
            break                          # the next "name - description" entry
        else:
            desc.append(text)
    text = " ".join(" ".join(desc).split())
    return text or None


def heading_query(heading, man):
    """The query a heading makes, or None if it is too short, generic, code or versioned.
    A man page's NAME description needs >= 2 words, one not a function word; a document
    heading >= 3 words, >= 2 of them not generic, no version number or year, nothing that looks like code."""
    heading = re.sub(r"-\*-.*?-\*-", "", heading or "")     # an Emacs mode line
    heading = " ".join(heading.split()).strip(" .:;#*=")
    if len(heading.split()) < (2 if man else 3) or re.search(r"\d+\.\d+", heading):
        return None
    if man and re.match(r"manual page for\b", heading, re.I):
        return None                        # help2man's placeholder
    if not man and (CODEISH.search(heading) or re.search(r"\b(19|20)\d\d\b", heading)):
        return None
    m = NAME_DASH.search(heading)
    if m and " " not in heading[:m.start()].strip():  # "os.path - Common pathname manipulations"
        heading = heading[m.end():].strip(" .")
    content = [t for t in mc.tokens(heading) if t.isalpha() and t not in mc.FUNCTION_WORDS
               and (man or t not in GENERIC)]
    if len(heading.split()) < 2 or len(content) < (1 if man else 2) or len(heading.split()) > 25:
        return None
    return heading


SECTIONERS = {".md": mc.markdown_sections, ".markdown": mc.markdown_sections, ".rst": mc.rst_sections,
              ".html": mc.html_sections, ".htm": mc.html_sections}
CHANGELOG = re.compile(r"(^|/)(changelog|news|changes|history|relnotes)", re.I)


def doc_headings(path):
    """The section headings of a documentation file, in order (make_corpus's section parsers)."""
    src = mc.read_text(path)
    if not src or CHANGELOG.search(os.path.relpath(path, mc.DOC_ROOT)):
        return []                          # a change log's headings name one entry, not the file
    base = path[:-3] if path.endswith(".gz") else path
    parser = SECTIONERS.get(os.path.splitext(base)[1].lower())
    heads = [re.sub(r"^(\d+\.)+\d*\s+", "", h) for h, _sub, _paras in (parser or mc.plain_sections)(src) if h]
    if parser is None:  # plain text: any underlined line counts, so keep the ones that read as titles
        heads = [h for h in heads if len(h.split()) <= 10
                 and 2 * sum(w[:1].isupper() for w in h.split()) >= len(h.split())]
    return heads


def semantic_queries(corpus, picked, nq, seed, stats):
    rng = random.Random(f"trove-retrieval-semantic-{seed}")
    by_doc, group_of = defaultdict(list), {}
    for d, c in zip(corpus, picked):
        by_doc[c["source"]].append(d["id"])
        group_of[c["source"]] = c["group"]
    text_of = {}
    for src in sorted(by_doc):
        if group_of[src].startswith("man"):
            desc = man_description(src)
            q = heading_query(desc, True) if desc else None
        else:
            q = next((h for h in (heading_query(x, False) for x in doc_headings(src)) if h), None)
        if q:
            text_of[src] = q
        else:
            stats[f"semantic: no usable heading ({group_of[src].split(':')[0]})"] += 1
    shared = Counter(t.lower() for t in text_of.values())
    titles = {d["title"].lower() for d in corpus}
    docs = sorted(text_of)
    rng.shuffle(docs)
    cap = int(mc.GCLOUD_SHARE * nq)
    out, gcloud = [], 0
    for src in docs:
        if len(out) == nq:
            break
        low = text_of[src].lower()
        if shared[low] > 1 or low in titles:
            stats["semantic: text shared by documents or equal to a title"] += 1
            continue
        if group_of[src] == "man:gcloud":
            if gcloud >= cap:
                continue
            gcloud += 1
        out.append({"qid": f"s{len(out) + 1:05d}", "text": text_of[src], "relevant": by_doc[src],
                    "doc": doc_key(src)})
    return out
