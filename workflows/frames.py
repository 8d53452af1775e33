"""The two legal frames of one-stop handling, chosen by the dossier's date (khung pháp lý).

Dossiers received before 1 July 2025 follow NĐ 61/2018/NĐ-CP and TT 01/2018/TT-VPCP (three tiers,
the citizen withdraws a dossier, six forms). From that day the province works under NĐ 118/2025/NĐ-CP
and TT 03/2025/TT-VPCP (two tiers, the citizen asks to stop handling — Art. 21 — seven forms). An
old dossier keeps its frame for good: its rules, forms and code never change.
"""
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

REFORM_DAY = dt.date(2025, 7, 1)  # NĐ 118/2025 in force; NQ 202/2025/QH15: two tiers


@dataclass(frozen=True)
class LegalFrame:
    key: str
    decree: str
    circular: str
    # How the applicant ends handling early: a withdrawal (rút hồ sơ, NĐ 61) or a stop (dừng
    # giải quyết, NĐ 118 Art. 21 and TT 03/2025 Art. 7, with the stop notice).
    applicant_may_stop: bool
    applicant_may_withdraw: bool
    # NĐ 118/2025 Art. 14: any centre of the province receives the procedures the province lists,
    # for the competent unit of the applicant or the land; before it, each unit received its own.
    receives_regardless_of_boundary: bool
    # A supplement not brought within the procedure's days (Procedure.supplement_days) ends the
    # dossier with a stop notice; the 2018 rules left it waiting.
    supplement_time_ends_dossier: bool

    def __str__(self):
        return f"{self.decree}, {self.circular}"


FRAME_2018 = LegalFrame("2018", "NĐ 61/2018/NĐ-CP", "TT 01/2018/TT-VPCP",
                        applicant_may_stop=False, applicant_may_withdraw=True,
                        receives_regardless_of_boundary=False, supplement_time_ends_dossier=False)
FRAME_2025 = LegalFrame("2025", "NĐ 118/2025/NĐ-CP", "TT 03/2025/TT-VPCP",
                        applicant_may_stop=True, applicant_may_withdraw=False,
                        receives_regardless_of_boundary=True, supplement_time_ends_dossier=True)


def frame_on(day: dt.date) -> LegalFrame:
    return FRAME_2025 if day >= REFORM_DAY else FRAME_2018


def frame_of(dossier) -> LegalFrame:
    """The frame of a dossier: by the day it was received (submitted, for one not yet received)."""
    instant = dossier.received_at or dossier.submitted_at or dossier.created_at
    return frame_on(timezone.localtime(instant).date())
