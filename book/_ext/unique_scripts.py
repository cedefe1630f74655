"""Sphinx extension: drop repeated ``<script>`` entries from every page.

sphinx-thebe (loaded by jupyter-book) adds its configuration script each time the
sources are read, and jupyter-book reads them twice: the second ``const THEBE_JS_URL``
is a SyntaxError in the browser's console on every page.
"""


def _unique_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        # an inline script comes once with filename None and once with "": the same script
        key = (getattr(script, "filename", None) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
