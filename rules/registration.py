"""Reading a probation MAPPA registration: a confirmation, "not eligible", or a contradiction.

A registration with a category 1-4 and a level 1-3 is the COM's confirmation; category 0
with level 0 says the person is not MAPPA-eligible. Anything else, or a description whose
number contradicts the number given, is a data problem and never closes a case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = re.compile(r"\b([0-9])\b")


@dataclass(frozen=True)
class Registration:
    category: int | None = None
    level: int | None = None
    problem: str | None = None

    @property
    def not_eligible(self) -> bool:
        return self.problem is None and self.level == 0


def read_registration(
    category: object, level: object, category_description: object = None, level_description: object = None
) -> Registration:
    cat, lvl = _number(category), _number(level)
    if cat is None and lvl is None:
        return Registration(problem="a MAPPA registration with neither a category nor a level")
    if lvl is not None and lvl > 0 and (cat is None or cat == 0):
        return Registration(problem=f"a MAPPA registration with level {lvl} but no category")
    if cat is not None and cat > 0 and (lvl is None or lvl == 0):
        return Registration(problem=f"a MAPPA registration with category {cat} but no level")
    if cat == 0 and lvl not in (0, None) or (cat is None and lvl == 0) or (lvl is None and cat == 0):
        return Registration(problem="a MAPPA registration that is half 'not eligible'")
    if cat is None or lvl is None or not (0 <= cat <= 4 and 0 <= lvl <= 3):
        return Registration(problem=f"a MAPPA registration with category {cat} and level {lvl}, out of range")
    for what, number, description in (("category", cat, category_description), ("level", lvl, level_description)):
        said = _said(description)
        if said is not None and said != number:
            return Registration(
                problem=f"a MAPPA registration whose {what} is {number} but whose description says {said}"
            )
    return Registration(cat if cat > 0 else None, lvl)


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _said(description: object) -> int | None:
    if not isinstance(description, str):
        return None
    numbers = NUMBER.findall(description)
    return int(numbers[0]) if len(numbers) == 1 else None
