"""k-anonymity of what a summary says about its business (sharing-policy.md §3).

The tuple (事業形態, 業種中分類, 従業員帯) a summary carries must be shared by at least k businesses of the
organization's whole register, consenting or not. Where it is not, it is generalised one step at a time:
a wider employee band, then no 業種中分類, then no 事業形態, then no band. A business that stays alone even with
only its 業種大分類 is not shared at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from banso_core.vocabulary import EmployeeBand

DEFAULT_K = 3

_WIDER_BAND: dict[str, str] = {
    EmployeeBand.b0_5.value: EmployeeBand.w0_20.value,
    EmployeeBand.b6_20.value: EmployeeBand.w0_20.value,
    EmployeeBand.b21_50.value: EmployeeBand.w21_100.value,
    EmployeeBand.b51_100.value: EmployeeBand.w21_100.value,
    EmployeeBand.b101_300.value: EmployeeBand.w101_plus.value,
    EmployeeBand.b301_plus.value: EmployeeBand.w101_plus.value,
}


def wider_band(band: str) -> str:
    """The wide band (0-20 / 21-100 / 101+) holding a narrow one; an unknown head count stays unknown."""
    return _WIDER_BAND[band] if band else ""


@dataclass(frozen=True, slots=True)
class Profile:
    """事業者の記述属性 as the register holds them: the inputs of generalisation."""

    business_form: str
    jsic_major: str
    jsic_middle: str
    employees: int | None

    @property
    def employee_band(self) -> str:
        return EmployeeBand.of(self.employees).value if self.employees is not None else ""


@dataclass(frozen=True, slots=True)
class Descriptors:
    """What a summary may say about its business: an empty field was generalised away."""

    business_form: str
    jsic_major: str
    jsic_middle: str
    employee_band: str

    def describes(self, profile: Profile) -> bool:
        """Whether a business of the register is among those these descriptors could be (its anonymity set)."""
        band = profile.employee_band
        return (
            self.jsic_major == profile.jsic_major
            and self.business_form in ("", profile.business_form)
            and self.jsic_middle in ("", profile.jsic_middle)
            and self.employee_band in ("", band, wider_band(band))
        )


def generalised(profile: Profile, level: int) -> Descriptors:
    """The descriptors of a profile at a generalisation level, 0 (as is) to 4 (業種大分類 only)."""
    band = profile.employee_band
    return Descriptors(
        business_form=profile.business_form if level < 3 else "",
        jsic_major=profile.jsic_major,
        jsic_middle=profile.jsic_middle if level < 2 else "",
        employee_band=band if level == 0 else wider_band(band) if level < 4 else "",
    )


LEVELS = range(5)


class Generaliser:
    """The register's profiles counted at every generalisation level, so each business gets the least
    generalised descriptors that at least k businesses share."""

    def __init__(self, register: Iterable[Profile], k: int = DEFAULT_K) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.k = k
        profiles = Counter(register)
        self._counts = [Counter[Descriptors]() for _ in LEVELS]
        for profile, count in profiles.items():
            for level in LEVELS:
                self._counts[level][generalised(profile, level)] += count

    def descriptors(self, profile: Profile) -> Descriptors | None:
        """None when even 業種大分類 alone is shared by fewer than k businesses: nothing may be published."""
        for level in LEVELS:
            candidate = generalised(profile, level)
            if self._counts[level][candidate] >= self.k:
                return candidate
        return None
