"""Dispatch writes, one module per concern. Each service takes keyword arguments, runs in one
transaction, locks the rows it changes, and leaves an event on the case's timeline."""
