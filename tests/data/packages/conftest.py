"""The packages here are golden files (tests/test_convert_golden.py), not tests of nb2prod: their
generated tests run only in their own venv (tests/test_convert_e2e.py), never collected here."""

collect_ignore_glob = ["*/"]
