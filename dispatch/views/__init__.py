"""Dispatch's pages: one module per concern, each view thin (parse, check access, call one service, render)."""
