"""Extract the interface messages into turquesa.pot and update the es, pt and fr catalogs (`make catalogs`).

Usage: python scripts/catalogs.py [--check]
Messages come from the code (``_()``, ``N_()``, ``gettext(lang, ...)``, ``pgettext(lang, ctx, ...)``,
``bilingual(...)``) and from the controlled vocabularies (context: the vocabulary's name; a new
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
SKIP = ("turquesa_geo/bench/", "turquesa_geo/demo/generator.py")


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
    for english, _spanish, where in _content():
        catalog.add(english, None, [(where, 0)])
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


#: The export templates: their phrases are written as English and Spanish pairs in the code.
EXPORT_MODULES = ("exports/marking.py", "maps/static.py", "exports/pack.py", "exports/tables.py", "exports/dispatch.py")


def _export_pairs() -> list[tuple[str, str, str]]:
    """(English, Spanish, file) of the export templates' pairs: ``{"en": ..., "es": ...}`` dicts and the
    pack's ``_t(context, en, es)`` / ``_h(...)`` calls, title tuples and ``_SEX_AGE`` rows."""
    import ast

    pairs = []
    for name in EXPORT_MODULES:
        path = ROOT / "turquesa_geo" / name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: list[tuple[object, object]] = []
            if isinstance(node, ast.Dict):
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if "en" in keys and "es" in keys:
                    found.append((node.values[keys.index("en")], node.values[keys.index("es")]))
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_t", "_h") and len(node.args) >= 3:
                found.append((node.args[1], node.args[2]))
            elif isinstance(node, ast.Tuple) and name.endswith("pack.py"):
                strings = [
                    e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None for e in node.elts
                ]
                if len(strings) == 2 and all(strings):
                    found.append(tuple(node.elts))
                elif len(strings) == 6 and strings[2] and strings[3]:  # _SEX_AGE rows
                    found.append((node.elts[2], node.elts[3]))
            for en, es in found:
                if (
                    isinstance(en, ast.Constant)
                    and isinstance(en.value, str)
                    and isinstance(es, ast.Constant)
                    and any(ch.isalpha() for ch in en.value)
                ):
                    pairs.append((en.value, es.value, f"turquesa_geo/{name}"))
    from turquesa_geo.exports.marking import AUDIENCES

    for audience in AUDIENCES.values():  # written with f-strings: harvested as the running code has them
        for texts in (audience.description, audience.word):
            pairs.append((texts["en"], texts["es"], "turquesa_geo/exports/marking.py"))
    return pairs


def _imported_messages() -> list[str]:
    """The importers' quarantine rules and progress phases, and the aggregate indicators, written as plain data."""
    from turquesa_geo.ingest.flat import RULES
    from turquesa_geo.ingest.htcds import HTCDS_RULES
    from turquesa_geo.ingest.profiles.glotip import RULES as GLOTIP_RULES

    return [*RULES.values(), *HTCDS_RULES.values(), *GLOTIP_RULES.values(), "read", "validate", "write", "done"]


def _content() -> list[tuple[str, str, str]]:
    """(English, Spanish, file) of the glossary entries and training exercises, written in both in the code."""
    from turquesa_geo.demo.training import EXERCISES
    from turquesa_geo.glossary import TERMS

    texts = [(t.title, "turquesa_geo/glossary.py") for t in TERMS] + [
        (t.text, "turquesa_geo/glossary.py") for t in TERMS
    ]
    texts += [(e.question, "turquesa_geo/demo/training.py") for e in EXERCISES]
    texts += [(h, "turquesa_geo/demo/training.py") for e in EXERCISES for h in e.hints]
    texts += [({"en": t.source}, "turquesa_geo/glossary.py") for t in TERMS if t.source]
    return [(d["en"], d.get("es", ""), where) for d, where in texts] + _export_pairs()


def _spanish_label(context: str | None, message: str) -> str | None:
    if context is None:
        return next((es for en, es, _where in _content() if en == message and es), None)
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
