"""Writes the parts of the Python package that come from core's model and operation lists:
``mikopbx/_enums.py``, the marked regions of ``mikopbx/_native.pyi`` (the model classes,
their names in ``__all__``, and the operation methods of both clients) and of
``mikopbx/__init__.py`` (the models it re-exports).

    python bindings-python/stubs.py           # rewrite (``make python-stubs``)
    python bindings-python/stubs.py --check   # fail when a file is stale (``make test-python``)

It reads ``mikopbx._native.schema()`` and the docstrings of the built classes (so that the
stubs, which editors show, say what ``help()`` says), so the extension must be built first.
"""

import ast
import inspect
import json
import pathlib
import re
import sys
import textwrap
from typing import Any, Dict, List

from mikopbx import _native

PACKAGE = pathlib.Path(__file__).resolve().parent / "python" / "mikopbx"
ENUMS = PACKAGE / "_enums.py"
STUBS = PACKAGE / "_native.pyi"
INIT = PACKAGE / "__init__.py"


def docstring(text: str, indent: str) -> List[str]:
    if not text:
        return []
    lines = text.replace('"""', "'''").splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}'] + [f"{indent}{line}" if line else "" for line in lines[1:]] + [f'{indent}"""']


def enums_module(schema: Dict[str, Any]) -> str:
    out = [
        '"""States as the server reports them. Each enum\'s values are the server\'s strings; a string',
        "this SDK does not know yet is ``OTHER`` (value ``None``), and the model's ``state_raw`` /",
        "``status_raw`` attribute always holds the server's exact string.",
        "",
        'Generated from core\'s model list by ``make python-stubs`` (bindings-python/stubs.py)."""',
        "",
        "import enum",
    ]
    for enum in schema["enums"]:
        out += ["", "", f"class {enum['name']}(enum.Enum):"]
        out += docstring(enum["doc"], "    ") + [""]
        for member in enum["members"]:
            out += docstring(member["doc"], "    ")
            out.append(f"    {member['name']} = {json.dumps(member['value'])}")
        out.append("    OTHER = None")
    return "\n".join(out) + "\n"


def model_classes(schema: Dict[str, Any]) -> List[str]:
    out: List[str] = []
    for model in schema["models"]:
        out += ["@final", f"class {model['name']}:"]
        for field in model["fields"] + model["methods"]:
            out += ["    @property", f"    def {field['name']}(self) -> {field['type']}: ..."]
        out += [
            "    def to_dict(self) -> Dict[str, Any]: ...",
            "    def __eq__(self, value: object, /) -> bool: ...",
            "    def __ne__(self, value: object, /) -> bool: ...",
            "    def __hash__(self) -> int: ...",
            "",
        ]
    return out


def operation_methods(schema: Dict[str, Any], asynchronous: bool) -> List[str]:
    out = []
    for op in schema["operations"]:
        arguments = ["self"] + [
            f"{a['name']}: {a['type']}" + (" = None" if a["optional"] else "") for a in op["arguments"]
        ]
        result = f"Coroutine[Any, Any, {op['result']}]" if asynchronous else op["result"]
        line = f"    def {op['name']}({', '.join(arguments)}) -> {result}: ..."
        if len(line) <= 100:
            out.append(line)
        else:
            out += [f"    def {op['name']}(", textwrap.indent(", ".join(arguments), " " * 8), f"    ) -> {result}: ..."]
    return out


def with_native_docs(text: str) -> str:
    """Gives every class and function of the stub that the extension has the extension's own
    docstring (the one ``help()`` shows), so that editors show it too; dunders are left as
    they are."""
    source = text.encode()
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:  # ast columns count UTF-8 bytes
        return starts[line - 1] + column

    edits = []

    def document(node: ast.AST, owner: Any) -> None:
        if isinstance(node, ast.ClassDef):
            cls = getattr(owner, node.name, None)
            if cls is None:
                return
            body = node.body
            indent = " " * body[0].col_offset
            doc = docstring(inspect.getdoc(cls) or "", indent)
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
                assert first.end_lineno is not None and first.end_col_offset is not None
                span = (offset(first.lineno, 0), offset(first.end_lineno, first.end_col_offset))
                edits.append((*span, "\n".join(doc)))
                body = body[1:]
            elif doc:
                decorators = getattr(first, "decorator_list", [])
                at = offset(decorators[0].lineno if decorators else first.lineno, 0)
                edits.append((at, at, "\n".join(doc) + "\n\n"))
            for child in body:
                document(child, cls)
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("__") and hasattr(owner, node.name):
            first = node.body[0]
            assert node.end_lineno is not None and node.end_col_offset is not None
            signature = source[offset(node.lineno, node.col_offset) : offset(first.lineno, first.col_offset)]
            doc = docstring(inspect.getdoc(getattr(owner, node.name)) or "", " " * (node.col_offset + 4))
            stub = "\n" + "\n".join(doc) if doc else " ..."
            span = (offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset))
            edits.append((*span, signature.rstrip().decode() + stub))

    for node in ast.parse(text).body:
        document(node, _native)
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement.encode() + source[end:]
    return source.decode()


def replace_region(text: str, name: str, lines: List[str], path: pathlib.Path = STUBS) -> str:
    pattern = re.compile(rf"(?m)^([ \t]*)# <generated: {name}>\n.*?^[ \t]*# </generated: {name}>\n", re.S)
    match = pattern.search(text)
    if match is None:
        raise SystemExit(f"{path}: no region '# <generated: {name}>'")
    indent = match.group(1)
    body = "".join(line + "\n" for line in lines)
    region = f"{indent}# <generated: {name}>\n{body}{indent}# </generated: {name}>\n"
    return text[: match.start()] + region + text[match.end() :]


def main() -> int:
    schema = _native.schema()
    stubs = STUBS.read_text()
    enum_names = ", ".join(e["name"] for e in schema["enums"])
    stubs = replace_region(stubs, "enum imports", [f"from ._enums import {enum_names}"])
    stubs = replace_region(stubs, "model names", [f'    "{m["name"]}",' for m in schema["models"]])
    stubs = replace_region(stubs, "models", model_classes(schema))
    stubs = replace_region(stubs, "operations", operation_methods(schema, asynchronous=False))
    stubs = replace_region(stubs, "async operations", operation_methods(schema, asynchronous=True))
    stubs = with_native_docs(stubs)
    models = sorted(m["name"] for m in schema["models"])
    enums = sorted(e["name"] for e in schema["enums"])
    imports = [f"from ._enums import {n}" for n in enums] + [f"from ._native import {n}" for n in models]
    init = INIT.read_text()
    init = replace_region(init, "model imports", imports, INIT)
    init = replace_region(init, "model names", [f'    "{n}",' for n in sorted(models + enums)], INIT)
    wanted = {ENUMS: enums_module(schema), STUBS: stubs, INIT: init}
    stale = [path for path, text in wanted.items() if path.read_text() != text]
    if "--check" in sys.argv[1:]:
        for path in stale:
            print(f"{path} is stale: run `make python-stubs`", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
