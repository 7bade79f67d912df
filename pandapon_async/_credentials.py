from __future__ import annotations

import os

import attrs

__all__ = ["Credentials"]

ENV_ACCESS_KEY = "PANDAPON_ACCESS_KEY"
ENV_ACCESS_SECRET = "PANDAPON_ACCESS_SECRET"
ENV_USER_ID = "PANDAPON_USER_ID"


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Credentials.{attribute.name} must be a non-empty string")


@attrs.frozen(repr=False)
class Credentials:
    """The developer's AccessKey, AccessSecret and the user id calls act for.

    The secret is never part of ``repr``/``str``, logs or exception text.
    """

    access_key: str = attrs.field(validator=_non_empty)
    access_secret: str = attrs.field(validator=_non_empty)
    user_id: str = attrs.field(converter=str, validator=_non_empty)

    def __repr__(self) -> str:
        return (
            f"Credentials(access_key={self.access_key!r}, access_secret='***', "
            f"user_id={self.user_id!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Credentials:
        """Read ``PANDAPON_ACCESS_KEY``, ``PANDAPON_ACCESS_SECRET`` and ``PANDAPON_USER_ID``."""
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in (ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_USER_ID)
            if not env.get(name, "").strip()
        ]
        if missing:
            raise ValueError(f"missing environment variable(s): {', '.join(missing)}")
        return cls(env[ENV_ACCESS_KEY], env[ENV_ACCESS_SECRET], env[ENV_USER_ID])
