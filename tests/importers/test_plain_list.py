"""Plain lists and reading-list posts: each named paper becomes one to fill in."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importers.plain_list import import_plain_list, parse_plain_list
from reader.library import Library

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    yield lib
    lib.close()


def test_a_seed_post_gives_its_numbered_papers(library):
    post = SEEDS / "iclr2020-deep-learning-papers.txt"
    if not post.is_file():
        pytest.skip(f"seed post not found at {post}")
    report = import_plain_list(library, post, tags=["ICLR 2020"])
    titles = [t for _, t in report.added]
    assert len(titles) == 16
    assert titles[0] == "On Robustness of Neural Ordinary Differential Equations"
    assert "The Break-Even Point on Optimization Trajectories of Deep Neural Networks" in titles  # "7.The…"
    assert titles[-1] == "Network Deconvolution"
    assert any("navigation" in p for p in report.problems)  # the post's "1. Deep learning (here)" list
    first = library.paper(report.added[0][0])
    assert first.authors == ("Hanshu YAN",) and first.tags == ("ICLR 2020",)
    again = import_plain_list(library, post)
    assert again.added == [] and len(again.duplicates) == 16


def test_one_per_line_titles_dois_and_arxiv_ids(library, tmp_path):
    text = ("Attention Is All You Need\n\n# a heading, not a paper\n10.18653/v1/N19-1423\n"
            "https://doi.org/10.1000/xyz\narXiv:2010.11929v2\nhttps://arxiv.org/abs/1706.03762\n"
            "Deep Residual Learning (2016)\n")
    path = tmp_path / "list.txt"
    path.write_text(text, encoding="utf-8")
    report = import_plain_list(library, path)
    papers = [library.paper(i) for i, _ in report.added]
    assert [p.title for p in papers] == ["Attention Is All You Need", "DOI 10.18653/v1/N19-1423", "DOI 10.1000/xyz",
                                         "arXiv 2010.11929", "arXiv 1706.03762", "Deep Residual Learning"]
    assert papers[1].doi == "10.18653/v1/N19-1423" and papers[3].arxiv_id == "2010.11929"
    assert papers[4].url == "https://arxiv.org/abs/1706.03762" and papers[5].year == 2016


def test_markdown_bullets_with_links():
    items, _ = parse_plain_list("Intro prose.\n\n- [Deep Residual Learning](https://arxiv.org/abs/1512.03385)\n"
                                "* **Mogrifier LSTM**\n+ [ ] Reformer: The Efficient Transformer\n")
    assert [i.fields.title for i in items] == ["Deep Residual Learning", "Mogrifier LSTM",
                                               "Reformer: The Efficient Transformer"]
    assert items[0].fields.arxiv_id == "1512.03385" and items[0].line == 3


def test_pasted_text(library):
    report = import_plain_list(library, "First Paper\nSecond Paper\nFirst Paper\n", is_text=True)
    assert [t for _, t in report.added] == ["First Paper", "Second Paper"] and len(report.duplicates) == 1
