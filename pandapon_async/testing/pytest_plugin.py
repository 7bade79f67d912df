"""pytest plugin (entry point ``pytest11``): fixtures ``fake_pandapon`` and ``pandapon_client``."""
