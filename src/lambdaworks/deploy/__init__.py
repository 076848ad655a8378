"""``lambdaworks deploy``: the project as a SAM template, CloudFormation and OpenAPI, deployed with change sets.

``artifacts`` names where each built zip lives in S3 (by its sha256); ``native`` writes the SAM
template of a native config and ``sam`` repackages a user's own template; ``openapi`` describes each
API; ``cloudformation`` translates SAM with aws-sam-translator and makes every ARN partition aware;
``lint`` runs cfn-lint; ``upload`` and ``stack`` talk to S3 and CloudFormation; ``package`` ties
the steps together for the commands in :mod:`lambdaworks.cli.deploy`.
"""
