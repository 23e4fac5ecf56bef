"""The venue is the name people cite and its year, never the footer's pages, place and dates."""

from __future__ import annotations

import pytest

from reader.pdf.extract import extract_pdf
from reader.pdf.metadata import short_venue


@pytest.mark.parametrize(("stem", "venue"), [
    ("s2__N18-3011", "NAACL-HLT 2018"),
    ("pm__2020.acl-main.447", "ACL 2020"),
    ("sp__P14-1059", "ACL 2014"),
    ("sp__agarwal11", "ICML 2011"),
    ("sp__mooney05", "CoNLL 2005"),
    ("cer__test1", "Journal of Trauma Management & Outcomes 2010"),
])
def test_real_papers_get_the_venue_they_are_cited_by(corpus, stem, venue):
    assert extract_pdf(corpus / "papers" / f"{stem}.pdf").metadata.venue == venue


@pytest.mark.parametrize(("footer", "venue"), [
    ("Proceedings of NAACL-HLT 2018, pages 84–91 New Orleans, Louisiana, June 1 - 6, 2018", "NAACL-HLT 2018"),
    ("Proceedings of the 52nd Annual Meeting of the Association for Computational Linguistics, pages 624–633, "
     "Baltimore, Maryland, USA, June 23-25 2014", "ACL 2014"),
    ("Proceedings of the 28 th International Conference on Machine Learning, Bellevue, WA, USA, 2011", "ICML 2011"),
    ("Published as a conference paper at ICLR 2020", "ICLR 2020"),
    ("In Proceedings of the 2019 Conference on Empirical Methods in Natural Language Processing and the 9th "
     "International Joint Conference on Natural Language Processing (EMNLP-IJCNLP), pages 1–10, Hong Kong, "
     "China, November 3–7, 2019", "EMNLP-IJCNLP 2019"),
    ("Journal of Physics: Conference Series 2188 (2022) 012011 doi:10.1088/1742-6596/2188/1/012011",
     "Journal of Physics: Conference Series 2022"),
    ("Journal of Machine Learning Research 15 (2014) 1929-1958", "Journal of Machine Learning Research 2014"),
    ("Transactions of the Association for Computational Linguistics, vol. 8, pp. 64–77, 2020",
     "Transactions of the Association for Computational Linguistics 2020"),
])
def test_footer_is_cut_to_name_and_year(footer, venue):
    assert short_venue(footer) == venue


def test_journals_named_proceedings_keep_their_name():
    assert short_venue("Proceedings of the IEEE, vol. 86, no. 11") == "Proceedings of the IEEE"
    assert short_venue("Proceedings of the National Academy of Sciences 117 (2020)") == \
        "Proceedings of the National Academy of Sciences 2020"


def test_a_footer_without_a_name_gives_no_venue():
    assert short_venue("Proceedings of the , pages 1-10") is None
