"""The model of a project (functions, APIs, routes, layers) and its loaders (SAM template, native config)."""

from lambdaworks.project.errors import ConfigError, ProjectError, TemplateError
from lambdaworks.project.loader import load_project
from lambdaworks.project.model import Api, EventSource, Function, Project, Route

__all__ = [
    "Api",
    "ConfigError",
    "EventSource",
    "Function",
    "Project",
    "ProjectError",
    "Route",
    "TemplateError",
    "load_project",
]
