"""The one exception the parser raises: a file it cannot read, with a message in both languages."""

from __future__ import annotations

__all__ = ["MAX_BYTES", "ParseError"]

# Uploads and command-line files above this size are refused before reading.
MAX_BYTES = 50 * 1024 * 1024

_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("tệp rỗng", "the file is empty"),
    "too_large": ("tệp lớn hơn giới hạn 50 MB", "the file is larger than the 50 MB limit"),
    "not_found": ("không tìm thấy tệp", "the file does not exist"),
    "unreadable": ("không đọc được tệp", "the file cannot be read"),
    "binary": (
        "tệp không phải văn bản (dữ liệu nhị phân)",
        "the file is not a text document (binary data)",
    ),
    "unknown_format": (
        "định dạng tệp không được hỗ trợ (chỉ nhận .txt, .docx, .pdf, .html)",
        "unsupported file format (only .txt, .docx, .pdf, .html are read)",
    ),
    "legacy_doc": (
        "tệp .doc (Word 97-2003) không được hỗ trợ, hãy lưu lại thành .docx",
        "a .doc file (Word 97-2003) is not supported; save it as .docx",
    ),
    "corrupt_docx": ("tệp .docx bị hỏng", "the .docx file is damaged"),
    "zip_bomb": (
        "tệp .docx có nội dung nén bất thường (nghi là bom nén), đã từ chối",
        "the .docx file decompresses to an abnormal size (a zip bomb?); refused",
    ),
    "corrupt_pdf": ("tệp PDF bị hỏng", "the PDF file is damaged"),
    "encrypted_pdf": (
        "tệp PDF được mã hóa hoặc đặt mật khẩu, không đọc được",
        "the PDF file is encrypted or password-protected",
    ),
    "scanned_pdf": (
        "tệp PDF là bản quét (chỉ có hình ảnh), cần nhận dạng ký tự (OCR) trước khi đọc",
        "the PDF is a scan (images only) and needs OCR before it can be read",
    ),
    "ocr_failed": (
        "tệp PDF là bản quét và nhận dạng ký tự (OCR) không thành công",
        "the PDF is a scan and OCR failed",
    ),
}


class ParseError(Exception):
    """A document the parser cannot read.

    ``code`` is machine-readable (one of the keys above: "empty", "too_large",
    "encrypted_pdf", "scanned_pdf", "zip_bomb", "unknown_format", …);
    ``message_vi`` and ``message_en`` are one-line sentences for people;
    ``str(error)`` gives "Lỗi: … / Error: …", what ``gemis parse-doc`` prints.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        vi, en = _MESSAGES.get(code, _MESSAGES["unreadable"])
        self.code = code
        self.detail = detail
        self.message_vi = vi[0].upper() + vi[1:] + (f" ({detail})" if detail else "") + "."
        self.message_en = en[0].upper() + en[1:] + (f" ({detail})" if detail else "") + "."
        super().__init__(f"Lỗi: {vi}{f' ({detail})' if detail else ''}. / Error: {en}.")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_vi": self.message_vi, "message_en": self.message_en}
