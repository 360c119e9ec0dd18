"""Who says what: claims grouped by question, disagreements found."""

from __future__ import annotations

from dataclasses import dataclass

from tui.domain.model import Case, Claim


@dataclass
class ClaimGroup:
    """All claims about one question."""

    question: str
    claims: list[Claim]

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys(claim.party for claim in self.claims))

    def latest_by_party(self) -> dict[str, Claim]:
        """Each party's most recent answer."""
        latest: dict[str, Claim] = {}
        for claim in sorted(self.claims, key=lambda c: c.date):
            latest[claim.party] = claim
        return latest

    @property
    def disagree(self) -> bool:
        """True when parties' latest answers differ (ignoring case and spaces)."""
        answers = {" ".join(c.says.casefold().split()) for c in self.latest_by_party().values()}
        return len(answers) > 1


def claim_groups(case: Case) -> list[ClaimGroup]:
    """Claims grouped by question (questions compared ignoring case), disputes first."""
    groups: dict[str, ClaimGroup] = {}
    for claim in case.claims:
        key = " ".join(claim.question.casefold().split())
        group = groups.setdefault(key, ClaimGroup(claim.question, []))
        group.claims.append(claim)
    return sorted(groups.values(), key=lambda g: (not g.disagree, g.question.casefold()))
