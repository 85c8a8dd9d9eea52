"""Helpers of the history import tests: the seeded topics, and files written in tmp_path."""

import csv

import pytest
from openpyxl import Workbook

from app.extensions import db
from app.seed_data import TOPICS
from tests import factories

HEADER = ("No", "Jenis", "Pengguna Layanan", "Tanggal", "Topik")


@pytest.fixture
def topics(app):
    for code, name, _text in TOPICS:
        factories.topic(code, name)
    db.session.commit()


def write_csv(path, rows, *, header=HEADER, delimiter=";", bom=True):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(header)
        for i, row in enumerate(rows, start=1):
            out.writerow((i, *row))
    return path


def write_xlsx(path, rows, *, header=HEADER, title=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append((title,))
        sheet.append(())
    sheet.append(header)
    for i, row in enumerate(rows, start=1):
        sheet.append((i, *row))
    book.save(path)
    return path
