"""Resolve CloudFormation intrinsic functions where that can be done locally.

Supported: ``Ref`` (parameters, pseudo parameters, resources), ``Fn::Sub`` (both forms),
``Fn::GetAtt`` (a plausible ARN/name), ``Fn::If`` with ``Fn::Equals``/``Not``/``And``/``Or``/
``Condition``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::Base64``.
Anything else resolves to None with a warning naming where it was.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdaworks.project.model import function_arn
from lambdaworks.wire.common import ACCOUNT, REGION

STACK = "lambdaworks-local"

PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": STACK,
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/00000000-0000-0000-0000-000000000000",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}

NO_VALUE = object()
_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass
class Resolver:
    """Resolves intrinsics against parameters, conditions, mappings and resource names."""

    parameters: Mapping[str, Any]
    resources: Mapping[str, Mapping[str, Any]]
    conditions: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    warn: Callable[[str], None] = lambda message: None
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)  # the local services' resources
    _condition_cache: dict[str, bool] = field(default_factory=dict)

    def resolve(self, value: Any, where: str = "") -> Any:
        """``value`` with every resolvable intrinsic replaced; ``AWS::NoValue`` entries dropped."""
        if isinstance(value, list):
            items = [self.resolve(v, where) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg, where)
            if key.startswith("Fn::") or key == "Condition":
                return self.function(key, arg, where)
        out = {}
        for k, v in value.items():
            resolved = self.resolve(v, f"{where}.{k}" if where else k)
            if resolved is not NO_VALUE:
                out[k] = resolved
        return out

    def ref(self, name: Any, where: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.attributes:  # a bucket, queue, topic, table or bus: its local value
            return self.attributes[name]["Ref"]
        if name in self.resources:
            return name  # functions, APIs, layers: the logical id stands for the physical name locally
        self.warn(f"{where}: !Ref {name} names no parameter or resource; using None")
        return None

    def function(self, key: str, arg: Any, where: str) -> Any:
        name = key[4:] if key.startswith("Fn::") else key
        handler = getattr(self, f"fn_{name.lower()}", None)
        if handler is None:
            self.warn(f"{where}: {key} cannot be resolved locally; using None")
            return None
        return handler(arg, where)

    def fn_sub(self, arg: Any, where: str) -> Any:
        if isinstance(arg, list):
            text, extra = arg[0], {k: self.resolve(v, where) for k, v in (arg[1] if len(arg) > 1 else {}).items()}
        else:
            text, extra = arg, {}

        def replace(match: re.Match[str]) -> str:
            token = match.group(1).strip()
            if token in extra:
                return str(extra[token])
            if "." in token and token.split(".", 1)[0] in self.resources:
                return str(self.fn_getatt(token.split(".", 1), where))
            value = self.ref(token, where)
            return "" if value is None or value is NO_VALUE else str(value)

        return _SUB.sub(replace, str(text)).replace("${!", "${")

    def fn_getatt(self, arg: Any, where: str) -> Any:
        resource, attribute = (arg if isinstance(arg, list) else str(arg).split(".", 1)) + [""][: 2 - len(arg)]
        kind = str(self.resources.get(resource, {}).get("Type", ""))
        if resource in self.attributes:
            known = self.attributes[resource]
            if attribute in known:
                return known[attribute]
            self.warn(f"{where}: !GetAtt {resource}.{attribute} is not known locally (known: {', '.join(known)})")
            return None
        if attribute == "Arn":
            service = {"AWS::Serverless::Function": "lambda", "AWS::Lambda::Function": "lambda"}.get(kind)
            if service == "lambda":
                return function_arn(resource)
            if kind in ("AWS::SQS::Queue",):
                return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{resource}"
            return f"arn:aws:local:{REGION}:{ACCOUNT}:{resource}"
        return f"{resource}.{attribute}"

    def fn_if(self, arg: Any, where: str) -> Any:
        condition, when_true, when_false = arg
        return self.resolve(when_true if self.condition(condition, where) else when_false, where)

    def fn_equals(self, arg: Any, where: str) -> bool:
        left, right = (self.resolve(v, where) for v in arg)
        return bool(str(left) == str(right))

    def fn_not(self, arg: Any, where: str) -> bool:
        return not self.truth(arg[0], where)

    def fn_and(self, arg: Any, where: str) -> bool:
        return all(self.truth(v, where) for v in arg)

    def fn_or(self, arg: Any, where: str) -> bool:
        return any(self.truth(v, where) for v in arg)

    def fn_condition(self, arg: Any, where: str) -> bool:
        return self.condition(arg, where)

    def fn_join(self, arg: Any, where: str) -> Any:
        separator, items = arg
        return str(separator).join(str(v) for v in self.resolve(items, where))

    def fn_select(self, arg: Any, where: str) -> Any:
        index, items = arg
        return self.resolve(items, where)[int(self.resolve(index, where))]

    def fn_split(self, arg: Any, where: str) -> Any:
        separator, text = arg
        return str(self.resolve(text, where)).split(separator)

    def fn_findinmap(self, arg: Any, where: str) -> Any:
        name, first, second = (self.resolve(v, where) for v in arg)
        try:
            return self.mappings[name][first][second]
        except (KeyError, TypeError):
            self.warn(f"{where}: Fn::FindInMap {name}/{first}/{second} not found; using None")
            return None

    def fn_base64(self, arg: Any, where: str) -> Any:
        return base64.b64encode(str(self.resolve(arg, where)).encode()).decode()

    def truth(self, value: Any, where: str) -> bool:
        resolved = self.resolve(value, where)
        return bool(resolved) and resolved != "false"

    def condition(self, name: str, where: str) -> bool:
        """Evaluate a named condition (memoised)."""
        if name not in self._condition_cache:
            if name not in self.conditions:
                self.warn(f"{where}: condition {name} is not defined; taking it as false")
                self._condition_cache[name] = False
            else:
                self._condition_cache[name] = self.truth(self.conditions[name], f"Conditions.{name}")
        return self._condition_cache[name]
