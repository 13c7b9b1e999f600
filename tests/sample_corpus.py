"""A small two-source corpus with known alignments, shared by the matcher and compare tests."""

TOPICS = [
    {"key": "public-ownership", "label": "Public ownership",
     "proposition": "Probation should be publicly owned.", "aliases": ["public sector", "mixed market"]},
    {"key": "unpaid-work", "label": "Unpaid work",
     "proposition": "Unpaid work should benefit communities.", "aliases": ["UPW", "community payback"]},
    {"key": "pre-sentence-reports", "label": "Pre-sentence reports",
     "proposition": "Courts should get full pre-sentence reports.", "aliases": ["PSR", "pre-sentence report"]},
]

SOURCES = {
    "unions": {"name": "Unions", "statements": [
        {"id": "public-service", "text": "Probation must be a publicly owned service with directly employed staff.",
         "stances": {"public-ownership": "support"}},
        {"id": "upw-communities", "text": "UPW placements should visibly serve our communities.",
         "stances": {"unpaid-work": "support"}},
        {"id": "psr-quality", "text": "Courts need full written pre-sentence reports, not rushed oral ones.",
         "stances": {"pre-sentence-reports": "support"}},
        {"id": "tea", "text": "Staff canteens should serve better tea and biscuits."},
    ]},
    "ministry": {"name": "Ministry", "statements": [
        {"id": "mixed-market", "text": "There is strength in a mixed market of probation providers, public and private.",
         "stances": {"public-ownership": "oppose"}},
        {"id": "unpaid-work", "text": "Community payback placements should benefit local communities.",
         "stances": {"unpaid-work": "support"}},
        {"id": "advice-to-court", "text": "We will improve pre-sentence reports so that courts have better advice.",
         "stances": {"pre-sentence-reports": "support"}},
        {"id": "digital", "text": "We will invest in digital services and data exchange."},
    ]},
}
