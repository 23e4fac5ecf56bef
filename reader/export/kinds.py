"""What kind of work a paper is, for a paper the library knows only by its venue's name.

A paper added from a PDF or by hand has no entry type: every one with a venue was
written as ``@inproceedings``, so a *Nature* article came out as a conference
paper. The venue's name says it in most cases: "Conference", "Workshop",
"Proceedings" or a conference's acronym; "Journal", "Transactions", "Letters" or a
journal's name; arXiv, bioRxiv or CoRR for a preprint. An unknown name is taken for
a journal: conference names nearly always carry one of those words or acronyms.
"""

from __future__ import annotations

import re

ARTICLE, PROCEEDINGS, PREPRINT, OTHER = "article", "inproceedings", "preprint", "misc"

_CONFERENCE_WORDS = re.compile(
    r"\b(?:conference|conf\.|workshops?|symposium|congress|proceedings(?! of the national academy)|proc\.|"
    r"meeting|findings of)\b", re.IGNORECASE)
_JOURNAL_WORDS = re.compile(
    r"\b(?:journal|transactions|letters|review|reviews|magazine|annals|bulletin|quarterly|acta|"
    r"proceedings of the national academy|nature|science|cell|lancet|plos|pnas|jmlr|tmlr|tpami|tacl|"
    r"communications of the acm|physical review|neural computation|elife|bmj|jama|"
    r"computational linguistics|machine learning|artificial intelligence|neurocomputing)\b", re.IGNORECASE)
_CONFERENCE_NAMES = re.compile(
    r"\b(?:neurips|nips|icml|iclr|aaai|ijcai|acl|naacl|eacl|aacl|emnlp|coling|conll|lrec|cvpr|iccv|eccv|wacv|"
    r"bmvc|kdd|www|wsdm|sigir|cikm|recsys|chi|uist|colt|aistats|uai|interspeech|icassp|miccai|corl|rss|"
    r"icra|iros|sigmod|vldb|icde|osdi|sosp|nsdi|usenix|ccs|sigcomm|isca|micro|asplos|pldi|popl|icse|fse|"
    r"stoc|focs|soda|icalp|siggraph|ismir)\b", re.IGNORECASE)
_PREPRINT = re.compile(r"\b(?:arxiv|biorxiv|medrxiv|chemrxiv|corr|ssrn|preprint|openreview)\b", re.IGNORECASE)


def kind_of(venue: str, arxiv_id: str = "") -> str:
    """``ARTICLE``, ``PROCEEDINGS``, ``PREPRINT`` (arXiv and the like) or ``OTHER`` (no venue)."""
    venue = " ".join((venue or "").split())
    if not venue:
        return PREPRINT if arxiv_id else OTHER
    if _CONFERENCE_WORDS.search(venue):
        return PROCEEDINGS
    if _JOURNAL_WORDS.search(venue):
        return ARTICLE
    if _CONFERENCE_NAMES.search(venue):
        return PROCEEDINGS
    if _PREPRINT.search(venue):
        return PREPRINT
    return ARTICLE


# The kind of a stored BibTeX entry type, so RIS and CSL-JSON name an imported @book a book.
BIBTEX_KINDS = {"article": ARTICLE, "inproceedings": PROCEEDINGS, "conference": PROCEEDINGS,
                "unpublished": PREPRINT, "online": OTHER, "misc": OTHER}
