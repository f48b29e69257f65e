"""The promises the employee reads, each rendered from the employer's configuration and the
build, never written as fixed text: who can open the answers, where they are kept and for
how long, whether a union representative may come, who may hold the conversation, what
happens to special information, where to send the file, what "statistics only" means, and
that the choice "HR and the person who holds my conversation" lets what the employee
writes about their tasks reach the manager who writes the next posting (`sluttsamtale
job-analysis` quotes only that choice).

The landing page, the set pages, the protection pages, the result panel and the invitation
e-mail all take their sentences from here (words: the catalogue's `promises` section), so
they cannot disagree with each other or with employer.yml.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..model.employer import Employer
from ..words import Language, catalogue


@dataclass(frozen=True)
class Promises:
    who_opens: str
    personnel: str
    retention: str
    union: str
    interviewers: str
    special: str
    send_to: str
    statistics_groups: str
    posting: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def promises(employer: Employer, language: Language, *, receiver: bool) -> Promises:
    """What this employer's build promises, in one language. `receiver`: the build seals
    special answers to a whistleblowing receiver (employer.yml `whistleblowing_key`)."""
    w = catalogue(language)["promises"]
    policies = employer.policies
    return Promises(
        who_opens=w["who_opens_receiver" if receiver else "who_opens_hr"],
        personnel=w["personnel_archived" if policies.personnel_file else "personnel_apart"],
        retention=w["retention"].format(months=employer.retention_months),
        union=w["union_yes" if policies.union_representative else "union_no"],
        interviewers=interviewer_sentence(employer, language),
        special=w["special_receiver" if receiver else "special_hr"],
        send_to=(
            w["send_to"].format(address=employer.return_address)
            if employer.return_address
            else w["send_to_hr"]
        ),
        statistics_groups=w["statistics_groups"].format(min_group=employer.analysis.min_group),
        posting=w["posting"].format(choice=catalogue(language).readers("hr_and_interviewer")),
    )


def interviewer_sentence(employer: Employer, language: Language) -> str:
    w = catalogue(language)["promises"]
    names = [w[f"interviewer_{who}"] for who in employer.policies.interviewers]
    if len(names) == 1:
        return w["interviewers_one"].format(choices=names[0])
    choices = ", ".join(names[:-1]) + f" {w['or']} " + names[-1]
    return w["interviewers_choice"].format(choices=choices)


def retention_notice(employer: Employer, language: Language) -> str:
    """The privacy notice's retention text when employer.yml leaves it to the configuration."""
    p = promises(employer, language, receiver=False)
    return f"{p.personnel} {p.retention}"
