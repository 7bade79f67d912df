"""Test helpers: the FakePandaPon server, the pytest plugin and aioresponses helpers."""
