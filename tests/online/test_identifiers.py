"""What a pasted line is read as."""

from __future__ import annotations

import pytest

from reader.online.identifiers import (
    ACL,
    ARXIV,
    DOI,
    OPENREVIEW,
    WEB,
    NotAnIdentifier,
    parse_identifier,
    split_identifiers,
)


@pytest.mark.parametrize(("text", "kind", "value", "version"), [
    ("2101.05225", ARXIV, "2101.05225", ""),
    ("arXiv:2101.05225v2", ARXIV, "2101.05225", "2"),
    ("  arxiv:1205.1001 ", ARXIV, "1205.1001", ""),
    ("hep-th/9901001", ARXIV, "hep-th/9901001", ""),
    ("math.CO/0601001v3", ARXIV, "math.CO/0601001", "3"),
    ("https://arxiv.org/abs/1910.05513", ARXIV, "1910.05513", ""),
    ("https://arxiv.org/abs/1910.05513v4", ARXIV, "1910.05513", "4"),
    ("http://arxiv.org/pdf/1910.05513v1.pdf", ARXIV, "1910.05513", "1"),
    ("https://arxiv.org/pdf/2101.05225", ARXIV, "2101.05225", ""),
    ("https://export.arxiv.org/abs/hep-th/9901001v2", ARXIV, "hep-th/9901001", "2"),
    ("arxiv.org/abs/2101.05225", ARXIV, "2101.05225", ""),
    ("10.1021/acs.orglett.9b00971", DOI, "10.1021/acs.orglett.9b00971", ""),
    ("doi:10.5438/4k3m-nyvg", DOI, "10.5438/4k3m-nyvg", ""),
    ("https://doi.org/10.1371/journal.pone.0213978", DOI, "10.1371/journal.pone.0213978", ""),
    ("https://dx.doi.org/10.1002/(SICI)1521-3773(19980302)37:4%3C489::AID-ANIE489%3E3.0.CO;2-N", DOI,
     "10.1002/(SICI)1521-3773(19980302)37:4<489::AID-ANIE489>3.0.CO;2-N", ""),
    ("https://doi.org/10.48550/arXiv.2101.05225", ARXIV, "2101.05225", ""),
    ("https://openreview.net/forum?id=B1e9Y2NYvS", OPENREVIEW, "B1e9Y2NYvS", ""),
    ("https://openreview.net/pdf?id=B1e9Y2NYvS", OPENREVIEW, "B1e9Y2NYvS", ""),
    ("https://openreview.net/forum?id=B1e9Y2NYvS&noteId=xyz123abc", OPENREVIEW, "B1e9Y2NYvS", ""),
    ("https://aclanthology.org/2020.acl-main.447/", ACL, "2020.acl-main.447", ""),
    ("https://aclanthology.org/2020.acl-main.447.pdf", ACL, "2020.acl-main.447", ""),
    ("https://www.aclweb.org/anthology/P14-1059.pdf", ACL, "P14-1059", ""),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978", WEB,
     "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978", ""),
])
def test_every_common_spelling_is_read(text, kind, value, version):
    ident = parse_identifier(text)
    assert (ident.kind, ident.value, ident.version) == (kind, value, version)


@pytest.mark.parametrize("text", ["", "   ", "file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x.pdf",
                                  "Attention is all you need", "arXiv:12345", "doi:11.1/x"])
def test_what_names_no_paper_is_refused_with_a_reason(text):
    with pytest.raises(NotAnIdentifier) as caught:
        parse_identifier(text)
    assert str(caught.value)


def test_a_pasted_block_is_split_into_its_ids():
    text = "arXiv:2101.05225\nhttps://doi.org/10.1145/3292500.3330701, https://openreview.net/forum?id=B1e9Y2NYvS\n\n  1205.1001 "
    assert split_identifiers(text) == ["arXiv:2101.05225", "https://doi.org/10.1145/3292500.3330701",
                                       "https://openreview.net/forum?id=B1e9Y2NYvS", "1205.1001"]
    assert split_identifiers("Attention is all you need\n2101.05225") == ["Attention is all you need", "2101.05225"]
