"""Reading an invoice PDF back as a librarian's PDF reader would."""

import io
import re

from pypdf import PdfReader


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(content):
    """Names of the fonts whose glyphs are carried inside the PDF."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descendant.get_object()["/BaseFont"]))
    return names


def characters_by_font(content):
    """For each embedded font, the characters its glyphs stand for (read from its ToUnicode map)."""
    characters = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1").split("endcodespacerange")[-1]
            found = characters.setdefault(str(font["/BaseFont"]), set())
            for code in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", cmap):
                found.update(bytes.fromhex(code).decode("utf-16-be"))
    return characters
