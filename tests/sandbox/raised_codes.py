"""Which error codes each operation's handler can answer with, read from the sandbox's source.

A static scan, so it needs no request that reaches every branch: each handler's code, and the code
of every sandbox function it calls (transitively), is searched for `errors.<CODE>` constants and
for rate-limit rules passed to `limiter.hit(...)` / `limiter.check(...)` (a `ratelimit.Rule`'s
`code` is what its 429 carries). Calls are followed by name: functions of the same module, names
imported from a sandbox module (`from .routes_auth import me`) and attributes of imported sandbox
modules (`users.by_email`). Methods of objects are not followed; the sandbox keeps its error raising
in module functions, which is what makes this scan complete.

It over-approximates (a referenced code counts as raisable), the safe side for a check that the spec
lists every code, with one exception: a code a function tests for membership in the operation's
`x_errors` (`errors.AUTH_USER_NOT_FOUND in x_errors`) is answered only where the spec lists it, so
it does not count.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from sandbox import errors, ratelimit
from sandbox.operations import HANDLERS

PACKAGE = "sandbox"
SOURCE = Path(__file__).resolve().parents[2] / PACKAGE


@dataclass
class Module:
    name: str
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # local alias -> sandbox module
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name)


def _read(name: str) -> Module:
    tree = ast.parse((SOURCE / f"{name}.py").read_text(encoding="utf-8"))
    module = Module(name)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            module.functions[node.name] = node
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module is None:  # from . import errors, users
                    module.modules[local] = alias.name
                else:  # from .routes_auth import me
                    module.names[local] = (node.module, alias.name)
    return module


def _limiter_rules(function: ast.FunctionDef) -> set[int]:
    """ids of the first arguments of `<...>.hit(rule, key)` and `<...>.check(rule, key)` calls."""
    return {
        id(node.args[0])
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("hit", "check") and node.args
    }


def _tests_x_errors(node: ast.Compare) -> bool:
    """`<code> in <...>x_errors`: the code is answered only where the operation documents it."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], ast.In):
        return False
    names = {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node.comparators[0])
             if isinstance(n, ast.Name | ast.Attribute)}
    return "x_errors" in names


class Scanner:
    def __init__(self) -> None:
        self.modules = {path.stem: _read(path.stem) for path in SOURCE.glob("*.py")}
        self.codes = {name: value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)}
        self.rules = {name: rule.code for name, rule in vars(ratelimit).items() if isinstance(rule, ratelimit.Rule)}
        self._memo: dict[tuple[str, str], set[str]] = {}

    def _constant(self, module: str, name: str) -> str | None:
        """The code a module-level name stands for (`errors.X` or a rate-limit rule)."""
        if module == "errors":
            return self.codes.get(name)
        if module == "ratelimit":
            return self.rules.get(name)
        return None

    def function_codes(self, module_name: str, function: str) -> set[str]:
        key = (module_name, function)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = set()  # recursion guard
        module = self.modules[module_name]
        body = module.functions[function]
        limited = _limiter_rules(body)  # rule expressions that really are counted
        conditional: set[str] = set()
        found: set[str] = set()
        for node in ast.walk(body):
            if isinstance(node, ast.Compare) and _tests_x_errors(node):
                conditional |= {c for c in (self._code_of(module, node.left),) if c}
            target: tuple[str, str] | None = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                alias = module.modules.get(node.value.id)
                if alias is not None:
                    target = (alias, node.attr)  # errors.X, ratelimit.X, users.by_email
            elif isinstance(node, ast.Name):
                if node.id in module.functions:
                    target = (module_name, node.id)
                else:
                    target = module.names.get(node.id)  # imported: a rule or a function
            if target is None:
                continue
            code = self._constant(*target)
            if code is not None:
                if target[0] == "errors" or id(node) in limited:
                    found.add(code)
            elif target[0] in self.modules and target[1] in self.modules[target[0]].functions:
                found |= self.function_codes(*target)
        self._memo[key] = found - conditional
        return self._memo[key]

    def _code_of(self, module: Module, node: ast.expr) -> str | None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            alias = module.modules.get(node.value.id)
            return self._constant(alias, node.attr) if alias else None
        return None

    def handler_codes(self, operation_id: str) -> set[str]:
        handler = HANDLERS[operation_id]
        module = handler.__module__.removeprefix(f"{PACKAGE}.")
        importlib.import_module(handler.__module__)
        return self.function_codes(module, handler.__name__)
