"""Date text to timestamps, also where one column carries several UTC offsets."""

from __future__ import annotations

from typing import Any

import pandas as pd


def parse_datetimes(text: pd.Series, **options: Any) -> pd.Series:
    """`pd.to_datetime(text, **options)`. Local times written with their offset change it at a
    daylight-saving switch ("...-08:00", then "...-07:00"); pandas then refuses to pick one zone
    and raises, so such a column is read as instants in UTC instead."""
    try:
        return pd.to_datetime(text, **options)
    except ValueError:  # "Mixed timezones detected"
        return pd.to_datetime(text, utc=True, **options)
