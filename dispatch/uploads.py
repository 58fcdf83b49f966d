"""Where dispatch keeps its files (approval scans, command logs, signatures, PDFs)."""

import secrets


def dispatch_file_path(instance, filename: str) -> str:
    # A random folder per file: names never collide and cannot be guessed (as case attachments).
    return f"dispatch/{instance.ticket_id}/{secrets.token_hex(8)}/{filename}"
