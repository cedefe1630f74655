"""Sphinx extension: give every figure's image its caption as alt text.

MyST-NB names a notebook's output image after a hash of its content and sets no alt
text, so a screen reader reads the hash. A figure cell's caption (its ``mystnb``
metadata) is the description the image needs.
"""
import re

from docutils import nodes

HASH_LIKE = re.compile(r"^[0-9a-f]{16,}")


def _alt_from_captions(app, doctree, docname):
    for figure in doctree.findall(nodes.figure):
        captions = list(figure.findall(nodes.caption))
        text = captions[0].astext() if captions else ""
        for image in figure.findall(nodes.image):
            if text and (not image.get("alt") or HASH_LIKE.match(image.get("alt", ""))):
                image["alt"] = text


def setup(app):
    app.connect("doctree-resolved", _alt_from_captions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
