"""Extract the interface messages into turquesa.pot and update the es, pt and fr catalogs (`make catalogs`).

Usage: python scripts/catalogs.py [--check]
Messages come from the code (``_()``, ``N_()``, ``gettext(lang, ...)``, ``pgettext(lang, ctx, ...)``;
texts kept as data, such as the glossary, the exercises and the export templates, are marked ``N_``)
and from the controlled vocabularies (context: the vocabulary's name; a new
Spanish entry starts from vocab.py's Spanish label). Existing translations are kept; messages no
longer used are dropped. ``--check`` only reports what is missing or untranslated and exits 1 if any.
The app compiles the .po files in memory (turquesa_geo.i18n): there is nothing else to build.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from turquesa_geo.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, po_path  # noqa: E402

#: Function names whose string arguments are messages, Babel's keyword specs.
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": (2,),
    "pgettext": ((2, "c"), 3),
    "ngettext": (2, 3),
    "_p": ((1, "c"), 2),
    "_n": (1, 2),
}
SOURCES = ("app.py", "pages", "turquesa_ui", "turquesa_geo")
#: Code that never reaches a user's screen or files (benchmarks, demo data, tests of the library).
SKIP = ("turquesa_geo/bench/", "turquesa_geo/demo/generator.py", "turquesa_geo/demo/truth.py")


def extract() -> Catalog:
    """Every message of the code and the vocabularies, in one template catalog."""
    catalog = Catalog(domain=DOMAIN, project="Turquesa", charset="utf-8")
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            found = _extract_file(path)
        else:
            found = (
                (Path(source) / f, *rest)
                for f, *rest in extract_from_dir(
                    path,
                    method_map=[("**.py", "python")],
                    keywords=KEYWORDS,
                    comment_tags=("TRANSLATORS:",),
                    strip_comment_tags=True,
                )
                if not str(Path(source) / f).startswith(SKIP)
            )
        for filename, lineno, message, comments, context in found:
            catalog.add(message, None, [(str(filename), lineno)], auto_comments=comments, context=context)
    for vocabulary, terms in _vocabularies().items():
        for term in terms:
            catalog.add(term.en, None, [("turquesa_geo/vocab.py", 0)], context=vocabulary)
    for message in _imported_messages():
        catalog.add(message, None, [("turquesa_geo/ingest/flat.py", 0)])
    from turquesa_geo.vocab import DIMENSION_NAMES

    for name in DIMENSION_NAMES.values():
        catalog.add(name, None, [("turquesa_geo/vocab.py", 0)], context="dimension")
    return catalog


def _extract_file(path: Path):
    from babel.messages.extract import extract

    with path.open("rb") as handle:
        for lineno, message, comments, context in extract(
            "python", handle, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            yield path.name, lineno, message, comments, context


def _vocabularies():
    from turquesa_geo.vocab import VOCABULARIES

    return VOCABULARIES


def _imported_messages() -> list[str]:
    """The importers' quarantine and flag rules and progress phases, and the aggregate indicators, written as
    plain data."""
    from turquesa_geo.ingest.flat import FLAG_RULES, QUARANTINE_RULES
    from turquesa_geo.ingest.htcds import HTCDS_RULES
    from turquesa_geo.ingest.profiles import PROFILES

    return [
        *QUARANTINE_RULES.values(),
        *FLAG_RULES.values(),
        *HTCDS_RULES.values(),
        *(text for p in PROFILES.values() for text in p.rules.values()),
        "read",
        "validate",
        "write",
        "done",
    ]


def _spanish_label(context: str | None, message: str) -> str | None:
    if context not in _vocabularies():
        return None
    return next((t.es for t in _vocabularies()[context] if t.en == message), None)


def update(template: Catalog) -> dict[str, list[str]]:
    """Bring each catalog in line with the template; return the untranslated messages by language."""
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES[1:]:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="Turquesa", charset="utf-8")
        # A copy each: Catalog.update shares the template's new message objects with the catalog.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if message.id and not message.string and lang == "es":
                message.string = _spanish_label(message.context, message.id) or ""
        missing[lang] = [
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalog
            if m.id and not (m.string if isinstance(m.string, (str, type(None))) else all(m.string))
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=116, omit_header=False, sort_output=False, include_previous=False)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report missing translations; write nothing")
    args = parser.parse_args()
    template = extract()
    if args.check:
        missing = untranslated(template)
    else:
        LOCALE_DIR.mkdir(parents=True, exist_ok=True)
        with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as handle:
            write_po(handle, template, width=116, omit_header=False)
        missing = update(template)
    for lang, ids in missing.items():
        print(f"{lang}: {len(ids)} untranslated", *ids[:20], sep="\n  ")
    return 1 if args.check and any(missing.values()) else 0


def untranslated(template: Catalog) -> dict[str, list[str]]:
    """The template's messages without a translation in each catalog, by language."""
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES[1:]:
        with po_path(lang).open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
        missing[lang] = []
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, context=message.context)
            text = found.string if found else None
            if not text or (not isinstance(text, str) and not all(text)) or (found and found.fuzzy):
                missing[lang].append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


if __name__ == "__main__":
    sys.exit(main())
