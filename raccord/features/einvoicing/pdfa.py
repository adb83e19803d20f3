"""Making the Factur-X a PDF/A-3 for real, after factur-x has attached the XML: an sRGB output
intent (the ICC profile built by LittleCMS through Pillow, so no profile file ships with
raccord), and document information equal to the XMP metadata (Producer, Keywords)."""

from __future__ import annotations

import io

import pikepdf
from PIL import ImageCms

PRODUCER = "raccord"
SRGB = "sRGB IEC61966-2.1"


def _srgb_profile() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def finish(content: bytes, keywords: str) -> bytes:
    """The PDF with its output intent, and Info and XMP in agreement."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        icc = pikepdf.Stream(pdf, _srgb_profile())
        icc["/N"] = 3
        pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String(SRGB), Info=pikepdf.String(SRGB),
            RegistryName=pikepdf.String("http://www.color.org"),
            DestOutputProfile=pdf.make_indirect(icc)))])
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["pdf:Producer"] = PRODUCER
            xmp["pdf:Keywords"] = keywords
        info = pdf.docinfo
        info["/Producer"] = pikepdf.String(PRODUCER)
        info["/Keywords"] = pikepdf.String(keywords)
        if "/Trapped" in info:
            del info["/Trapped"]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
