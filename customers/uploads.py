"""Uploaded files: size limits and document sniffing by magic bytes, never by name (C4)."""

from django.conf import settings

from customers import errors
from mint_shop.errors import RuleViolation

# The first bytes of each document type staff accept as evidence.
DOCUMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
_SNIFF_BYTES = max(len(signature) for signature in DOCUMENT_SIGNATURES)


def evidence_content_type(upload) -> str:
    """The sniffed content type of an evidence upload, or a refusal (too large, not a document)."""
    limit = settings.MINT_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise RuleViolation(errors.EVIDENCE_TOO_LARGE, f"Evidence files may be at most {limit} bytes.")
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    for signature, content_type in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    raise RuleViolation(errors.EVIDENCE_NOT_A_DOCUMENT, "Evidence must be a PDF, JPEG or PNG document.")


def recording_size_check(upload) -> None:
    limit = settings.MINT_CALL_RECORDING_MAX_BYTES
    if upload is not None and upload.size > limit:
        raise RuleViolation(errors.RECORDING_TOO_LARGE, f"Call files may be at most {limit} bytes.")
