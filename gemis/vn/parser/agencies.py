"""Agency mentions in plan sentences: who leads (chủ trì) and who helps (phối hợp).

Plans name agencies in lists whose commas do two jobs: "Các Sở, ban, ngành,
đoàn thể của tỉnh, UBND các huyện, thị xã, thành phố căn cứ …" is two
agencies, not seven. :func:`read_agencies` reads such a list from a position:
a new agency starts at a *head* (Sở, UBND, Ủy ban, Hội + a capital, Công an,
"các cơ quan", an abbreviation like "LĐLĐ"…) after a comma, "và" or ";";
any other comma continues the current name ("ban, ngành", "thị xã, thành
phố", "Văn hóa, Thể thao và Du lịch"); the list stops at the verb that starts
the predicate ("căn cứ", "chủ trì", "phối hợp", "tham mưu", "trong phạm vi" …),
recognised only in lower case, because inside names those words are
capitalised ("Sở Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư").

Names are returned as written (minus "Đề nghị", "Giao" and roles such as
"Giám đốc"); :func:`gemis.vn.agency_names.agency_key` gives the key the web layer
resolves against the agency registry and its aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gemis.vn.agency_names import agency_key

__all__ = [
    "Agency",
    "agency_heading",
    "is_agency_start",
    "read_agencies",
    "sentence_agencies",
    "strip_request",
]

_TOKEN_RE = re.compile(r"[^\s,;:.()“”\"'‘’\[\]]+|[,;:.()“”\"'‘’\[\]]")

# Heads that are agencies whatever follows.
_ALWAYS_HEADS = frozenset("sở ubnd hđnd ubmttq mttq ubmttqvn hlhpn lđlđ".split())
_TWO_WORD_HEADS = frozenset(
    {
        ("ủy", "ban"), ("uỷ", "ban"), ("công", "an"), ("trung", "tâm"), ("ngân", "hàng"), ("bảo", "hiểm"),
        ("kho", "bạc"), ("mặt", "trận"), ("liên", "đoàn"), ("liên", "minh"), ("văn", "phòng"),
        ("chi", "cục"), ("tổng", "cục"), ("tòa", "án"), ("toà", "án"), ("viện", "kiểm"), ("bệnh", "viện"),
        ("hội", "đồng"), ("tỉnh", "đoàn"), ("huyện", "đoàn"), ("thành", "đoàn"), ("tỉnh", "ủy"),
        ("tỉnh", "uỷ"), ("huyện", "ủy"), ("huyện", "uỷ"), ("thành", "ủy"), ("đảng", "ủy"), ("công", "đoàn"),
        ("chi", "nhánh"), ("học", "viện"), ("cơ", "quan"), ("thủ", "trưởng"), ("chủ", "tịch"),
        ("giám", "đốc"), ("lãnh", "đạo"), ("người", "đứng"), ("hợp", "tác"), ("bưu", "điện"),
        ("thanh", "tra"), ("thống", "kê"), ("tạp", "chí"), ("cổng", "thông"), ("đài", "phát"),
        ("đài", "truyền"), ("thường", "trực"),
    }
)  # fmt: skip
_VERB_LIKE_HEADS = frozenset({("thanh", "tra"), ("thống", "kê")})
_PLACE_AFTER = frozenset({"tỉnh", "huyện", "thành", "thị", "xã", "phường", "quận"})
# Heads that need a capitalised word (or one of these) after them: "Hội Liên hiệp" but not
# "Hội nghị", "Ban Dân vận" but not "Ban hành", "Báo Đắk Lắk" but not "Báo cáo".
_CAPITAL_HEADS = frozenset("hội ban báo đài phòng bộ cục trường đoàn viện nhà vụ trạm đồn hạt".split())
_HEAD_NEXT_OK = {"ban": {"vì", "chỉ", "thường", "quản", "tuyên", "dân", "tổ", "đại", "chấp", "an", "văn"}}
_NOT_AFTER = {
    "ban": {"hành"},
    "hội": {"nghị", "thảo", "thi", "diễn", "chợ", "họp", "nhập", "viên", "đủ"},
    "báo": {"cáo"},
    "thanh": {"tra,", "niên"},
    "cơ": {"chế", "sở", "hội", "cấu"},
    "văn": {"bản", "hóa", "hoá"},
    "trung": {"ương"},
}
# After "các"/"những": nouns that make the phrase a (plural) agency mention.
_GENERIC = frozenset(
    "sở ban ngành cơ đơn địa tổ hội đoàn phòng huyện xã phường thị thành quận tỉnh thành cấp doanh trường "
    "bộ ủy uỷ ubnd hđnd ngân trung chi cục phó thủ đồng lãnh chủ giám bệnh trạm hợp nhà công tập thôn tổ "
    "khu làng bản khối ấp buôn xóm trưởng cán chi".split()
)
# Lower-case words that may continue a name after a comma ("ban, ngành", "thị xã, thành phố").
_CONTINUE_AFTER_COMMA = frozenset(
    "ban ngành đoàn đơn địa cơ tổ hội thị thành xã huyện phường quận tỉnh doanh trường hợp cấp".split()
)
# Lower-case words or pairs that start the predicate: the list of agencies ends before them.
_STOP_PAIRS = frozenset(
    tuple(p.split())
    for p in (
        "chủ trì|phối hợp|căn cứ|tham mưu|tham gia|triển khai|thực hiện|xây dựng|hướng dẫn|chỉ đạo|theo dõi|"
        "đôn đốc|kiểm tra|giám sát|tổng hợp|báo cáo|tăng cường|đẩy mạnh|nâng cao|tuyên truyền|lồng ghép|"
        "bố trí|cân đối|đảm bảo|bảo đảm|quan tâm|tạo điều|ban hành|rà soát|đánh giá|nghiên cứu|đề xuất|"
        "cung cấp|hỗ trợ|giải quyết|xử lý|vận động|phát huy|duy trì|nhân rộng|củng cố|kiện toàn|sơ kết|"
        "tổng kết|biên soạn|phát hành|cập nhật|thống kê|thu thập|chủ động|tích cực|khẩn trương|tiếp tục|"
        "phổ biến|bồi dưỡng|tập huấn|phát động|hưởng ứng|phân bổ|phê duyệt|phân công|đề nghị|có trách|"
        "chịu trách|quản lý|thẩm định|chuẩn bị|sắp xếp|lựa chọn|giáo dục|đào tạo|truyền thông|giới thiệu|"
        "khen thưởng|biểu dương|huy động|sử dụng|tiếp nhận|kịp thời|nghiêm túc|phối kết|thường xuyên|"
        "định kỳ|hằng năm|hàng năm|trình bày|lập kế|phát triển|mở rộng|đưa tin|xây dựng|đăng tải|"
        "tổ chức|căn cứ|cùng với|tùy theo|tuỳ theo|phù hợp|có kế|khảo sát|điều tra|trao đổi|thẩm tra|"
        "ưu tiên|nắm bắt|tiến hành|thông báo|ứng dụng|tập trung|chủ động|chỉ tiêu|nội dung|hoàn thành|"
        "thiết lập"
    ).split("|")
)
_STOP_WORDS = frozenset(
    "trong để nhằm theo về với tại trên từ khi sau trước là đã sẽ cần phải được cùng thì nếu hoặc cho "
    "in cử gửi nộp lập mở đưa ký nắm làm giúp có vào bằng qua đến do mà nên chưa đang vẫn chậm muộn ngày "
    "hạn kèm".split()
)
_ALLOWED_PAIRS = frozenset({("có", "liên"), ("có", "liên quan")})
_REQUEST_RE = re.compile(
    r"^(?:(?:kính\s+)?đề nghị|giao(?:\s+cho)?|phân công|yêu cầu|kính gửi|giao nhiệm vụ cho|đối với|"
    r"(?:trách nhiệm|nhiệm vụ) của)\s+",
    re.IGNORECASE,
)
_ROLE_RE = re.compile(
    r"^(?:(?:đồng chí|đ/c)\s+)?(?:phó\s+)?(?:giám đốc|lãnh đạo|chủ tịch|trưởng ban|trưởng|thủ trưởng|bí thư|"
    r"chỉ huy trưởng|chánh văn phòng|chánh thanh tra|chánh|viện trưởng|cục trưởng|chi cục trưởng|"
    r"tổng biên tập|đại diện)\s+",
    re.IGNORECASE,
)
_MAX_WORDS = 22


@dataclass
class Agency:
    name: str
    start: int
    end: int
    full_name: str | None = None  # the full name when ``name`` is a short name the text defined

    @property
    def key(self) -> str:
        return agency_key(self.full_name or self.name)


def strip_request(text: str) -> tuple[str, int]:
    """Drop "Đề nghị", "Giao", "Phân công" in front; returns the rest and how much was cut."""
    match = _REQUEST_RE.match(text)
    return (text[match.end() :], match.end()) if match else (text, 0)


def _tokens(text: str, pos: int, limit: int = 220) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text, pos, min(len(text), pos + limit))
    ]


def _is_word(token: str) -> bool:
    return token[:1].isalnum()


def _is_upper_abbreviation(word: str) -> bool:
    """ "UBND", "LĐLĐ", "HLHPN": capitals without tone marks (a word in capitals has them: "MỤC")."""
    letters = [ch for ch in word if ch.isalpha()]
    return (
        2 <= len(letters) <= 9
        and all(("A" <= ch <= "Z") or ch == "Đ" for ch in letters)
        and sum(ch in "AEIOUY" for ch in letters) <= len(letters) // 2
    )


def _head_length(tokens: list[tuple[int, int, str]], i: int, lower_plural: bool = True) -> int:
    """How many tokens from ``i`` form an agency head (0: none)."""
    if i >= len(tokens) or not _is_word(tokens[i][2]):
        return 0
    word = tokens[i][2]
    low = word.lower()
    nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
    nxt_low = nxt.lower()
    if low in ("các", "những") and (word[0].isupper() or lower_plural):
        if nxt_low in _GENERIC and _head_length(tokens, i + 1) != 0 or nxt_low in _GENERIC:
            return 1
        return 0
    if not word[0].isupper():
        # "ủy ban": TCVN3 text loses the capital of "Ủ"; nothing else is spelt so.
        return 2 if (low, nxt_low) in (("ủy", "ban"), ("uỷ", "ban")) else 0
    if low in _NOT_AFTER and nxt_low in _NOT_AFTER[low]:
        return 0
    if (low, nxt_low) in _TWO_WORD_HEADS:
        if (low, nxt_low) in _VERB_LIKE_HEADS:
            # "Thanh tra tỉnh", "Thống kê tỉnh" are bodies; "Thanh tra việc …", "Thống kê số liệu" are verbs
            after = tokens[i + 2][2] if i + 2 < len(tokens) else ""
            if not (after[:1].isupper() or after.lower() in _PLACE_AFTER):
                return 0
        return 2
    if low in _ALWAYS_HEADS:
        return 1
    if low in _CAPITAL_HEADS:
        if nxt[:1].isupper() or nxt_low in _HEAD_NEXT_OK.get(low, ()):
            return 1
        # "Báo và Phát thanh, Truyền hình Quảng Ngãi" (the merged provincial press, 2025)
        after = tokens[i + 2][2] if i + 2 < len(tokens) else ""
        if nxt_low == "và" and after[:1].isupper() and _head_length(tokens, i + 2) == 0:
            return 1
        return 0
    if _is_upper_abbreviation(word) and word not in ("CNH", "HĐH", "NQ", "QĐ", "KH", "HIV", "AIDS", "COVID"):
        return 1
    return 0


def is_agency_start(text: str, pos: int = 0) -> bool:
    tokens = _tokens(text, pos, 40)
    return bool(tokens) and tokens[0][0] - pos <= 1 and _head_length(tokens, 0, lower_plural=False) > 0


def _is_stop(tokens: list[tuple[int, int, str]], i: int) -> bool:
    word = tokens[i][2]
    if not word[:1].islower():
        return False
    nxt = tokens[i + 1][2].lower() if i + 1 < len(tokens) else ""
    low = word.lower()
    if (low, nxt) in _ALLOWED_PAIRS:
        return False
    if low == "tổ" and nxt == "chức" and i > 0 and tokens[i - 1][2].lower() in ("các", "những", "và"):
        return False
    if (low, nxt) in _STOP_PAIRS:
        return True
    return low in _STOP_WORDS


def read_agencies(text: str, pos: int = 0, lower_plural: bool = True) -> tuple[list[Agency], int]:
    """The agencies listed from ``pos`` and the offset where the list ends ([] if none starts there)."""
    first = _tokens(text, pos, 40)
    if not first or _head_length(first, 0, lower_plural) == 0:
        return [], pos
    tokens = _tokens(text, pos)
    agencies: list[Agency] = []
    start_i = 0
    i = 0
    words = 0
    last_word_end = tokens[0][1]

    def close(end_i: int) -> None:
        nonlocal last_word_end
        # trim separators at the end
        j = end_i - 1
        while j >= start_i and not _is_word(tokens[j][2]):
            j -= 1
        if j >= start_i:
            name = text[tokens[start_i][0] : tokens[j][1]].strip(" -–,")
            if name:
                agencies.append(Agency(name, tokens[start_i][0], tokens[j][1]))
                last_word_end = tokens[j][1]

    head = _head_length(tokens, 0, lower_plural)
    i = head
    words = head
    while i < len(tokens):
        token = tokens[i][2]
        low = token.lower()
        if token in (",", ";") or low == "và":
            # "và" or a comma before a new head starts the next agency.
            j = i + 1
            if token == "," and j < len(tokens) and tokens[j][2].lower() == "và":
                j += 1
            next_head = _head_length(tokens, j, True)
            # "Văn phòng HĐND và UBND xã", "Văn phòng Đoàn ĐBQH và HĐND tỉnh": one office
            if next_head and low == "và" and tokens[start_i][2].lower() == "văn":
                next_head = 0
            if next_head:
                close(i)
                start_i = j
                i = j + next_head
                words = next_head
                continue
            if token == ";":
                break
            if low == "và":
                i += 1
                continue
            following = tokens[j][2] if j < len(tokens) else ""
            if following[:1].isupper() or following.lower() in _CONTINUE_AFTER_COMMA:
                i += 1
                continue
            break
        if token in (".", ":", "(", ")", "“", "”", '"', "[", "]"):
            break
        if token in ("'", "‘", "’"):
            i += 1
            continue
        if _is_word(token):
            if _is_stop(tokens, i):
                break
            words += 1
            if words > _MAX_WORDS:
                break
        i += 1
    close(i)
    end = agencies[-1].end if agencies else pos
    return agencies, end


def partner_agencies(text: str) -> list[Agency]:
    """The agencies after "phối hợp (với)" in a sentence."""
    match = _PARTNER_RE.search(text)
    if match is None:
        return []
    found, _ = read_agencies(text, match.end())
    return found


_PARTNER_RE = re.compile(r"(?i)phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+(?=\S)")


def sentence_agencies(text: str, with_lead: bool = True) -> tuple[list[Agency], list[Agency]]:
    """(lead, partners) named by a sentence: its subject, "X là Giám đốc Y", "phối hợp với Z"."""
    if not with_lead:
        return [], partner_agencies(text)
    body, cut = strip_request(text)
    lead: list[Agency] = []
    # "Phân công Phó Trưởng Ban … là Giám đốc Sở Nội vụ chủ trì …": the agency is after "là".
    is_match = re.search(r"\slà\s+", body[:200])
    if is_match and re.search(r"(?i)\b(?:phó|trưởng|ủy viên|thành viên)\b", body[: is_match.start()]):
        rest_at = is_match.end()
        role = _ROLE_RE.match(body[rest_at:])
        if role:
            rest_at += role.end()
        lead, _ = read_agencies(body, rest_at)
        lead = [Agency(a.name, a.start + cut, a.end + cut) for a in lead]
    else:
        role = _ROLE_RE.match(body)
        start = role.end() if role else 0
        lower = bool(role) or cut > 0
        if is_agency_start(body, start) or (lower and read_agencies(body, start)[0]):
            lead, _ = read_agencies(body, start, lower_plural=lower)
            lead = [Agency(a.name, a.start + cut, a.end + cut) for a in lead]
    if not lead:
        lead = _inline_lead(text)
    return lead, partner_agencies(text)


_INLINE_LEAD_RE = re.compile(r"\s+chủ trì(?!\w)")
_HEAD_START_RE = re.compile(r"(?<![\w])(?:[A-ZĐÀ-Ỹ]|các\s)")


def _inline_lead(text: str) -> list[Agency]:
    """ "… (Sở Nội vụ chủ trì)", "…; giao Phòng Y tế chủ trì …": the agency right before "chủ trì"."""
    for match in _INLINE_LEAD_RE.finditer(text):
        window_start = max(0, match.start() - 120)
        before = text[window_start : match.start()]
        if re.search(r"(?i)phối hợp(?:\s+với)?\s*$", before[:-1] if before else before):
            continue
        for head in _HEAD_START_RE.finditer(before):
            pos = window_start + head.start()
            if pos == 0:
                continue  # the subject at the start was already looked at
            previous = text[max(0, pos - 12) : pos].lower()
            if not re.search(r"(?:[(;,.]|giao|đề nghị|phân công)\s*$", previous):
                continue
            found, end = read_agencies(text, pos, lower_plural=True)
            if found and end == match.start():
                return found
    return []


def agency_heading(text: str, any_name: bool = False) -> tuple[list[Agency], str, int] | None:
    """An implementation-part heading ("1. Sở Y tế:", "Đề nghị Ủy ban MTTQ tỉnh, …, tham gia …").

    Returns (agencies, the task text written on the heading line or "", its offset), or None when
    the line does not start with agencies. In the implementation part a short capitalised name
    before a colon ("Công chức Văn hóa - Xã hội: tham mưu …") is taken as the agency too.
    """
    body, cut = strip_request(text)
    role = _ROLE_RE.match(body)
    start = role.end() if role else 0
    lower = bool(role) or cut > 0
    agencies: list[Agency] = []
    end = 0
    if is_agency_start(body, start) or (lower and read_agencies(body, start)[0]):
        agencies, end = read_agencies(body, start, lower_plural=lower)
    if not agencies and any_name:
        colon = body.find(":")
        prefix = body[:colon].strip() if 0 < colon <= 90 else ""
        words = prefix.split()
        if not (prefix and prefix[0].isupper() and 1 <= len(words) <= 10):
            return None
        tokens = _tokens(prefix, 0)
        if any(_is_word(tok[2]) and _is_stop(tokens, i) for i, tok in enumerate(tokens)):
            return None
        # a person or a body ("Công chức Văn hóa - Xã hội", "Trưởng các thôn"), not a topic
        # ("Tuyên truyền: …")
        if not (_BODY_WORDS_RE.search(prefix) or any(_is_upper_abbreviation(w) for w in words)):
            return None
        agencies, end = [Agency(prefix, 0, len(prefix))], len(prefix)
    if not agencies:
        return None
    rest = body[end:]
    stripped = rest.strip()
    agencies = [Agency(a.name, a.start + cut, a.end + cut) for a in agencies]
    if not stripped or stripped in (":", ".", ";"):
        return agencies, "", len(text)
    if stripped.startswith(":"):
        offset = cut + end + rest.index(":") + 1
        inline = text[offset:].strip()
        return agencies, inline, offset + (len(text[offset:]) - len(text[offset:].lstrip()))
    if len(stripped) < 3:
        return agencies, "", len(text)
    # The agencies are the subject of a sentence written on the heading line itself.
    return agencies, text, 0


_BODY_WORDS_RE = re.compile(
    r"(?i)(?<!\w)(?:công chức|cán bộ|trưởng|chủ tịch|bí thư|tổ|đội|câu lạc bộ|chi hội|chi đoàn|thôn|"
    r"khu dân cư|ban|hội|trạm|trường|nhà|đài|hợp tác xã|doanh nghiệp|người đứng đầu|thành viên|ủy viên|"
    r"uỷ viên|đồng chí|văn phòng|phòng|trung tâm|cơ sở|bộ phận)(?!\w)"
)
_ALIAS_RE = re.compile(
    r"\(\s*(?:sau đây\s+)?(?:(?:được\s+)?(?:gọi tắt là|viết tắt là|gọi chung là|gọi là)\s+)?"
    r"(?P<short>[^()\n]{2,80}?)\s*\)"
)
_ABBREVIATION_RE = re.compile(r"\b[A-ZĐ]{2,}[A-ZĐa-z&]*\b")


@dataclass
class Alias:
    short: str
    full: str | None
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"short": self.short, "full": self.full, "span": [self.start, self.end]}


def find_aliases(text: str, start: int = 0, end: int | None = None) -> list[Alias]:
    """Short names the text defines.

    "(gọi tắt là Quyết định số 2382/QĐ-UBND)", "Ban Vì sự tiến bộ … tỉnh (Ban VSTBCPN tỉnh)".
    """
    stop = len(text) if end is None else end
    out: list[Alias] = []
    for match in _ALIAS_RE.finditer(text, start, stop):
        short = match.group("short").strip(" *")
        explicit = "gọi" in match.group(0) or "viết tắt" in match.group(0)
        if not explicit and not (is_agency_start(short) and _ABBREVIATION_RE.search(short)):
            continue
        full = None
        window_start = max(start, match.start() - 160)
        window = text[window_start : match.start()]
        if not any(ch.isdigit() for ch in short):
            for head in re.finditer(r"(?<!\w)[A-ZĐÀ-Ỹ]\w*", window):
                found, found_end = read_agencies(window, head.start(), lower_plural=False)
                if found and len(window.rstrip()) - found_end <= 1:
                    full = window[head.start() : found_end].strip()
                    break
        out.append(Alias(short, full, match.start(), match.end()))
    return out
