"""What a cached result depends on: the source text of the code a computation reaches.

A computation is a function (a notebook's lambda, or a closure a chapter module
returns). Its fingerprint hashes

- its own source text, and that of every notebook function it calls;
- the source text of every library definition (function, class, module-level
  constant) it reaches, followed through names, ``module.attr`` references and
  relative imports, transitively.

Text is normalised first: comments, docstrings, blank lines and trailing spaces are
removed, so rewording a docstring or reflowing comments never invalidates a result.
Nothing here reads bytecode, ``ast.dump`` or any other interpreter-specific form:
the same sources give the same fingerprint on every Python version (a test hashes
the library under every interpreter it finds). An edit to one function invalidates
only the computations that reach it.

This module imports nothing of the library (it sits on the ground floor).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import io
import sys
import textwrap
import tokenize
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

PACKAGE = __name__.rpartition(".")[0]
LIBRARY_DIR = Path(__file__).resolve().parent
FORMAT = 2  # bumped when what goes into a fingerprint changes (format 1: module bytecode)


def _char_col(line: str, byte_col: int) -> int:
    """ast's UTF-8 byte offset within ``line`` as a character offset."""
    return len(line.encode()[:byte_col].decode(errors="ignore"))


def normalized_source(source: str) -> str:
    """``source`` without comments, docstrings, blank lines and trailing spaces, dedented.

    Works on fragments that do not parse (then only comments are removed)."""
    lines = textwrap.dedent(source).splitlines()
    text = "\n".join(lines) + "\n"
    spans = []  # ((line, col), (line, col)) to cut; lines 1-based, columns in characters
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    for node in ast.walk(tree) if tree else ():
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            doc = body[0]
            spans.append(((doc.lineno, _char_col(lines[doc.lineno - 1], doc.col_offset)),
                          (doc.end_lineno, _char_col(lines[doc.end_lineno - 1], doc.end_col_offset))))
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                spans.append((tok.start, tok.end))
    except (tokenize.TokenError, SyntaxError):  # an unbalanced fragment: comments seen so far are cut
        pass
    for (l0, c0), (l1, c1) in sorted(spans, reverse=True):
        lines[l0 - 1: l1] = [lines[l0 - 1][:c0] + lines[l1 - 1][c1:]]
    return "\n".join(line.rstrip() for line in lines if line.strip())


@dataclass
class Definition:
    """A top-level name of a library module: its normalised source and what it refers to."""

    text: str
    names: set[str] = field(default_factory=set)  # bare names used
    attributes: set[tuple[str, str]] = field(default_factory=set)  # (name, attr) of `name.attr`
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # local relative imports


def _relative_imports(nodes) -> dict[str, tuple[str, str | None]]:
    """Bound name -> (module stem, name in it, or None for the module) of ``from . import``s."""
    bound = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                if node.module:
                    bound[alias.asname or alias.name] = (node.module.split(".")[0], alias.name)
                else:
                    bound[alias.asname or alias.name] = (alias.name, None)
    return bound


def _references(node: ast.AST, definition: Definition) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            definition.names.add(sub.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
            definition.attributes.add((sub.value.id, sub.attr))
    definition.imports.update(_relative_imports(ast.walk(node)))


@functools.lru_cache(maxsize=None)
def _module_index(stem: str, source: str) -> tuple[dict[str, Definition], dict[str, tuple[str, str | None]]]:
    """(definitions by name, module-level relative imports) of one library module's source."""
    tree = ast.parse(source)
    lines = source.splitlines()
    definitions: dict[str, Definition] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        else:
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = normalized_source("\n".join(lines[first - 1: node.end_lineno]))
        for name in bound:
            definition = definitions.setdefault(name, Definition(text=""))
            definition.text += text + "\n"
            _references(node, definition)
    return definitions, _relative_imports(tree.body)


@functools.lru_cache(maxsize=1)
def _library_sources() -> dict[str, str]:
    """Every library module's source, read once per process at the first fingerprint: a
    module edited on disk while a long notebook runs does not change the keys of that
    notebook's later computations, whose code was imported before the edit."""
    return {p.stem: p.read_text() for p in LIBRARY_DIR.glob("*.py")}


def module_index(stem: str):
    """``_module_index`` of the library module ``stem`` (its source as this process read it)."""
    source = _library_sources().get(stem)
    return _module_index(stem, source) if source is not None else ({}, {})


def _resolve(stem: str, name: str, local: dict) -> tuple[str, str | None] | None:
    """What ``name`` means inside module ``stem``: (module, definition name), (module, None)
    for a library module, or None (a local variable, a builtin, or another package)."""
    definitions, imports = module_index(stem)
    for _ in range(10):  # follow re-exports (from .x import y in module z)
        if name in local:
            stem, name = local[name]
            local = {}
            if name is None:
                return stem, None
            definitions, imports = module_index(stem)
            continue
        if name in definitions:
            return stem, name
        if name in imports:
            local = imports
            continue
        return None
    return None


def library_closure(roots) -> dict[str, str]:
    """Every library definition reachable from ``roots`` ((module stem, name) pairs):
    ``{"module.name": normalised source}``."""
    seen: dict[str, str] = {}
    todo = list(roots)
    while todo:
        stem, name = todo.pop()
        label = f"{stem}.{name}"
        definitions, _ = module_index(stem)
        if label in seen or name not in definitions:
            continue
        definition = definitions[name]
        seen[label] = definition.text
        for used in definition.names:
            target = _resolve(stem, used, definition.imports)
            if target and target[1] is not None:
                todo.append(target)
        for base, attr in definition.attributes:
            target = _resolve(stem, base, definition.imports)
            if target and target[1] is None:
                todo.append((target[0], attr))
    return seen


def _library_stem(module_name: str | None) -> str | None:
    if module_name and module_name.startswith(PACKAGE + "."):
        stem = module_name[len(PACKAGE) + 1:].split(".")[0]
        if (LIBRARY_DIR / f"{stem}.py").exists():
            return stem
    return None


def _code_names(code: types.CodeType) -> set[str]:
    """Global, attribute and free-variable names used by ``code`` and its nested code."""
    names = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _function_source(fn: types.FunctionType) -> str:
    """The source text of a function that is not the library's (a notebook's or a test's).
    A lambda is cut out of its line, so that the statement around it does not count."""
    try:
        lines, _ = inspect.findsource(fn)
    except (OSError, TypeError):
        raise ValueError(f"no source for {fn.__qualname__}: a cached computation must be defined in a file "
                         "or a notebook cell") from None
    if fn.__name__ != "<lambda>":
        return inspect.getsource(fn)
    source = "".join(lines)
    line = fn.__code__.co_firstlineno
    args = list(fn.__code__.co_varnames[:fn.__code__.co_argcount])
    try:
        nodes = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Lambda) and n.lineno == line]
    except SyntaxError:
        nodes = []
    matching = [n for n in nodes if [a.arg for a in n.args.args] == args] or nodes
    if not matching:
        return lines[line - 1]
    return "\n".join(ast.get_source_segment(source, n) for n in matching)


def fingerprint(fn: Callable) -> tuple[str, dict[str, str]]:
    """(hash, ``{library definition reached: hash of its text}``) of the computation ``fn``.

    ``fn`` may be a library function (or a closure one returns), a notebook function
    or lambda (whose own source counts, and the notebook functions it calls), or a
    ``functools.partial`` of either.
    """
    notebook_texts: dict[str, str] = {}
    roots: set[tuple[str, str]] = set()

    def visit(f) -> None:
        f = inspect.unwrap(getattr(f, "func", f))
        stem = _library_stem(getattr(f, "__module__", None))
        if stem:
            roots.add((stem, f.__qualname__.split(".")[0]))
            return
        if not inspect.isfunction(f):
            return
        label = f"{f.__module__}:{f.__qualname__}:{f.__code__.co_firstlineno}"
        if label in notebook_texts:
            return
        notebook_texts[label] = normalized_source(_function_source(f))
        scope = dict(f.__globals__)
        scope.update(zip(f.__code__.co_freevars, (c.cell_contents for c in f.__closure__ or ())))
        names = _code_names(f.__code__)
        modules = set()
        for name in names:
            value = scope.get(name)
            if isinstance(value, types.ModuleType):
                if value.__name__ == PACKAGE:  # `m1.module.attr`: any library module named in the code
                    modules |= {n for n in names if (LIBRARY_DIR / f"{n}.py").exists()}
                elif _library_stem(value.__name__):
                    modules.add(_library_stem(value.__name__))
            elif inspect.isfunction(value) or inspect.isclass(value) or isinstance(value, functools.partial):
                visit(value)
        for stem in modules:
            roots.update((stem, n) for n in names if n in module_index(stem)[0])

    visit(fn)
    library = library_closure(roots)
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for text in sorted(notebook_texts.values()):
        h.update(b"\0notebook\0" + text.encode())
    for label in sorted(library):
        h.update(f"\0{label}\0".encode() + library[label].encode())
    return h.hexdigest()[:16], {label: _text_hash(library[label]) for label in sorted(library)}


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed(reached: dict[str, str]) -> list[str]:
    """The definitions of a stored ``reached`` map whose source differs now (or is gone):
    why a stored result no longer matches the code."""
    now = library_fingerprints()
    return sorted(label for label, digest in reached.items() if now.get(label) != digest)


def library_fingerprints() -> dict[str, str]:
    """sha256 (16 hex digits) of the normalised source of every top-level definition of
    the library, ``{"module.name": hash}``: what the interpreter-independence test compares."""
    out = {}
    for path in sorted(LIBRARY_DIR.glob("*.py")):
        for name, definition in module_index(path.stem)[0].items():
            out[f"{path.stem}.{name}"] = _text_hash(definition.text)
    return out


if __name__ == "__main__":  # python fingerprint.py: the library's definition hashes, for another interpreter
    import json

    json.dump(library_fingerprints(), sys.stdout, sort_keys=True)
