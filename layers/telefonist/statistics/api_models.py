"""The statistics route's answer (issue 20): a month per day and common number, days, the month."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Figures(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    offered: int = Field(description="Contacts queued to the operators (answered or abandoned)")
    answered: int
    abandoned: int = Field(description="Hung up in the queue before an operator answered")
    closed: int = Field(description="Heard the closed message, never queued")
    fallback: int = Field(description="Answered with the neutral script: the customer's data was not at hand")
    answered_20s: int = Field(description="Answered within 20 seconds")
    over_45s: int = Field(description="Answered calls whose handling went over the 45-second budget")
    transfers: int
    messages_sms: int
    messages_email: int
    answered_20s_share: float | None = Field(description="answered_20s / answered (null: none answered)")
    over_45s_share: float | None = Field(description="over_45s / answered")
    wait_p50: int | None = Field(description="Seconds in the queue, median (a histogram bucket's upper bound)")
    wait_p90: int | None
    handling_p50: int | None = Field(description="Talk and after-contact work, seconds, median")
    handling_p90: int | None


class DayFigures(Figures):
    day: str = Field(description="YYYY-MM-DD, Stockholm")


class DayNumberFigures(DayFigures):
    number: str = Field(description="The common number dialled")


class MonthStatisticsView(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    month: str
    rows: list[DayNumberFigures] = Field(description="Per day and common number")
    days: list[DayFigures] = Field(description="Per day, every number")
    total: Figures = Field(description="The month")
