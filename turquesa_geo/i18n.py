"""The one translation mechanism: gettext catalogs (Babel) and locale-aware numbers and dates.

English is the message-id language (its catalog is the identity); Spanish, Portuguese
and French live in ``turquesa_geo/locale/<lang>/LC_MESSAGES/turquesa.po``. The .po
files are the only source: they are compiled in memory when first used, so no build
step can be forgotten (``make catalogs`` re-extracts the messages from the code).
Country names are the data-driven part of the catalog: they are read from
``data/countries.csv`` (name_en, name_es, name_pt, name_fr) by
:func:`turquesa_geo.countries.country_name`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_group_symbol
from babel.numbers import format_percent as _babel_percent
from babel.support import NullTranslations, Translations

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LANG_ENV",
    "LOCALE_DIR",
    "N_",
    "LocalizedError",
    "Translatable",
    "bilingual",
    "check_lang",
    "default_lang",
    "format_date",
    "format_datetime",
    "format_month",
    "format_number",
    "format_percent",
    "gettext",
    "ngettext",
    "pgettext",
    "regroup",
    "translator",
]

#: The interface languages, English first (the message ids are English).
LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr")
#: Each language's name in itself, for the selector.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}
#: Setting: the language of the app and the CLI when none is chosen.
LANG_ENV = "TURQUESA_LANG"
DOMAIN = "turquesa"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Babel locales: Brazilian Portuguese; French and Spanish without a region.
_LOCALES = {"en": "en", "es": "es", "pt": "pt_BR", "fr": "fr"}
#: Numeric day-first dates outside English; English keeps the dashboard's "05 Mar 2024".
_DATE_PATTERNS = {"en": "dd MMM y", "es": "dd/MM/y", "pt": "dd/MM/y", "fr": "dd/MM/y"}


def N_(message: str) -> str:
    """Mark a message for extraction without translating it (translated where it is shown)."""
    return message


def check_lang(lang: str) -> str:
    """``lang`` if it is an interface language; else a ValueError naming the choices.

    >>> check_lang("pt")
    'pt'
    >>> check_lang("de")
    Traceback (most recent call last):
    ...
    ValueError: unknown language 'de'; expected one of en, es, pt, fr
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def default_lang() -> str:
    """The language from ``$TURQUESA_LANG`` (en, es, pt or fr), English when unset or unknown."""
    lang = os.environ.get(LANG_ENV, "").strip().lower()[:2]
    return lang if lang in LANGUAGES else "en"


def po_path(lang: str) -> Path:
    """Where the catalog of ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (compiled from its .po in memory once per process)."""
    if lang == "en" or not po_path(lang).exists():
        return NullTranslations()
    with po_path(check_lang(lang)).open("rb") as handle:
        catalog = read_po(handle, locale=_LOCALES[lang], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    """``message`` (English) in ``lang``; English when the catalog has no translation.

    >>> gettext("en", "Cases")
    'Cases'
    """
    return translator(lang).gettext(message)


def pgettext(lang: str, context: str, message: str) -> str:
    """``message`` in ``lang`` within ``context`` (a vocabulary name, or a word's sense)."""
    return translator(lang).pgettext(context, message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in ``lang``."""
    return translator(lang).ngettext(singular, plural, n)


def bilingual(
    message: str, langs: tuple[str, ...], context: str | None = None, *, sep: str = " / ", **params: object
) -> str:
    """``message`` in each language asked for, side by side (``es / en``); one text when they agree.

    The one way exports print a text in their languages (any two of en, es, pt, fr). ``params``
    fill the ``{name}`` placeholders of each translation, numbers written in each language's style
    (:func:`format_number`); ``sep`` joins the languages.

    >>> bilingual("Period", ("en",)), bilingual("Period", ("es", "en")), bilingual("Period", ("pt", "fr"))
    ('Period', 'Período / Period', 'Período / Période')
    >>> bilingual("Legend", ("es", "pt"), sep="\\n")
    'Leyenda\\nLegenda'
    >>> bilingual("Internal audience: counts under {k} persons or cases are not shown (<{k}).", ("es",), k=5)
    'Audiencia interna: no se muestran cifras de menos de 5 personas o casos (<5).'
    >>> bilingual("{n} legs within one country are counted in its circle only.", ("es",), n=1200)
    '1.200 tramos dentro de un país se cuentan solo en su círculo.'
    """
    texts = [pgettext(lang, context, message) if context else gettext(lang, message) for lang in langs]
    if params:
        texts = [text.format(**_in_style(params, lang)) for text, lang in zip(texts, langs, strict=True)]
    return sep.join(dict.fromkeys(texts))


def _in_style(params: dict[str, object], lang: str) -> dict[str, object]:
    """``params`` with each number written in ``lang``'s style (a bool stays as it is)."""
    return {
        key: format_number(value, lang) if isinstance(value, int | float) and not isinstance(value, bool) else value
        for key, value in params.items()
    }


class Translatable(str):
    """A param of a :class:`LocalizedError` that is a message id itself (mark it ``N_``), translated with it."""


class LocalizedError(Exception):
    """An error whose message is an English message id and named params, to be shown in any language.

    Raise it with the id marked for extraction: ``Refused(N_("{file}: the file is empty"), file=name)``.
    ``str(exc)`` is the English text (for logs and tests); :meth:`text` is the text in a language.
    Without params the message is taken as it is (and translated whole if it is a message id).

    >>> class Refused(LocalizedError, ValueError):
    ...     pass
    >>> exc = Refused(N_("{file}: the file is empty"), file="a.csv")
    >>> str(exc), exc.text("en"), exc.params
    ('a.csv: the file is empty', 'a.csv: the file is empty', {'file': 'a.csv'})
    >>> Refused("plain text").text("es")
    'plain text'
    """

    def __init__(self, message: str = "", /, **params: object) -> None:
        self.msgid = str(message)
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (English where the catalog has no translation)."""
        translated = gettext(lang, self.msgid)
        if not self.params:
            return translated
        values = {
            key: gettext(lang, value)
            if isinstance(value, Translatable)
            else value.text(lang)
            if isinstance(value, LocalizedError)
            else value
            for key, value in self.params.items()
        }
        try:
            return translated.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation with broken placeholders: English
            return str(self)

    def __reduce__(self):
        return _rebuild_error, (type(self), self.msgid, self.params)


def _rebuild_error(cls: type[LocalizedError], msgid: str, params: dict) -> LocalizedError:
    return cls(msgid, **params)


def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES.get(lang, "en"))


def format_number(value: float | int, lang: str = "en", decimals: int | None = None) -> str:
    """A number with the language's separators (``1,234`` in English, ``1.234`` in Spanish).

    >>> format_number(1234, "en"), format_number(1234, "es"), format_number(1234.5, "pt", 1)
    ('1,234', '1.234', '1.234,5')
    """
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=_locale(lang), group_separator=True)
    return format_decimal(value, locale=_locale(lang), group_separator=True)


def regroup(text: str, lang: str = "en") -> str:
    """A count already written with English grouping (``1,234`` or ``<5``) in ``lang``'s grouping.

    >>> regroup("12,345", "es"), regroup("<5", "pt")
    ('12.345', '<5')
    """
    return text if lang == "en" else text.replace(",", get_group_symbol(_locale(lang)))


def format_percent(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.25 for 25 %) as a percentage in the language's style.

    >>> format_percent(0.25, "en"), format_percent(0.125, "pt", 1)
    ('25%', '12,5%')
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return _babel_percent(value, format=pattern, locale=_locale(lang))


def format_date(day: dt.date, lang: str = "en") -> str:
    """A date: ``05 Mar 2024`` in English, ``05/03/2024`` in Spanish, Portuguese and French.

    >>> format_date(dt.date(2024, 3, 5), "en"), format_date(dt.date(2024, 3, 5), "es")
    ('05 Mar 2024', '05/03/2024')
    """
    return _babel_date(day, _DATE_PATTERNS.get(lang, "dd MMM y"), locale=_locale(lang))


def format_month(day: dt.date, lang: str = "en") -> str:
    """A month and year in words (``Mar 2024``, ``mar 2024``).

    >>> format_month(dt.date(2024, 3, 5), "en")
    'Mar 2024'
    """
    return format_skeleton("yMMM", day, locale=_locale(lang))


def format_datetime(moment: dt.datetime, lang: str = "en") -> str:
    """A date and a time of day (24-hour clock) in the language's date style."""
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"
