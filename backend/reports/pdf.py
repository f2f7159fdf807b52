"""A report's HTML page (backend/reports/html.py) printed to PDF by WeasyPrint.

WeasyPrint needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0; scripts/install_system_deps.sh
and the Dockerfile install them). It is imported on first use, so the API starts without it.
It fetches nothing: its URL fetcher accepts only `data:` URLs (the chart images), and there is
no base URL, so a relative path can never become a local file.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
