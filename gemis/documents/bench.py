"""``gemis bench parse``: the document parser's speed on plan documents of 30 KB and 3 MB.

It writes its own plan document (a province plan with content items, agency
headings, "Thực hiện:" / "Thời gian:" lines, references and report dates, in
the shapes the parser reads), sized to ``--size`` KB, and measures
``parse_bytes`` (decoding, normalisation and every extractor) ``--repeat``
times: the median must stay under 50 ms. Then the same kind of document at
3 MB, parsed once, must take under 5 s, and the time per KB of the 3 MB
document against the 300 KB one shows that the cost grows linearly with size.
No database is used.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from gemis.core.bench import Figure
from gemis.vn.parser import parse_bytes

_AGENCIES = (
    "Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp", "Công an tỉnh", "Hội Liên hiệp Phụ nữ tỉnh",
    "Sở Thông tin và Truyền thông", "Ủy ban nhân dân các huyện, thị xã, thành phố",
)  # fmt: skip
_TIMES = (
    "Thực hiện thường xuyên trong năm.", "Hoàn thành trước ngày 15/{m}/{y}.",
    "Hoàn thành trong tháng {m}/{y}.",
    "Quý {q}/{y}.", "Từ ngày 15/11/{y} đến ngày 15/12/{y}.", "Sau khi có hướng dẫn của Bộ Nội vụ.",
)  # fmt: skip
_ACTIONS = (
    "Tổ chức tập huấn nâng cao năng lực cho đội ngũ cán bộ làm công tác bình đẳng giới cấp cơ sở",
    "Xây dựng chuyên mục tuyên truyền về phòng, chống bạo lực gia đình trên các phương tiện thông tin",
    "Rà soát, kiện toàn Ban vì sự tiến bộ của phụ nữ và ban hành quy chế hoạt động",
    "Kiểm tra việc thực hiện chính sách đối với lao động nữ tại các doanh nghiệp trên địa bàn",
    "Thu thập, tổng hợp số liệu thống kê phát triển giới theo Thông tư số 10/2019/TT-BKHĐT ngày 30/7/2019",
    "Nhân rộng mô hình địa chỉ tin cậy tại cộng đồng ở các xã có nguy cơ cao",
)  # fmt: skip


def plan_document(target_bytes: int, year: int = 2026) -> bytes:
    """A plan document of about ``target_bytes`` bytes (UTF-8), in the shapes of real plans."""
    head = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 120/KH-UBND\n"
        f"Quảng Ngãi, ngày 10 tháng 3 năm {year}\n\nKẾ HOẠCH\n"
        f"Thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm {year}\n\n"
        f"Căn cứ Nghị quyết số 28/NQ-CP ngày 03/3/2021 của Chính phủ; Công văn số 739/BNV-CTTN&BĐG "
        f"ngày 20/01/{year} của Bộ Nội vụ, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n- Bảo đảm ít nhất 35% nữ trong danh sách đề cử.\n\nII. NHIỆM VỤ VÀ GIẢI PHÁP\n"
    )
    parts = [head]
    size = len(head.encode())
    section = 0
    implementation: list[str] = []
    while size < target_bytes - 200:
        section += 1
        lines = [f"{section}. Nhóm nhiệm vụ thứ {section} về công tác bình đẳng giới"]
        for item in range(6):
            action = _ACTIONS[(section + item) % len(_ACTIONS)]
            lines.append(
                f"- {action}, đợt {item + 1} của nhóm {section}; "
                f"hoàn thành trước ngày {1 + item}/{1 + section % 12}/{year}."
            )
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block.encode())
        agency = _AGENCIES[section % len(_AGENCIES)]
        when = _TIMES[section % len(_TIMES)].format(
            m=1 + section % 12, y=year, q="I II III IV".split()[section % 4]
        )
        implementation.append(
            f"{section}. {agency}:\na) Chủ trì, phối hợp với {_AGENCIES[(section + 3) % len(_AGENCIES)]} "
            f"triển khai nhóm nhiệm vụ {section}.\n"
            f"- Thực hiện: Giao {agency} chủ trì, phối hợp với các đơn vị liên quan.\n"
            f"- Thời gian: {when}\n"
            f"b) Báo cáo kết quả gửi Sở Nội vụ trước ngày 15/{1 + section % 12}/{year}.\n"
        )
        size += len(implementation[-1].encode())
    parts.append("III. TỔ CHỨC THỰC HIỆN\n" + "".join(implementation))
    parts.append(
        "Trên đây là Kế hoạch thực hiện công tác bình đẳng giới./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
    )
    return "".join(parts).encode("utf-8")


def add_parse_arguments(parser: Any) -> None:
    parser.add_argument("--size", type=int, default=30, help="size of the document in KB (default 30)")
    parser.add_argument("--repeat", type=int, default=100, help="parses of it to time (default 100)")
    parser.add_argument("--big", type=int, default=3000, help="size of the big document in KB (default 3000)")


def _time(data: bytes) -> float:
    start = time.perf_counter()
    parse_bytes(data, "plan.txt")
    return time.perf_counter() - start


def run_parse(options: dict[str, Any], out: Any) -> list[Figure]:
    """Parse a 30 KB plan document 100 times (median < 50 ms) and a 3 MB one (< 5 s)."""
    size_kb = options.get("size", 30)
    repeat = options.get("repeat", 100)
    big_kb = options.get("big", 3000)
    small = plan_document(size_kb * 1024)
    result = parse_bytes(small, "plan.txt")
    out.write(
        f"document: {len(small) / 1024:.1f} KB, {len(result.tasks)} tasks, "
        f"{len(result.references)} references, "
        f"{len(result.reports)} report dates"
    )
    for _ in range(3):  # warm-up: regular expressions compiled, caches filled
        _time(small)
    timings = [_time(small) for _ in range(repeat)]
    median = statistics.median(timings) * 1000
    middle = plan_document(big_kb * 1024 // 10)
    middle_time = _time(middle)
    big = plan_document(big_kb * 1024)
    big_time = _time(big)
    per_kb_small = median / (len(small) / 1024)
    per_kb_middle = middle_time * 1000 / (len(middle) / 1024)
    per_kb_big = big_time * 1000 / (len(big) / 1024)
    out.write(
        f"per KB: {per_kb_small:.3f} ms at {len(small) // 1024} KB, {per_kb_middle:.3f} ms at "
        f"{len(middle) // 1024} KB, {per_kb_big:.3f} ms at {len(big) // 1024} KB"
    )
    return [
        Figure(f"parse {len(small) // 1024} KB plan, median of {repeat}", median, "ms", 50.0),
        Figure(f"parse {len(small) // 1024} KB plan, slowest of {repeat}", max(timings) * 1000, "ms"),
        Figure(f"parse {len(big) / 1024 / 1024:.1f} MB plan", big_time, "s", 5.0),
        Figure(
            f"time per KB, {len(big) // 1024} KB ÷ {len(middle) // 1024} KB (1.0 = linear)",
            round(per_kb_big / per_kb_middle, 2),
            "",
            2.0,
        ),
    ]
