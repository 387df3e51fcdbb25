"""Reading a corpus: manifest, decoding, HTML → text, boilerplate, anchors.

An ``Article`` carries the text as read (offsets in every table index it) and a
``body`` of the same length in which boilerplate is blanked with spaces, so the NLP
stages never see it while offsets stay valid. Every problem becomes an ``error`` on
the article or a ``CorpusProblem``; nothing here raises for one bad file.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pipeline.components.lexicon import LexiconError, LexiconSchema, load_lexicon

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("doc_id", "file", "title", "outlet", "url", "published")
# Where offsets point: the file as read, or the text extracted from a saved web page
# (published in outputs/texts.parquet, since no file holds it).
TEXT_FROM_FILE = "file"
TEXT_FROM_HTML = "html-extracted"
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
DEFAULT_SETTINGS = Path(__file__).resolve().parent.parent / "configs" / "corpus.yml"
DEFAULT_MAX_BYTES = 2_000_000


class CorpusError(ValueError):
    """The corpus as a whole cannot be read (no folder, unreadable manifest)."""


@dataclass
class CorpusProblem:
    """A problem with one manifest row or file; the batch goes on."""

    where: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


@dataclass
class ManifestRow:
    doc_id: str
    file: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""
    error: str = ""  # a problem that makes this row's article unusable
    extra: dict[str, str] = field(default_factory=dict)  # the manifest's other columns, in order

    def key_fields(self) -> tuple[str, ...]:
        """Every manifest value of the row (extra columns included), for cache keys."""
        return (self.doc_id, self.file, self.title, self.outlet, self.url, self.published, self.error,
                *(f"{name}={value}" for name, value in self.extra.items()))


@dataclass
class Article:
    doc_id: str
    file: str
    text: str = ""
    body: str = ""
    title: str = ""
    outlet: str = ""
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    published: str = ""
    anchor: str = ""
    anchor_source: str = "none"
    text_source: str = TEXT_FROM_FILE
    encoding: str = ""
    status: str = "ok"
    error: str = ""
    boilerplate: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: ManifestRow, **fields) -> "Article":
        """An article carrying a manifest row's identity and metadata (``fields`` override)."""
        return cls(doc_id=row.doc_id, file=row.file, title=row.title, outlet=row.outlet, url=row.url,
                   extra=dict(row.extra), published=row.published, **fields)


@dataclass(frozen=True)
class CorpusSettings:
    """Boilerplate rules, dateline patterns and limits, from ``configs/corpus.yml``."""

    tail_markers: tuple[re.Pattern, ...]
    teaser_markers: tuple[re.Pattern, ...]
    line_patterns: tuple[re.Pattern, ...]
    span_patterns: tuple[re.Pattern, ...]
    dateline_patterns: tuple[re.Pattern, ...]
    dateline_search_chars: int = 400
    repeated_line_max_chars: int = 120
    drop_before_title: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES


SETTINGS_SCHEMA = LexiconSchema(optional={
    "tail_markers": list, "teaser_markers": list, "line_patterns": list, "span_patterns": list,
    "dateline_patterns": list, "dateline_search_chars": int, "repeated_line_max_chars": int,
    "drop_before_title": bool,
})


@lru_cache(maxsize=8)
def load_settings(path: Path | str = DEFAULT_SETTINGS, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusSettings:
    """Read corpus settings from a YAML file (cached: it is read once per process).

    Raises:
        LexiconError: the file is missing or malformed, holds an unknown key, or a pattern
            is not a valid regular expression (the message names the file and the key).
    """
    data = load_lexicon(path, SETTINGS_SCHEMA, stage="[corpus] settings_path")

    def patterns(key: str) -> tuple[re.Pattern, ...]:
        try:
            return tuple(re.compile(pattern) for pattern in data.get(key) or [])
        except re.error as err:
            raise LexiconError(f"{path}: key {key!r}: invalid regular expression: {err}") from err

    return CorpusSettings(
        tail_markers=patterns("tail_markers"),
        teaser_markers=patterns("teaser_markers"),
        line_patterns=patterns("line_patterns"),
        span_patterns=patterns("span_patterns"),
        dateline_patterns=patterns("dateline_patterns"),
        dateline_search_chars=int(data.get("dateline_search_chars", 400)),
        repeated_line_max_chars=int(data.get("repeated_line_max_chars", 120)),
        drop_before_title=bool(data.get("drop_before_title", True)),
        max_bytes=int(max_bytes),
    )


# --- manifest -----------------------------------------------------------------


def read_manifest(corpus_dir: Path) -> tuple[list[ManifestRow], list[CorpusProblem]]:
    """The corpus's articles and the problems found in listing them.

    With a ``manifest.csv``, its rows (row numbers in problems count the header as
    row 1); without one, every ``.txt``/``.html`` file, unanchored.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus folder not found")
    manifest = corpus_dir / MANIFEST
    if not manifest.is_file():
        rows = [ManifestRow(doc_id=p.stem, file=p.name) for p in _article_files(corpus_dir)]
        return rows, [CorpusProblem(str(manifest), "no manifest: every article file is read, dates unanchored", "warning")]

    problems: list[CorpusProblem] = []
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CorpusError(f"{manifest}: cannot read manifest: {err}") from err
    missing = [c for c in ("doc_id", "file") if c not in header]
    if missing:
        raise CorpusError(f"{manifest}: missing required column(s) {', '.join(missing)}")
    # Columns beyond the standard ones travel into the documents table as text;
    # one that would overwrite a documents column is renamed rather than lost.
    from pipeline.schema import TABLE_COLUMNS  # pandas only once a manifest is read

    extra_columns = {c: c for c in header if c and c not in MANIFEST_COLUMNS}
    for column in extra_columns:
        if column in TABLE_COLUMNS["documents"]:
            extra_columns[column] = f"manifest_{column}"
            problems.append(CorpusProblem(str(manifest), f"column {column!r} clashes with a documents column: "
                                          f"kept as {extra_columns[column]!r}", "warning"))

    rows: list[ManifestRow] = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=2):
        where = f"{manifest} row {number}"
        values = {c: (record.get(c) or "").strip() for c in MANIFEST_COLUMNS}
        row = ManifestRow(**values, extra={name: (record.get(column) or "").strip()
                                           for column, name in extra_columns.items()})
        if not row.doc_id:
            row.doc_id = Path(row.file).stem or f"row-{number}"
        if row.doc_id in seen:
            # The row still gets a documents row (an error), under an id that cannot
            # collide with the first row's, so every listed file is accounted for.
            row.error = f"duplicate doc_id {row.doc_id!r}: not read"
            row.doc_id = f"{row.doc_id}#row{number}"
        elif not row.file:
            row.error = "no file"
        elif not (corpus_dir / row.file).is_file():
            row.error = "missing file"
        seen.add(row.doc_id)
        if row.published and not _is_iso_date(row.published):
            problems.append(CorpusProblem(where, f"published {row.published!r} is not a YYYY-MM-DD date: treated as empty"))
            row.published = ""
        if row.error:
            problems.append(CorpusProblem(where, row.error))
            row.error = f"manifest row {number}: {row.error}"
        rows.append(row)

    listed = {r.file for r in rows}
    for path in _article_files(corpus_dir):
        if path.name not in listed:
            problems.append(CorpusProblem(str(path), "file is not in the manifest: not read", "warning"))
    return rows, problems


def _article_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


# --- decoding -----------------------------------------------------------------

_BOMS = (
    ("utf-32", b"\xff\xfe\x00\x00"),
    ("utf-32", b"\x00\x00\xfe\xff"),
    ("utf-8-sig", b"\xef\xbb\xbf"),
    ("utf-16", b"\xff\xfe"),
    ("utf-16", b"\xfe\xff"),
)
# Single-byte encodings charset-normalizer cannot tell apart on English text (they
# decode ASCII and most Latin letters alike); the Western one is preferred when it fits
# as well as the detector's first choice, since the corpus is English-language news.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_NOT_TEXT = "not text: binary or undecodable content"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode an article's bytes.

    UTF-8 (with or without BOM), UTF-16/32 with a BOM, and other encodings detected by
    charset-normalizer (legacy single-byte ones, UTF-16 without BOM).

    Args:
        data: the file's bytes.

    Returns:
        (text, encoding name).

    Raises:
        ValueError: naming the problem: "empty file" or "not text: …".
    """
    if not data.strip(b" \t\r\n\f\v\x00"):
        raise ValueError("empty file")
    text, encoding = _decode(data)
    if not text.strip():
        raise ValueError("empty file")
    if _looks_binary(text):
        raise ValueError(_NOT_TEXT)
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as err:
                raise ValueError(f"undecodable: starts with a {encoding} byte-order mark but is not {encoding}: {err.reason}") from err
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only needed for non-UTF-8 files

    matches = list(from_bytes(data))
    if not matches:
        raise ValueError(_NOT_TEXT)
    best = matches[0]
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos:
            best = match
            break
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-be"/"utf-16-le" when zero bytes fill one byte position of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return "\x00" in sample or controls > len(sample) * 0.05


def html_to_text(html: str) -> str:
    """The article body of a saved web page, via trafilatura; ValueError when none is found."""
    import trafilatura  # imported lazily: plain-text corpora never need it

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    except Exception as err:  # noqa: BLE001  (lxml/trafilatura raise many types on broken markup)
        raise ValueError(f"unparseable HTML: {type(err).__name__}: {err}") from err
    if not text or not text.strip():
        raise ValueError("unparseable HTML: no article text found")
    return text


# The publication-date fields of a saved page, most specific first: Open Graph's
# article:published_time, schema.org's datePublished (JSON-LD or microdata), then the
# Dublin Core and news-site meta names. Never a date shown in the page's text (a site
# header gives the day the page was saved) and never a modification date.
PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "dc.date.issued",
                  "dcterms.issued", "dc.date", "dcterms.date", "date", "pubdate", "publishdate",
                  "publish-date", "parsely-pub-date", "sailthru.date")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def page_published_date(html: str) -> str:
    """The publication day a saved page states in its metadata (``YYYY-MM-DD``), or "".

    Rules, in order: a ``<meta>`` named in ``PUBLISHED_META`` (in that order of
    preference); JSON-LD ``datePublished``; a ``<time itemprop="datePublished">`` or
    ``<time pubdate>``. Only ISO dates are taken; an unparseable page gives "".
    """
    import json

    from lxml import html as lxml_html  # installed with trafilatura

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001  (lxml raises several types on broken markup; no date then)
        return ""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_META and key not in found and _iso_day(meta.get("content")):
            found[key] = _iso_day(meta.get("content"))
    for key in PUBLISHED_META:
        if key in found:
            return found[key]
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            day = _json_ld_published(json.loads(script.text))
        except ValueError:
            continue
        if day:
            return day
    for time in tree.iter("time"):
        if (time.get("itemprop") or "").lower() == "datepublished" or time.get("pubdate") is not None:
            day = _iso_day(time.get("datetime"))
            if day:
                return day
    return ""


def _json_ld_published(data) -> str:
    """The first ``datePublished`` in a JSON-LD value (objects, lists, ``@graph``)."""
    if isinstance(data, dict):
        day = _iso_day(data.get("datePublished")) if isinstance(data.get("datePublished"), str) else ""
        if day:
            return day
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            if isinstance(item, (dict, list)):
                day = _json_ld_published(item)
                if day:
                    return day
    return ""


def _iso_day(value) -> str:
    match = _ISO_DAY.match((value or "").strip())
    if not match:
        return ""
    day = match.group(0)
    return day if _is_iso_date(day) else ""


# --- boilerplate --------------------------------------------------------------


def boilerplate_spans(text: str, settings: CorpusSettings, title: str = "") -> list[tuple[int, int]]:
    """Character ranges of web boilerplate in ``text`` (sorted, may touch)."""
    lines = _lines_with_offsets(text)
    drop: list[tuple[int, int]] = []
    stripped = [line.strip() for line, _ in lines]

    first = 0
    if settings.drop_before_title and title:
        wanted = _normalise_line(title)
        for index, line in enumerate(stripped):
            if line and _normalise_line(line) == wanted:
                first = index
                break
    if first:
        drop.append((0, lines[first][1]))

    counts = Counter(s for s in stripped if s and len(s) < settings.repeated_line_max_chars)
    headline_index = next((i for i in range(first, len(stripped)) if stripped[i]), None)
    in_teasers = False
    for index in range(first, len(lines)):
        line, start = lines[index]
        content = stripped[index]
        end = start + len(line)
        if not content:
            continue
        if any(p.search(content) for p in settings.tail_markers):
            drop.append((start, len(text)))
            break
        if any(p.search(content) for p in settings.teaser_markers):
            in_teasers = True
            drop.append((start, end))
            continue
        if in_teasers:
            if content[-1] in ".!?\"”’:" or len(content) >= settings.repeated_line_max_chars:
                in_teasers = False
            else:
                drop.append((start, end))
                continue
        repeated = counts.get(content, 0) > 1 and index != headline_index
        if repeated or any(p.search(content) for p in settings.line_patterns):
            drop.append((start, end))
    for pattern in settings.span_patterns:
        drop.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
    return _merge(drop)


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given ranges replaced by spaces, newlines kept (same length)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)


def _lines_with_offsets(text: str) -> list[tuple[str, int]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((line.rstrip("\r\n"), offset))
        offset += len(line)
    return out


def _normalise_line(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace("’", "'").replace("‘", "'")).strip().lower()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- anchors ------------------------------------------------------------------


def find_anchor(published: str, body: str, settings: CorpusSettings, page_date: str = "") -> tuple[str, str]:
    """(anchor date, source): the manifest date, else the page's own publication date
    (``page_date``, from ``page_published_date``), else a dateline in the body, else none."""
    if published:
        return published, "manifest"
    if page_date:
        return page_date, "page-metadata"
    import dateparser  # the dateline fallback is rare; keep start-up light

    head = body[: settings.dateline_search_chars]
    for pattern in settings.dateline_patterns:
        match = pattern.search(head)
        if not match:
            continue
        parsed = dateparser.parse(match.group("date"), languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]})
        if parsed:
            return parsed.date().isoformat(), "dateline"
    return "", "none"


# --- articles -----------------------------------------------------------------


def load_article(corpus_dir: Path, row: ManifestRow, settings: CorpusSettings) -> Article:
    """Read, decode and clean one article; problems end up in ``status``/``error``."""
    article = Article.from_row(row)
    if row.error:
        return _failed(article, row.error)
    path = Path(corpus_dir) / row.file
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            return _failed(article, f"too large: {size} bytes exceeds the limit of {settings.max_bytes}")
        text, article.encoding = decode_bytes(path.read_bytes())
        page_date = ""
        if path.suffix.lower() in (".html", ".htm"):
            page_date = "" if row.published else page_published_date(text)
            text, article.text_source = html_to_text(text), TEXT_FROM_HTML
    except FileNotFoundError:
        return _failed(article, "missing file")
    except OSError as err:
        return _failed(article, f"cannot read: {err.strerror or err}")
    except ValueError as err:
        return _failed(article, str(err))
    except Exception as err:  # noqa: BLE001  (an unforeseen failure stays with this article)
        return _failed(article, f"cannot read: {type(err).__name__}: {err}")
    return _clean(article, text, settings, page_date)


def text_article(text: str, settings: CorpusSettings, doc_id: str = "text", title: str = "",
                 published: str = "") -> Article:
    """An article from a text in memory, cleaned and anchored as a ``.txt`` file would be."""
    return _clean(Article(doc_id=doc_id, file="", title=title, published=published), text, settings)


def _clean(article: Article, text: str, settings: CorpusSettings, page_date: str = "") -> Article:
    """Blank the boilerplate of an article's text and find its anchor."""
    article.text = text
    try:
        article.boilerplate = boilerplate_spans(text, settings, article.title)
        article.body = blank_spans(text, article.boilerplate)
        if not article.body.strip():
            return _failed(article, "no article text left after removing boilerplate")
        article.anchor, article.anchor_source = find_anchor(article.published, article.body, settings, page_date)
    except Exception as err:  # noqa: BLE001  (an unforeseen failure stays with this article)
        return _failed(article, f"cleaning failed: {type(err).__name__}: {err}")
    return article


def _failed(article: Article, error: str) -> Article:
    article.status, article.error = "error", f"{article.file}: {error}"
    return article


def iter_articles(corpus_dir: Path, settings: CorpusSettings | None = None) -> Iterator[Article]:
    """Every article the corpus lists, in manifest order, failed ones included."""
    settings = settings or load_settings()
    rows, _ = read_manifest(Path(corpus_dir))
    for row in rows:
        yield load_article(Path(corpus_dir), row, settings)
