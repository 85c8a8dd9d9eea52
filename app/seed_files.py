"""Files of the demo data: request letters as small, valid PDFs (part of `flask seed-demo`)."""

import hashlib
import os
import uuid
from datetime import datetime, timedelta

from flask import current_app

from app import seed_data as data
from app.auth.models import UnitType, User
from app.core.clock import WIB
from app.extensions import db
from app.requests.models import ConsultationRequest, RequestLetter


def letter(req: ConsultationRequest, owner: User, submitted: datetime) -> None:
    content = demo_pdf(f"Surat Permintaan Konsultasi {req.service_user_name}")
    stored = f"{uuid.uuid4().hex}.pdf"
    folder = os.path.join(current_app.config["UPLOAD_DIR"], "letters")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, stored), "wb") as fh:
        fh.write(content)
    signatory = "Sekretaris DPRD" if req.unit_type == UnitType.DPRD else "Sekretaris Daerah"
    db.session.add(
        RequestLetter(
            request_id=req.id,
            number=f"005/{100 + req.id}/{submitted.astimezone(WIB):%Y}",
            letter_date=(submitted.astimezone(WIB) - timedelta(days=1)).date(),
            signatory=signatory,
            addressee=data.LETTER_ADDRESSEE,
            original_filename="surat-permintaan-konsultasi.pdf",
            stored_name=stored,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=submitted,
            uploaded_by_id=owner.id,
        )
    )


def demo_pdf(title: str) -> bytes:
    """A minimal valid one-page PDF showing `title` (ASCII), with a correct xref table."""
    text = title.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of_objects(objects)


def pdf_of_objects(objects: list[bytes], version: str = "1.4") -> bytes:
    """A PDF written byte by byte: objects 1, 2... (1 is the catalog), with a correct xref."""
    out = bytearray(f"%PDF-{version}\n".encode())
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
