"""Queue an email the way a service does, and read the outbox back."""

from types import SimpleNamespace

from sqlalchemy import select

from app.core.mail import queue_email
from app.extensions import db
from app.outbox.models import OutboxMessage

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//DJPK//Konsultasi//ID\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:konsultasi-1@djpk.kemenkeu.go.id\r\nSEQUENCE:0\r\n"
    "DTSTAMP:20261201T020000Z\r\nDTSTART:20261208T020000Z\r\nDTEND:20261208T030000Z\r\n"
    "SUMMARY:Konsultasi DAU\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queue(to="siti@brebeskab.go.id", name="Siti Rahmawati", link="http://localhost/atur/abc", **kwargs):
    return queue_email(to, "auth/reset_password", user=SimpleNamespace(name=name), link=link, **kwargs)


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)
