"""Byline lines ("By Jane Smith and John Doe", "Jane Smith, Staff Writer", "Par Jean Dupont",
"Von Hans Müller", "Por Ana López", "Автор: Иван Петров") and agency signatures at the end of
a text ("(Reporting by ...; Editing by ...)").
"""

from __future__ import annotations

import html
import re

_NAME = r"[^\W\d_][\w'’.-]*(?: (?:[^\W\d_][\w'’.-]*|de|da|del|di|van|von|der|le|la|bin|al-))" r"{0,4}"
_NAME_RE = re.compile(rf"^{_NAME}$")
_AND = r"(?:,? and |, | & |, et | et | und | y | e | и )"
# "By" in the languages the header parser covers; the names follow.
_BY = re.compile(
    r"^(?:by|par|von|por|di|door|автор:?|текст:?|de)\s+(?P<names>[^\n]{2,160})$",
    re.IGNORECASE,
)
# "Jane Smith, Staff Writer" / "Jane Smith, Associated Press" / "Hans Müller, dpa"
_ROLE = re.compile(
    rf"^(?P<names>{_NAME}(?:{_AND}{_NAME})*), (?P<role>(?:[\w-]+ ){{0,3}}(?:writer|reporter|correspondent|"
    r"editor|staff|columnist|journalist|Associated Press|AP|Reuters|AFP|dpa|Bloomberg|Redakteur(?:in)?|"
    r"Korrespondent(?:in)?|correspondant(?:e)?|journaliste|corresponsal|redactor(?:a)?|periodista|"
    r"корреспондент|обозреватель))$",
    re.IGNORECASE,
)
_TRAILING_ROLE = re.compile(
    r",? (?:(?:the )?(?:staff|senior|chief|political|foreign|business)? ?(?:writer|reporter|correspondent|editor)s?|"
    r"for [A-Z][\w ]{1,40}|in [A-Z][\w ]{1,30})$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"\n*\((?P<body>(?:Reporting|Additional reporting|Writing|Editing|Compiled|Reportage|Rédaction|Édité|"
    r"Edité|Reporter|Bericht|Redigiert|Reporte|Redacción|Editado|Редакция|Репортаж)"
    r"[^()\n]{3,400})\)\s*$",
)
_REPORTERS = re.compile(
    r"(?:^|; ?)(?:Reporting|Writing|Reportage|Reporte|Reporter|Bericht) (?:by |de |von |par )?(?P<names>[^;]+)",
    re.IGNORECASE,
)


_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|text|story|words|reported|photos?) by|by|von|par|por|door|di|"
    r"autor(?:in)?:?|author:?|zeige alle beiträge von|alle beiträge von|beiträge von|mehr von|"
    r"articles? by|all posts by|view all posts by|zum profil von|artikel von|auteur|vom|text|interview|"
    r"beitrag von|verfasst von|erstellt von|geschrieben von|publié par|publicado por|escrito por|автор:?)\s+",
    re.IGNORECASE,
)
WEEKDAYS = (
    *"monday tuesday wednesday thursday friday saturday sunday".split(),
    *"montag dienstag mittwoch donnerstag freitag samstag sonntag".split(),
    *"lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
    *"lunes martes miércoles jueves viernes sábado domingo".split(),
)
# Labels a page prints where a name would go (a comment form's "Name", a "Stand:" or weekday
# before a date, Blogger's profile link): never anyone's name.
_NOT_NAMES = {
    "admin",
    "administrator",
    "follow",
    "author",
    "autor",
    "staff",
    "guest",
    "anonymous",
    "unknown",
    "no author",
    "name",
    "datum",
    "date",
    "stand",
    "posted",
    "published",
    "updated",
    "publiziert",
    "aktualisiert",
    "actualizado",
    "mis à jour",
    "quelle",
    "source",
    "fuente",
    "afficher mon profil complet",
    "view my complete profile",
    "ver mi perfil completo",
    *WEEKDAYS,
}
# The newsroom as a whole signs ("Von Redaktion"): an author a page prints, but no person, so
# it gives way to a person's byline like the publisher's name does.
_EDITORIAL = {
    "redaktion",
    "rédaction",
    "redaction",
    "redacción",
    "redazione",
    "redactie",
    "editorial",
    "editorial team",
    "editorial staff",
    "the editors",
}
_CREDENTIALS = re.compile(
    r",?\s+(?:PhD|Ph\.D\.|MD|M\.D\.|MSc|MBA|RD|Stand|Aktualisiert|says|Staff|Tiempo de lectura|→)\.?$"
)
# "Com"/"De" only last: trafilatura's name for a domain ("Tagesschau De", "MesOpinions com");
# inside a name "De" is a particle ("Verónica De Vita").
_ORGANIZATION = re.compile(
    r"\b(?:GmbH|Inc|Ltd|AG|e\.V|Verlag|Zeitung|Media|News)\b\.?|\b(?:[Cc]om|[Dd]e|[Nn]et|[Oo]rg)$|\.\w{2,3}$"
)


# An interview's byline names both people: "Richard David Precht im Gespräch mit Karin Fischer".
_IN_CONVERSATION = re.compile(
    r"\s*;\s*|\s+(?:im gespräch mit|im interview mit|in conversation with|en conversation avec|en conversación con)\s+",
    re.IGNORECASE,
)


def split_author_field(value: str | None) -> list[str]:
    """The names of an author field: split at ";" and at an interview's "im Gespräch mit"."""
    return _IN_CONVERSATION.split(value or "")


def is_credential(name: str) -> bool:
    """A degree or a label left alone by splitting "Jane Doe, PhD" at its comma."""
    return bool(_CREDENTIALS.match(" " + name))


def author_list(names: list[str], site: str | None = None) -> list[str]:
    """Cleaned names of a page's author field; when people are named, the publisher's or
    site's own name and lone credentials beside them are not authors."""
    cleaned = list(dict.fromkeys(n for n in map(clean_author, names) if n))
    people = [n for n in cleaned if not is_organization(n, site) and len(n) > 2 and not is_credential(n)]
    return people if people and len(people) < len(cleaned) else cleaned


def is_organization(name: str, site: str | None = None) -> bool:
    """The publisher or site ("El Espectador", "Tagesschau De", "Acme GmbH"), not a person."""
    site_key = re.sub(r"\W", "", (site or "").casefold())
    key = re.sub(r"\W", "", name.casefold())
    if name.casefold() in _EDITORIAL:
        return True
    return bool(site_key and key and (key in site_key or site_key in key)) or bool(_ORGANIZATION.search(name))


def clean_author(name: str) -> str | None:
    """One author name as a page gives it, without "By", credentials, entities or quotes; None
    for what is not a name ("Admin", "Follow", a URL)."""
    name = html.unescape(name)
    name = " ".join(name.split()).strip(" '\"‘’“”«»,;:|-–—")
    for _ in range(2):
        name = _AUTHOR_PREFIX.sub("", name)
        name = _CREDENTIALS.sub("", name).strip(" '\"‘’“”«»,;:|-–—")
    words = name.split()
    if (
        len(words) == 2 and words[0].casefold() == words[1].casefold() and len(words[0]) > 2
    ):  # "jesusfreak jesusfreak", not "R. R."
        name = words[0]
    if not name or name.casefold() in _NOT_NAMES or "http" in name or "@" in name or len(name) > 80:
        return None
    return name


def split_names(names: str) -> list[str] | None:
    """`names` as a list of person names, or None when it does not read as names only."""
    names = _TRAILING_ROLE.sub("", names.strip().rstrip(".,;:")).strip()
    parts = [p.strip() for p in re.split(_AND, names) if p.strip()]
    if not parts or len(parts) > 6:
        return None
    out = []
    for part in parts:
        part = re.sub(r" in [A-Z][\w ]+$", "", part).strip()  # "Jane Smith in Paris"
        words = part.split()
        if not (1 <= len(words) <= 5) or not _NAME_RE.match(part):
            return None
        if not all(w[0].isupper() or w in ("de", "da", "del", "di", "van", "von", "der", "le", "la") for w in words):
            return None
        out.append(part)
    return out


def byline(line: str) -> list[str] | None:
    """The authors of a byline line; None when the line is not a byline."""
    line = line.strip()
    if len(line) > 160 or not line:
        return None
    m = _BY.match(line)
    if m:
        role = _ROLE.match(m["names"])
        names = split_names(role["names"] if role else m["names"])
        if names and (line[:2].lower() != "de" or line[:3] == "De "):
            return names
        return None
    m = _ROLE.match(line)
    if m:
        return split_names(m["names"])
    return None


def split_signature(text: str) -> tuple[str, int, list[str]] | None:
    """(signature as written, its offset in `text`, reporters it names) for an agency signature
    closing the text; None when there is none."""
    m = _SIGNATURE.search(text)
    if m is None:
        return None
    reporters: list[str] = []
    for r in _REPORTERS.finditer(m["body"]):
        names = split_names(re.sub(r" in [A-Z][\w ]+?(?= and |,|$)", "", r["names"]))
        reporters += names or []
    return m[0].strip(), m.start() + (len(m[0]) - len(m[0].lstrip())), list(dict.fromkeys(reporters))
