"""The local AWS services around the functions: S3, SQS, SNS, DynamoDB and EventBridge on one
loopback endpoint, wired to the functions as Lambda wires them.

It runs as its own process (``python -m lambdaworks.services``), started by ``lambdaworks dev``
when the template declares such resources, so its work never takes the gateway's CPU time:

- :mod:`.process` serves moto's implementation of the service APIs (moto's server) and creates the
  template's resources in it (:mod:`.provision`);
- :mod:`.hooks` learns from moto what changed (an object written, a message sent or published, an
  event put, an item written), never from moto's own Lambda triggers;
- the event sources call the emulator's Invoke API as Lambda's own pollers and notifiers do:
  asynchronous invokes for S3 (:mod:`.s3`), SNS (:mod:`.sns`) and EventBridge (:mod:`.events`),
  synchronous batches for SQS (:mod:`.sqs`) and DynamoDB streams (:mod:`.streams`).

Only :mod:`.spec` is imported by the emulator itself; nothing here is imported by the runtime.
"""
