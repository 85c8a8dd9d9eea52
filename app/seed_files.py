"""Files of the demo data: request letters as small, valid PDFs (part of `flask seed-demo`)."""

from datetime import datetime, timedelta

from app import seed_data as data
from app.auth.models import UnitType, User
from app.core import files
from app.core.clock import WIB
from app.extensions import db
from app.requests.models import ConsultationRequest, RequestLetter


def letter(req: ConsultationRequest, owner: User, submitted: datetime) -> None:
    content = demo_pdf(f"Surat Permintaan Konsultasi {req.service_user_name}")
    stored = files.new(content, files.FileKind.LETTER, "application/pdf", owner.id)
    signatory = "Sekretaris DPRD" if req.unit_type == UnitType.DPRD else "Sekretaris Daerah"
    db.session.add(
        RequestLetter(
            request_id=req.id,
            number=f"005/{100 + req.id}/{submitted.astimezone(WIB):%Y}",
            letter_date=(submitted.astimezone(WIB) - timedelta(days=1)).date(),
            signatory=signatory,
            addressee=data.LETTER_ADDRESSEE,
            original_filename="surat-permintaan-konsultasi.pdf",
            file=stored,
            size=stored.size,
            sha256=stored.sha256,
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
