"""Bylines a page prints in its own elements (class/id/itemprop/rel naming an author), and how
they correct trafilatura's author field: trafilatura drops punctuation and accents from names
("T. V. Raman" -> "T V Raman", "Gàbor Muniér" -> "Gabor Munier") and often answers with the
publisher when the byline is only in the page body.
"""

from __future__ import annotations

import re
import unicodedata

from newsclaims.corpus.byline import clean_author

# Attribute words that mark a byline element, in the languages of the eval pages and beyond.
_BYLINE_ATTR = re.compile(r"author|byline|autor|verfasser|writer|creator|firma", re.IGNORECASE)
# Comment threads, forms and share boxes carry commenters' names, not the article's author.
# Matched as whole class parts: "single-format-standard" is no form.
_NOT_BYLINE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:comment\w*|form|reply|respond|share|sharing|social|avatar|widget\w*|login)(?=$|[\s_-])",
    re.IGNORECASE,
)
_SKIP_TAGS = {"script", "style", "html", "body", "head", "meta", "link", "noscript", "time", "img", "form"}
_LEAD = re.compile(
    r"^(?:(?:posted|published|written|geschrieben|veröffentlicht|publié|publicado|escrito)\s+(?:by|von|par|por)|"
    r"by|von|par|por|escribe|author(?:\(s\))?|autor(?:in|en)?|auteur|text|texto)(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)
# Where a byline's names stop: a date, a pipe, "am"/"on" + date, "says:".
_TAIL = re.compile(
    r"\s+(?:\||·|•|»|–|—|-)\s+.*$|\s+(?:am|on|le|el|il|vom|at|um)\s+\d.*$|\s+\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}.*$"
    r"|\s+\d{1,2}\.?\s+[A-Za-zäéû]+\.?\s+\d{4}.*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;| and | und | & | y | et | e | и )\s*")
_PARTICLES = {"de", "da", "del", "di", "van", "von", "der", "le", "la", "du", "dos", "bin", "al", "ter", "den"}


def name_key(name: str) -> str:
    """A name compared as a reader would: no case, accents, dots or separators."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum())


_LEAD_WORDS = {"by", "von", "par", "por", "posted", "text", "autor", "author", "written", "escribe", "de", "di"}


def _is_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 4 or len(name) > 48 or ":" in name:  # "Foto: Jane Doe" credits a photo
        return False
    if words[-1].casefold() in _LEAD_WORDS:  # "By" alone, "Artikel von": the name is elsewhere
        return False
    if len(words) == 1:  # a handle ("uriebe", "c1ph4") is a byline; a lone label ("Name") is not
        return len(name) >= 2 and name.casefold() not in {"name", "datum", "date", "email", "e-mail", "website"}
    return not any(ch.isdigit() for ch in name) and all(
        w[0].isupper() or w.casefold() in _PARTICLES or not w[0].isalpha() for w in words
    )


def names_in(text: str) -> list[str]:
    """The person names a byline element's text gives ("Von Jane Doe | 3. Mai 2024" -> [Jane Doe]);
    [] when the text does not read as names only."""
    text = " ".join(text.split())
    for _ in range(2):
        text = _LEAD.sub("", text)
    text = _TAIL.sub("", text).strip(" :|,;-–—~")
    if not text or len(text) > 120:
        return []
    names = [clean_author(part) for part in _SPLIT.split(text) if part.strip()]
    if not names or any(n is None or not _is_name(n) for n in names):
        return []
    return list(dict.fromkeys(n for n in names if n))


def _attrs(el) -> str:
    return " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"), el.get("rel"))))


def byline_names(tree) -> list[tuple[str, ...]]:
    """Names of each byline element outside comments and forms, in document order, innermost
    first (a wrapper "author-box" and its "author-name" child give one entry)."""
    out: list[tuple[str, ...]] = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or not _BYLINE_ATTR.search(_attrs(el)):
            continue
        if any(_NOT_BYLINE_ATTR.search(_attrs(a)) for a in (el, *el.iterancestors())):
            continue
        names = names_in("".join(el.itertext()))
        if names and tuple(names) not in out:
            out.append(tuple(names))
    return out


def spelled_as_printed(authors: list[str], printed: list[str]) -> list[str]:
    """Each of `authors` as the page prints it, where a printed name is the same name but for
    case, accents and punctuation."""
    by_key = {name_key(p): p for p in reversed(printed) if len(p.split()) > 1}  # not a handle "jane.doe"
    return [by_key.get(name_key(a), a) if len(a.split()) > 1 else a for a in authors]
