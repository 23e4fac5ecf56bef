"""Title, authors, year, venue, abstract and identifiers from generated first pages."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from reader.pdf.extract import extract_pdf
from reader.pdf.metadata import sane_info_title

BODY = [
    "The method we propose builds on earlier work",
    "and extends it to the setting where labels are",
    "scarce and the documents are long, which is the",
    "common case for research papers in most fields.",
]


def first_page(
    tmp_path: Path,
    *,
    title: list[str] = ("Learning to Read Long Scientific", "Documents with Sparse Labels"),
    authors: str = "Alice Smith, Bob Jones and Carol White",
    info_title: str | None = None,
    extra: list[str] = (),
    stamp: str | None = None,
    xmp_doi: str | None = None,
) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    y = 90
    for line in title:
        page.insert_text((110, y), line, fontsize=17, fontname="tibo")
        y += 21
    page.insert_text((150, y + 10), authors, fontsize=12, fontname="tiro")
    page.insert_text((200, y + 25), "University of Nowhere, Springfield", fontsize=11, fontname="tiro")
    page.insert_text((200, y + 38), "{alice,bob}@nowhere.edu", fontsize=10, fontname="cour")
    y += 80
    page.insert_text((140, y), "Abstract", fontsize=12, fontname="tibo")
    y += 16
    for line in BODY + ["We release code and data for all experiments."]:
        page.insert_text((72, y), line, fontsize=10, fontname="tiro")
        y += 12
    y += 14
    page.insert_text((72, y), "1 Introduction", fontsize=12, fontname="tibo")
    y += 16
    for line in BODY * 3 + list(extra):
        page.insert_text((72, y), line, fontsize=10, fontname="tiro")
        y += 12
    if stamp:
        page.insert_text((30, 600), stamp, fontsize=20, fontname="tiro", rotate=90)
    if info_title is not None:
        doc.set_metadata({"title": info_title})
    if xmp_doi:
        doc.set_xml_metadata(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" prism:doi="{xmp_doi}"/>'
            "</rdf:RDF></x:xmpmeta>"
        )
    path = tmp_path / "paper.pdf"
    doc.save(path)
    doc.close()
    return path


def test_title_is_the_largest_text_at_the_top_even_with_a_junk_info_title(tmp_path):
    meta = extract_pdf(first_page(tmp_path, info_title="Microsoft Word - draft3.docx")).metadata
    assert meta.title == "Learning to Read Long Scientific Documents with Sparse Labels"


def test_authors_in_printed_order_without_affiliations(tmp_path):
    meta = extract_pdf(first_page(tmp_path)).metadata
    assert meta.authors == ("Alice Smith", "Bob Jones", "Carol White")


def test_acm_style_uppercase_author_with_affiliation(tmp_path):
    meta = extract_pdf(first_page(tmp_path, authors="TAL AUGUST, University of Washington, USA")).metadata
    assert meta.authors == ("Tal August",)


def test_abstract_stops_at_the_first_section(tmp_path):
    meta = extract_pdf(first_page(tmp_path)).metadata
    assert meta.abstract is not None
    assert meta.abstract.startswith("The method we propose builds on earlier work and extends it")
    assert meta.abstract.endswith("We release code and data for all experiments.")
    assert "Introduction" not in meta.abstract


def test_doi_year_and_venue_from_the_page(tmp_path):
    extra = ["Proceedings of the 61st Annual Meeting of the ACL, 2023.", "doi:10.18653/v1/2023.acl-long.1."]
    meta = extract_pdf(first_page(tmp_path, extra=extra)).metadata
    assert meta.doi == "10.18653/v1/2023.acl-long.1"
    assert meta.year == 2023
    assert meta.venue == "ACL 2023"


def test_doi_from_xmp(tmp_path):
    meta = extract_pdf(first_page(tmp_path, xmp_doi="10.1038/nn.2727")).metadata
    assert meta.doi == "10.1038/nn.2727"


def test_arxiv_id_from_the_margin_stamp(tmp_path):
    meta = extract_pdf(first_page(tmp_path, stamp="arXiv:2101.00123v2 [cs.CL] 4 Jan 2021")).metadata
    assert meta.arxiv_id == "2101.00123"


def test_info_title_is_the_fallback_only_when_sane(tmp_path):
    path = tmp_path / "plain.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(BODY * 4):
        page.insert_text((72, 72 + 12 * i), line, fontsize=10)
    doc.set_metadata({"title": "Sparse Labels for Long Documents"})
    doc.save(path)
    doc.close()
    assert extract_pdf(path).metadata.title == "Sparse Labels for Long Documents"
    assert sane_info_title("paper.dvi") is None
    assert sane_info_title("untitled") is None
    assert sane_info_title("Microsoft Word - final.docx") is None
    assert sane_info_title("Attention Is All You Need") == "Attention Is All You Need"
