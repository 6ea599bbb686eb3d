"""Numeric targets: "ít nhất 35% … là phụ nữ", "không vượt quá 109 bé trai/100 bé gái".

A target is a percentage (or a ratio per 100) in a clause that says what is to
be reached: a cue word before the number ("ít nhất", "tối thiểu", "trên",
"đạt", "phấn đấu", "không dưới", "giảm", "tăng" …) or a target word in the
sentence ("chỉ tiêu", "mục tiêu", "phấn đấu"). The text is the clause from the
cue to the next ";" or full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Target", "extract_targets"]

_NUMBER = r"(?P<value>\d{1,3}(?:[.,]\d{1,2})?)"
_TARGET_RE = re.compile(
    rf"(?<![\w.,]){_NUMBER}\s?"
    r"(?P<unit>%|phần trăm|(?:bé|trẻ(?: em)?) trai\s*/\s*100\s*(?:bé|trẻ(?: em)?) gái)",
    re.IGNORECASE,
)
_CUE_RE = re.compile(
    r"(?<!\w)(?:ít nhất|tối thiểu|trên|đạt(?: từ)?|phấn đấu|không dưới|không thấp hơn|không vượt quá|"
    r"dưới|giảm(?: còn| xuống)?|tăng(?: lên)?|khoảng|duy trì|ở mức|còn|lên|từ|đến)"
    r"(?!\w)",
    re.IGNORECASE,
)
_SENTENCE_WORD_RE = re.compile(r"(?<!\w)(?:chỉ tiêu|mục tiêu|phấn đấu|bảo đảm|đảm bảo)(?!\w)", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r"[;.](?=\s|$)|\n")
_CLAUSE_START_RE = re.compile(r"[;:.](?=\s)|\n|,(?=\s)")


@dataclass
class Target:
    text: str
    value: float
    unit: str
    start: int
    end: int

    def to_dict(self) -> dict:
        value: float | int = int(self.value) if self.value == int(self.value) else self.value
        return {"text": self.text, "value": value, "unit": self.unit, "span": [self.start, self.end]}


def extract_targets(text: str, start: int, end: int) -> list[Target]:
    targets: list[Target] = []
    for match in _TARGET_RE.finditer(text, start, end):
        before_start = max(start, match.start() - 60)
        before = text[before_start : match.start()]
        clause_start = before_start
        for sep in _CLAUSE_START_RE.finditer(before):
            clause_start = before_start + sep.end()
        cues = [c for c in _CUE_RE.finditer(before) if before_start + c.start() >= clause_start]
        sentence_from = max(start, match.start() - 400)
        sentence_text = text[sentence_from : match.end() + 200]
        if not cues and not _SENTENCE_WORD_RE.search(sentence_text):
            continue
        if cues:
            # "Phấn đấu …" opens the whole clause; otherwise the cue words right before the number
            # ("giảm ít nhất 10%").
            chosen = next((c for c in cues if c.group().lower() == "phấn đấu"), None)
            if chosen is None:
                index = len(cues) - 1
                while index > 0 and cues[index].start() - cues[index - 1].end() <= 1:
                    index -= 1
                chosen = cues[index]
            text_start = before_start + chosen.start()
        else:
            text_start = clause_start
        close = _CLAUSE_END_RE.search(text, match.end(), min(end, match.end() + 300))
        text_end = close.start() if close else min(end, match.end() + 300)
        unit = match.group("unit")
        unit = "%" if unit.lower() in ("%", "phần trăm") else re.sub(r"\s+", " ", unit.lower())
        value = float(match.group("value").replace(",", "."))
        while text_start < text_end and text[text_start] in "-–+• ":
            text_start += 1
        targets.append(Target(text[text_start:text_end].strip(), value, unit, text_start, text_end))
    return targets
