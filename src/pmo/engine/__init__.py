"""Pure-Python scheduling and analytics. Never imports Django: plain dataclasses in, plain results out."""
