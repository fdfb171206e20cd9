"""Untrusted bytes to images: uploads, base64, URLs (SSRF-guarded) and PDF pages
(rendered in a capped child process), each with its limits and 4xx errors."""
