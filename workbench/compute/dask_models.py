"""A model shipped to the workers as LightGBM's text format, parsed once per worker."""

from __future__ import annotations

from typing import Any

_BOOSTERS: dict[int, Any] = {}


def booster_from_text(model_text: str) -> Any:
    """The booster of ``model_text``; a worker parses one model once, not once per partition."""
    import lightgbm as lgb

    key = hash(model_text)
    if key not in _BOOSTERS:
        _BOOSTERS.clear()  # one model at a time: the last run's is not needed again
        _BOOSTERS[key] = lgb.Booster(model_str=model_text)
    return _BOOSTERS[key]
