"""lambdaworks: Python web apps and functions on AWS Lambda.

Only the runtime adapter is imported here, so ``import lambdaworks`` inside a Lambda function
stays as cheap as ``import lambdaworks.runtime``; the emulator, packager and CLI are imported
on demand from their own subpackages.
"""

from lambdaworks.__about__ import __version__
from lambdaworks.runtime import Handler, LambdaContext, UnsupportedEvent, handler

__all__ = ["Handler", "LambdaContext", "UnsupportedEvent", "__version__", "handler"]
