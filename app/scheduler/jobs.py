"""The scheduler's jobs: what runs, how often, and how late a run may still start.

Add a job by adding a line: the task is a plain function taking `now` (see
app.scheduler.tasks), named "module:function". The scheduler stores each job in the database
(table apscheduler_jobs) under its id; runs are coalesced (a backlog of missed runs is one run)
and a run later than `misfire_grace_time` seconds is skipped: the next one does the work,
since every task does all that is due and not yet done.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module


@dataclass(frozen=True)
class Job:
    id: str
    task: str  # "module:function", called with now
    seconds: int  # interval
    misfire_grace_time: int  # seconds

    def function(self):
        module, _, name = self.task.partition(":")
        return getattr(import_module(module), name)

    def __call__(self, now: datetime):
        return self.function()(now)


JOBS: list[Job] = [
    Job("outbox", "app.scheduler.tasks:send_outbox", 60, 60),
    Job("confirmation_requests", "app.scheduler.tasks:send_confirmation_requests", 300, 300),
    Job("confirmation_deadlines", "app.scheduler.tasks:enforce_confirmation_deadlines", 300, 300),
    Job("reminders", "app.scheduler.tasks:send_reminders", 300, 300),
    Job("no_shows", "app.checkin.tasks:mark_no_shows", 300, 300),
    Job("survey_requests", "app.satisfaction.tasks:send_survey_requests", 300, 300),
    Job("monthly_report", "app.reports.tasks:send_monthly_report", 300, 300),
    Job("report_snapshots", "app.reports.tasks:refresh_report_snapshots", 300, 300),
    Job("webhooks", "app.webhooks.tasks:send_webhooks", 30, 30),
    Job("api_idempotency_cleanup", "app.api.tasks:clean_idempotency_keys", 3600, 3600),
]


def job(job_id: str) -> Job:
    for j in JOBS:
        if j.id == job_id:
            return j
    raise KeyError(job_id)
