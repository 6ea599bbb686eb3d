"""Helpers shared by the parser tests: sample paths and hand-built .docx/.pdf files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

SAMPLES = Path(__file__).parent


def samples_module():
    """The sample builder (samples/make_samples.py): encoders and PDF writers."""
    from . import make_samples

    return make_samples


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text: str, num: tuple[int, int] | None = None, footnote: int | None = None) -> str:
    num_pr = (
        f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>'
        if num
        else ""
    )
    note = f'<w:r><w:footnoteReference w:id="{footnote}"/></w:r>' if footnote else ""
    return f'<w:p>{num_pr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{note}</w:p>'


def raw_docx(
    paragraphs: list[str], footnotes: dict[int, str] | None = None, numbering: str | None = None
) -> bytes:
    """A minimal .docx written by hand (what Word writes, reduced to the parts the reader reads)."""
    body = "".join(paragraphs)
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        if footnotes:
            notes = "".join(
                f'<w:footnote w:id="{i}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
                for i, text in footnotes.items()
            )
            archive.writestr(
                "word/footnotes.xml",
                f'<w:footnotes {W}><w:footnote w:id="-1"><w:p/></w:footnote>'
                f'<w:footnote w:id="0"><w:p/></w:footnote>{notes}</w:footnotes>',
            )
        if numbering:
            archive.writestr("word/numbering.xml", numbering)
    return buffer.getvalue()


NUMBERING = (
    f'<w:numbering {W}><w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
    '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
)


def paragraph(text: str, num: tuple[int, int] | None = None, footnote: int | None = None) -> str:
    return _p(text, num, footnote)
