"""Chart libraries: what a Vega-Lite spec may contain (policy) and where it is drawn (sandbox).

Plain Python with no Flask, storage or service imports, so the render worker processes can
import them without loading the web app.
"""
