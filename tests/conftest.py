from pandapon_async.testing._aioresponses_compat import ensure_aioresponses_compatible

ensure_aioresponses_compatible()

# Fixtures for the real PostgreSQL and Redis services (skip with a reason; fail under CI).
from _services import postgres_dsn, redis_key_prefix, redis_url  # noqa: E402, F401
