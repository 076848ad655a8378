"""The local emulator: API Gateway front, Lambda Invoke API, Runtime API and execution environments."""
