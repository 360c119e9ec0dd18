"""Who says what: claims grouped by question, disagreements found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tui.domain.model import Case, Claim


def _latest_by_party(claims: list[Claim]) -> dict[str, Claim]:
    latest: dict[str, Claim] = {}
    for claim in sorted(claims, key=lambda c: c.date):
        latest[claim.party] = claim
    return latest


def _disagree(claims: list[Claim]) -> bool:
    """True when parties' latest answers differ (ignoring case and spaces)."""
    answers = {" ".join(c.says.casefold().split()) for c in _latest_by_party(claims).values()}
    return len(answers) > 1


@dataclass
class ClaimGroup:
    """All claims about one question; ``disagree`` is settled when the group is made, so a
    copy whose texts were masked still says what the real texts say."""

    question: str
    claims: list[Claim]
    disagree: bool = field(default=False)

    def shown_with(self, question: str, claims: list[Claim]) -> ClaimGroup:
        """The same group (same verdict) with other texts, e.g. masked ones."""
        return replace(self, question=question, claims=claims)

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys(claim.party for claim in self.claims))

    def latest_by_party(self) -> dict[str, Claim]:
        """Each party's most recent answer."""
        return _latest_by_party(self.claims)


def claim_groups(case: Case) -> list[ClaimGroup]:
    """Claims grouped by question (questions compared ignoring case), disputes first."""
    groups: dict[str, ClaimGroup] = {}
    for claim in case.claims:
        key = " ".join(claim.question.casefold().split())
        group = groups.setdefault(key, ClaimGroup(claim.question, []))
        group.claims.append(claim)
    for group in groups.values():
        group.disagree = _disagree(group.claims)
    return sorted(groups.values(), key=lambda g: (not g.disagree, g.question.casefold()))


def masked_groups(groups: list[ClaimGroup], masked: dict[str, Claim],
                  text: Callable[[str], str]) -> list[ClaimGroup]:
    """``groups`` shown with masked claims (by id) and question: same grouping, same
    verdicts, whatever masking did to the texts."""
    return [group.shown_with(text(group.question), [masked[c.id] for c in group.claims])
            for group in groups]
