# The `portal_simulator` fixture lives in tests/conftest.py (shared with tests/portal_intake).
