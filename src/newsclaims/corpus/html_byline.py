"""Bylines a page prints in its own elements (class/id/itemprop/rel naming an author), and how
they correct trafilatura's author field: trafilatura drops punctuation and accents from names
("T. V. Raman" -> "T V Raman", "Gàbor Muniér" -> "Gabor Munier") and often answers with the
publisher when the byline is only in the page body.
"""

from __future__ import annotations

import re
import unicodedata

from newsclaims.corpus.byline import WEEKDAYS, clean_author, is_credential

# Attribute words that mark a byline element, in the languages of the eval pages and beyond.
_BYLINE_ATTR = re.compile(r"author|byline|autor|auteur|verfasser|writer|creator|contributor|firma", re.IGNORECASE)
# Comment threads, forms and share boxes carry commenters' names, not the article's author.
# Matched as whole class parts: "single-format-standard" is no form.
_NOT_BYLINE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:comment\w*|form|reply|respond|share|sharing|social|avatar|widget\w*|login)(?=$|[\s_-])",
    re.IGNORECASE,
)
_SKIP_TAGS = {"script", "style", "html", "body", "head", "meta", "link", "noscript", "time", "img", "form"}
_POSTED = r"(?:posted|published|written|geschrieben|veröffentlicht|erstellt|publié|publicado|escrito)"
_LEAD = re.compile(
    # "Posted on September 21, 2020 by": the date between the verb and "by" is no name
    rf"^(?:{_POSTED}\s+(?:on|am|le|el)\s+[^|]{{3,40}}?\s+(?:by|von|par|por)|{_POSTED}\s+(?:by|von|par|por)|"
    r"(?:(?:ein|eine|an?|un)\s+)?(?:artikel|beitrag|gastbeitrag|bericht|article|story|post|texte?)\s+(?:von|by|de)|"
    r"by|von|par|por|escribe|author(?:\(s\))?|autor(?:in|en|/in)?|auteur|text|texto)(?:\s*:\s*|\s+)"
    # Chinese bylines: the responsible editor, the author, the reporter ("责任编辑：焦鹏")
    r"|^(?:责任编辑|编辑|作者|记者)\s*[:：]\s*",
    re.IGNORECASE,
)
_WEEKDAY = f"(?:{'|'.join(WEEKDAYS)})"
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mär|mai|okt|dez|janv|févr|avr|juil|août|déc|ene|abr|ago|dic)"
)
# Where a byline's names stop: a date, a pipe, "am"/"on" + date, "says:".
_TAIL = re.compile(
    r"\s+(?:\||·|•|»|–|—|-)\s+.*$|\s+(?:am|on|le|el|il|vom|at|um)\s+\d.*$|\s+\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}.*$"
    r"|\s+\d{1,2}\.?\s+[A-Za-zäéû]+\.?\s+\d{4}.*$"
    # "Thursday, November 9, 2023", "November 9, 2023" (a weekday alone may be a surname: "Hans Freitag")
    rf"|,?\s+(?:(?:am|on|le|el)\s+)?{_WEEKDAY},?\s+(?=\d|{_MONTH}).*$|,?\s+{_MONTH}\w*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}.*$"
    # a role after the name ("Eva Roth (Pressesprecherin)"), credits for pictures after the text's
    r"|\s*\(.*$|\s+(?:illustrations?|fotos?|photos?|bilder?|grafik|mitarbeit|edited|editing)\b.*$"
    r"|\s+(?:publiziert|aktualisiert|updated|published|publié|mis à jour|publicado|actualizado)\b.*$"
    # the agency a writer files for ("Von David Hutzler, dpa")
    r"|,\s*(?:dpa|afp|ap|reuters|apa|kna|epd|sda)\s*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;| and | und | & | y | et | e | и )\s*")
PARTICLES = {"de", "da", "del", "di", "van", "von", "der", "le", "la", "du", "dos", "bin", "al", "ter", "den"}


def loose_key(text: str | None) -> str:
    """Words of letters and digits, without case or accents: how two spellings of one name or
    title compare."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c)).split())


def name_key(name: str) -> str:
    """A name compared as a reader would: no case, accents, dots or separators."""
    return loose_key(name).replace(" ", "")


_DETERMINERS = {"ein", "eine", "die", "das", "the", "un", "une", "una", "los", "las", "les"}
_LEAD_WORDS = {"by", "von", "par", "por", "posted", "text", "autor", "author", "written", "escribe", "de", "di"}


def is_name(name: str) -> bool:
    """A person's name or handle as bylines print them: up to four capitalized words (particles
    aside), no sentence ("Hecho en Bolivia con Drupal", "Art Edwards says"), no label."""
    words = name.split()
    if not 1 <= len(words) <= 4 or len(name) > 48 or ":" in name:  # "Foto: Jane Doe" credits a photo
        return False
    if words[-1].casefold() in _LEAD_WORDS:  # "By" alone, "Artikel von": the name is elsewhere
        return False
    if len(words) > 1 and words[0].casefold() in _DETERMINERS:  # "Eine Publikation der ...", "Die Furche"
        return False
    if len(words) == 1:  # a handle ("uriebe", "c1ph4") is a byline; a lone label ("Name") is not
        return len(name) >= 2 and name.casefold() not in {"name", "datum", "date", "email", "e-mail", "website"}
    return not any(ch.isdigit() for ch in name) and all(
        w[0].isupper() or w.casefold() in PARTICLES or not w[0].isalpha() for w in words
    )


def reads_as_text(name: str) -> bool:
    """An author field that is words, not a name: more than five words, or three and more with
    lowercase words that are no particles ("Hecho en Bolivia con Drupal por Smartica", "Art
    Edwards says", "Peter Amende und Fuchsy designed"); "Mobasir hassan" is a name typed in haste."""
    words = name.split()
    lower = [w for w in words if w.isalpha() and len(w) > 1 and w.islower() and w not in PARTICLES]
    said = len(words) > 1 and words[-1].casefold() in {"says", "said", "sagt", "schreibt", "dit", "dice"}  # a commenter
    return said or len(words) > 5 or (len(words) >= 3 and bool(lower))


def names_in(text: str) -> list[str]:
    """The person names a byline element's text gives ("Von Jane Doe | 3. Mai 2024" -> [Jane Doe]);
    [] when the text does not read as names only."""
    text = " ".join(text.split())
    for _ in range(2):
        text = _LEAD.sub("", text)
    text = _TAIL.sub("", text).strip(" :|,;-–—~")
    if not text or len(text) > 120:
        return []
    names = [clean_author(part) for part in _SPLIT.split(text) if part.strip() and not is_credential(part.strip())]
    if not names or any(n is None or not is_name(n) for n in names):
        return []
    return list(dict.fromkeys(n for n in names if n))


def full_names(names: list[str]) -> bool:
    """Each a name of two words or more, or of Chinese characters (written without spaces):
    "By Tuesday" or "Von Berlin" start many a sentence."""
    return bool(names) and all(len(n.split()) > 1 or _CJK_NAME.fullmatch(n) for n in names)


_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _attrs(el) -> str:
    keys = ("class", "id", "itemprop", "rel", "data-testid")  # data-testid: class names hashed away
    return " ".join(filter(None, map(el.get, keys)))


def _outside_comments(el) -> bool:
    return not any(_NOT_BYLINE_ATTR.search(_attrs(a)) or a.tag == "nav" for a in (el, *el.iterancestors()))


def _lines(el) -> list[str]:
    """The element's text cut at its line breaks: "<p><b>Autor:</b> Jane Doe<br>Tags: ...</p>"."""
    lines, line = [], [el.text or ""]
    for child in el:
        if child.tag == "br":
            lines.append(line)
            line = [child.tail or ""]
        else:
            line += [*child.itertext(), child.tail or ""] if isinstance(child.tag, str) else [child.tail or ""]
    return [" ".join("".join(part).split()) for part in [*lines, line]]


# "04.02.2022 | 13:10 Uhr | Jane Doe", "25.10.2022 - Jane Doe": a dated line beside the headline
_DATED = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}(?:\s*[|,]\s*\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?\s*[-–|]\s*")


def _byline_line(el, headed: list) -> list[str]:
    """The people a printed line names when it starts with a byline word ("Von Jane Doe",
    "Autor: Jane Doe", "Text von Jane Doe, Illustration von ...") in an element of no byline
    class, or, beside the <h1> (`headed`: the <h1>s' parents), with a date. Only full
    names (two words or more): "By Tuesday" or "Von Berlin" start many a sentence."""
    start = (el.text or "").strip() or (el[0].text or "" if len(el) and isinstance(el[0].tag, str) else "")
    lead = _LEAD.match(start.lstrip() + " ")
    parent = el.getparent()
    beside = any(a is h for a in (parent, parent.getparent() if parent is not None else None) for h in headed)
    if not lead and not (beside and start[:1].isdigit()) and not any(c.tag == "br" for c in el):
        return []
    for line in _lines(el):
        if len(_TAIL.sub("", line)) > 100:  # "Von R. R. am 07.08.2013 um 09:07 Uhr gespeichert unter ..."
            continue
        if _DATED.match(line) and beside:
            line = _DATED.sub("", line)
        elif not _LEAD.match(line):
            continue
        names = names_in(line)
        if not names and "," in line and not names_in(line.split(",", 1)[1]):
            names = names_in(line.split(",", 1)[0])  # "Autorin: Uta Staschewski, Projektleiterin der HSS"
        # "Posted by Konstantin", "Erstellt von Fabian am ...": after such a verb a handle is a name
        if full_names(names) or (len(names) == 1 and _POSTED_LINE.match(line)):
            return names
    return []


_POSTED_LINE = re.compile(rf"^{_POSTED}\b", re.IGNORECASE)


# A byline word printed alone ("<span>| By </span><span>Cara Stiles</span>"): the names follow
_LABEL = re.compile(r"^[\s|:·•–—-]*(?:by|von|par|por)[\s|:]*$", re.IGNORECASE)
_CONTROLS = {"input", "select", "button", "textarea"}
_BOX_BLOCKS = {"div", "p", "h2", "h3", "h4", "h5", "h6", "li"}  # not a link in a line "A, role & B, role"


def _labelled(el) -> list[str]:
    """The names beside a byline word that is an element of its own, or a text's tail
    ("</span>责任编辑： 焦鹏")."""
    if el.tail and _LEAD.match(" ".join(el.tail.split()) + " "):
        names = names_in(el.tail)
        if full_names(names):
            return names
    following = el.getnext()
    if following is None or not _LABEL.match(el.text_content()):
        return []
    if any(d.tag in _CONTROLS for e in (el, following) for d in e.iter()):  # a form row "Von: [input]"
        return []
    names = names_in("By " + " ".join(following.itertext()))
    return names if full_names(names) else []


def _boxed(el) -> list[str]:
    """The name an author box heads with ("<div class="author-bio"><h3>Martin Junker</h3>
    <p>...</p>", "<div class="author"><div>Johanna Kropfitsch</div><a>Alle Artikel</a>"):
    the first text of its own in the box."""
    first = next(
        (d.text for d in el.iterdescendants(*_BOX_BLOCKS) if (d.text or "").strip()),
        None,
    )
    if first is None or first.strip() == " ".join(el.itertext()).strip():
        return []
    names = names_in(first)
    return names if full_names(names) else []


def byline_names(tree) -> list[tuple[str, ...]]:
    """Names of each byline element outside comments and forms, in document order, innermost
    first (a wrapper "author-box" and its "author-name" child give one entry); then those of
    printed byline lines (in an element of a byline class whose whole text is more than names,
    or of none)."""
    out: list[tuple[str, ...]] = []
    lines: list[tuple[str, ...]] = []
    # one byline printed twice ("TIM ANDERSON", "Tim Anderson") is one
    seen: set[tuple[str, ...]] = set()
    seen_lines: set[tuple[str, ...]] = set()
    # kept alive, so that lxml hands out the same proxy objects for them (compared with `is`)
    headed = [h1.getparent() for h1 in tree.iter("h1") if h1.getparent() is not None]
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        names: list[str] = []
        if _BYLINE_ATTR.search(f"{el.tag} {_attrs(el)}") and _outside_comments(el):  # a <byline> element too
            # spaces between elements: "<span>Von</span><span>Eurosport</span>" is no "VonEurosport"
            whole, boxed = names_in(" ".join(el.itertext())), _boxed(el)
            names = whole if len(whole) > 1 or not boxed else boxed
            if names and _first_time(names, seen):
                out.append(tuple(names))
        if not names and el.tag != "a":  # a link "Von A bis Z" is navigation
            names = _byline_line(el, headed) or _labelled(el)
            if names and _outside_comments(el) and _first_time(names, seen_lines):
                lines.append(tuple(names))
    return out + [names for names in lines if _key(names) not in {_key(o) for o in out}]


def _key(names) -> tuple[str, ...]:
    return tuple(map(name_key, names))


def _first_time(names: list[str], seen: set[tuple[str, ...]]) -> bool:
    if _key(names) in seen:
        return False
    seen.add(_key(names))
    return True


def _completed(author: str, printed: list[str], alone: list[str]) -> str:
    """A one-word author as the page prints it in full: trafilatura cuts a handle at its first
    digit ("Bo" for "Bo2man") and a byline may give only the first name ("Stefanus" beside a
    "Stefanus Stahl" printed `alone`, not in a list "Matthias Medizinstudent, Papa"); the shortest
    such name, when all give one surname."""
    if len(author.split()) != 1:
        return author
    handles = [p for p in printed if re.fullmatch(re.escape(author) + r"\d\w*", p, re.IGNORECASE)]
    if handles:
        return handles[0]
    full = [p for p in alone if len(p.split()) > 1 and p.split()[0].casefold() == author.casefold()]
    surnames = {name_key(p.split()[-1]) for p in full}
    return min(full, key=len) if len(surnames) == 1 else author


def spelled_as_printed(authors: list[str], printed: list[str], alone: list[str] | None = None) -> list[str]:
    """Each of `authors` as the page prints it, where a printed name is the same name but for
    case, accents, punctuation and spaces ("Arianschlichenmayer": "Arian Schlichenmayer"), or
    the same one in full (`_completed`; `alone`: names a byline or tag gives as its only one)."""
    by_key = {name_key(p): p for p in reversed(printed) if len(p.split()) > 1}  # not a handle "jane.doe"
    # ... unless trafilatura's has no capitals: it cut a handle or domain at its dots ("przepisy pl")
    dotted = {name_key(p): p for p in reversed(printed) if len(p.split()) == 1 and "." in p}
    return [
        by_key.get(name_key(a)) or (a.islower() and dotted.get(name_key(a))) or _completed(a, printed, alone or [])
        for a in authors
    ]
