#!/usr/bin/env python3
"""Makes the ingestion fixtures of the TroveChat tests. Python standard library only; the
outputs are committed, run this again only to change them:

    python3 scripts/make-chat-fixtures.py

Writes to Tests/TroveChatTests/Fixtures/ one small file per content type Trove reads, each
holding a distinctive sentence that tests (and later retrieval tests) search for:

  sample.txt        "The heron nests beside the quiet estuary."
  sample.md         "Copper kettles whistle louder in the mountain cabin."   (with emphasis
                    markers inside it, a heading, link, image, list, code fence, comment)
  sample.html       "The lighthouse keeper logs every passing freighter."     (title, script,
                    style, comment, entities, a table)
  sample.json       "Glacier moss thrives under the midnight sun."            (nested objects
                    and arrays, numbers, booleans)
  sample.csv        "Amber lanterns glow along the canal at dusk."            (quoted fields
                    with commas, doubled quotes and a line break)
  sample.docx       "The orchard ladder leans against the oldest pear tree."  (split over two
                    runs; a tab, a line break, tab stops, an &amp; entity; deflated; 4,000
                    spaces of padding make word/document.xml far bigger unpacked than the file)
  sample.pdf        "Saltwater crocodiles bask on the northern riverbank."    (PDF 1.4, one
                    page, Helvetica, exact xref offsets; pdftotext reads it)
  not-a-docx.zip    a ZIP archive without word/document.xml
  binary.bin        bytes with NULs and invalid UTF-8

When pdftotext is installed the script checks that it extracts the PDF's sentence.
"""
import os
import shutil
import subprocess
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "Tests", "TroveChatTests", "Fixtures")

SENTENCES = {
    "txt": "The heron nests beside the quiet estuary.",
    "md": "Copper kettles whistle louder in the mountain cabin.",
    "html": "The lighthouse keeper logs every passing freighter.",
    "json": "Glacier moss thrives under the midnight sun.",
    "csv": "Amber lanterns glow along the canal at dusk.",
    "docx": "The orchard ladder leans against the oldest pear tree.",
    "pdf": "Saltwater crocodiles bask on the northern riverbank.",
}

TXT = """Notes from the salt marsh

%s Every spring the tide
rises over the mudflats and the birds return to the reeds.

The boardwalk is closed after heavy rain; walkers should keep to the dyke
path instead. Café owners along the harbour open at seven.

Bring binoculars, water and a warm coat.
""" % SENTENCES["txt"]

MD = """# Field Notes

Copper kettles *whistle* louder in the **mountain cabin**.
See the [cabin guide](https://example.org/cabin) for directions.

<!-- draft comment: remove before publishing -->

![A copper kettle on the stove](images/kettle.png)

## Packing list

- wool socks
- a __spare__ lantern
* matches in a tin

```
brew --strength strong
```

> Snow_line_markers stay visible all winter.
"""

HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Harbour Log</title>
  <style>body { color: #333; } .hidden { display: none; }</style>
  <script>var secret = "SCRIPT_SHOULD_NOT_APPEAR"; if (1 < 2) { console.log(secret); }</script>
</head>
<body>
  <!-- a comment that should not appear -->
  <h1>Night Watch</h1>
  <p>The lighthouse keeper logs every passing
     freighter.</p>
  <p>Fish &amp; chips cost &pound;5 &mdash; cash only&#33; Caf&eacute; hours: 7&ndash;9 &#x263A;</p>
  <div>First line<br>Second line</div>
  <table>
    <tr><th>Ship</th><th>Flag</th></tr>
    <tr><td>Northern Star</td><td>Norway</td></tr>
  </table>
  <noscript>NOSCRIPT_SHOULD_NOT_APPEAR</noscript>
</body>
</html>
"""

JSON = """{
  "title": "Expedition notes",
  "entries": [
    {"place": "Svalbard", "note": "%s", "days": 12},
    {"place": "Tromsø", "note": "Reindeer cross the road at noon.", "days": 3.5}
  ],
  "verified": true,
  "leader": null,
  "tags": ["arctic", "summer"]
}
""" % SENTENCES["json"]

CSV = (
    'name,city,note\r\n'
    'Ada,Lyon,"%s"\r\n'
    'Bram,"Ghent, Belgium","Says ""hello"" twice\r\nthen leaves"\r\n'
    'Cleo,Oslo,Plain note\r\n'
) % SENTENCES["csv"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="%s">
  <w:body>
    <w:p>
      <w:pPr><w:pStyle w:val="Normal"/></w:pPr>
      <w:r><w:t xml:space="preserve">The orchard ladder leans </w:t></w:r>
      <w:r><w:rPr><w:b/></w:rPr><w:t>against the oldest pear tree.</w:t></w:r>
    </w:p>
    <w:p>
      <w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
      <w:r><w:t>Pears &amp; plums</w:t></w:r>
      <w:r><w:tab/><w:t>ripen in September.</w:t></w:r>
    </w:p>
    <w:p/>
    <w:p>
      <w:r><w:t>Pick them early</w:t><w:br/><w:t>and store them cool.</w:t></w:r>
    </w:p>
    <w:sectPr/>
%s
  </w:body>
</w:document>
""" % (W_NS, " " * 4000)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>
"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>
"""

# A fixed timestamp keeps the ZIP files byte-identical between runs.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_zip(name, members):
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members:
            info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return path


def pdf_bytes(lines):
    """A one-page PDF 1.4 with Helvetica text lines; xref offsets computed from the bytes."""
    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT\n/F1 14 Tf\n72 720 Td\n"
    for index, line in enumerate(lines):
        if index:
            content += "0 -24 Td\n"
        content += "(%s) Tj\n" % escape(line)
    content += "ET\n"
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("sample.txt", TXT)
    write("sample.md", MD)
    write("sample.html", HTML)
    write("sample.json", JSON)
    write("sample.csv", CSV)
    write_zip("sample.docx", [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", DOCUMENT_XML),
    ])
    write_zip("not-a-docx.zip", [
        ("notes.txt", "Just some notes in a plain archive.\n"),
        ("data/readme.md", "# Readme\n"),
    ])
    pdf = write("sample.pdf", pdf_bytes([SENTENCES["pdf"], "Tide tables are printed on the back page."]))
    write("binary.bin", bytes([0x00, 0xFF, 0xFE, 0x01, 0x80]) + bytes(range(256)) * 4)

    tool = shutil.which("pdftotext")
    if tool:
        text = subprocess.run([tool, "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True).stdout.decode()
        assert SENTENCES["pdf"] in " ".join(text.split()), text
        print("pdftotext reads sample.pdf:", text.strip().splitlines()[0])
    else:
        print("pdftotext not installed: sample.pdf not checked")
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
