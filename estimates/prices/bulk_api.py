"""The AWS Price List Bulk API, read as AWS documents it, into offers aws_import can price.

- `/offers/v1.0/aws/index.json` (the service index) names each offer's `currentRegionIndexUrl`;
  that Region index names each Region's `currentVersionUrl`, the offer file of one Region.
- AWS publishes each offer file as JSON and as CSV at the same path (`index.json`,
  `index.csv`). The stdlib has no streaming JSON parser, so the Region files are read as CSV,
  row by row straight off the HTTP response (aws_import.read_offer_csv): memory stays bounded by
  the rows the book prices, however many MB the file has. The two indexes are small JSON.
- Any failure is a BulkApiError with one line that names the URL: a network error, a 4xx or 5xx,
  a body cut short (http.client checks Content-Length and chunking), a file that is not what it
  should be, or a format version other than v1.0.
"""

from __future__ import annotations

import http.client
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from estimates.prices.aws_import import (
    FORMAT_VERSION,
    AwsPriceListError,
    Offer,
    read_offer_csv,
)
from estimates.prices.book_file import BookData
from estimates.prices.usage_types import split_usage_type

DEFAULT_BASE_URL = "https://pricing.us-east-1.amazonaws.com"
SERVICE_INDEX = "/offers/v1.0/aws/index.json"
TIMEOUT = 60  # seconds without a byte before a read gives up
INDEX_LIMIT = 20 * 1024 * 1024  # the service index is ~100 KB; a Region index a few KB

Progress = Callable[[str, int, bool], None]  # (url, bytes read so far, done)


class BulkApiError(AwsPriceListError):
    """The Price List could not be read; the message is one line naming the URL."""


@dataclass(frozen=True)
class RegionFile:
    offer_code: str
    region: str
    url: str


def offer_codes(book: BookData, services: Iterable[str] | None = None) -> dict[str, str]:
    """{service code: offer code} for the book's services with an aws_offer_code (or those named);
    BulkApiError for a named service the book lacks or that has no offer code."""
    known = {service["code"]: service["aws_offer_code"] for service in book["services"]}
    if services is None:
        return {code: offer for code, offer in known.items() if offer}
    found = {}
    for code in services:
        if code not in known:
            raise BulkApiError(f"The price book has no service {code!r}.")
        if not known[code]:
            raise BulkApiError(f"{code} has no aws_offer_code in the price book.")
        found[code] = known[code]
    return found


def region_files(
    base_url: str, offers: Iterable[str], regions: Iterable[str] | None = None
) -> list[RegionFile]:
    """Each offer's Region files, from the service index and each offer's Region index."""
    index = read_index(urllib.parse.urljoin(base_url, SERVICE_INDEX), "offers")
    wanted = set(regions) if regions is not None else None
    found = []
    for offer_code in dict.fromkeys(offers):
        entry = index["offers"].get(offer_code)
        region_index_url = entry.get("currentRegionIndexUrl") if isinstance(entry, dict) else None
        if not isinstance(region_index_url, str):
            raise BulkApiError(
                f"{base_url}{SERVICE_INDEX}: offer {offer_code!r} has no currentRegionIndexUrl."
            )
        url = urllib.parse.urljoin(base_url, region_index_url)
        region_index = read_index(url, "regions")
        for region, region_entry in region_index["regions"].items():
            if wanted is not None and region not in wanted:
                continue
            version_url = (
                region_entry.get("currentVersionUrl") if isinstance(region_entry, dict) else None
            )
            if not isinstance(version_url, str):
                raise BulkApiError(f"{url}: Region {region!r} has no currentVersionUrl.")
            found.append(
                RegionFile(offer_code, region, urllib.parse.urljoin(base_url, version_url))
            )
    return found


def csv_url(json_url: str) -> str:
    """The CSV form of an offer file, which AWS publishes beside its JSON form."""
    return json_url[: -len(".json")] + ".csv" if json_url.endswith(".json") else json_url


def read_index(url: str, key: str) -> dict:
    """A service or Region index (small JSON), checked for its format version and `key`."""
    with _open(url) as response:
        body = _read_all(response, url)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError, UnicodeDecodeError) as error:
        raise BulkApiError(f"{url}: not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise BulkApiError(f"{url}: not a JSON object.")
    if data.get("formatVersion") != FORMAT_VERSION:
        raise BulkApiError(
            f"{url}: format version {data.get('formatVersion')!r} is not supported "
            f"(expected {FORMAT_VERSION})."
        )
    if not isinstance(data.get(key), dict):
        raise BulkApiError(f"{url}: it has no {key!r} object.")
    return data


def read_region_file(
    file: RegionFile, keep: Callable[[str], bool], progress: Progress | None = None
) -> Offer:
    """One Region's offer file, streamed as CSV; only the usage types `keep` accepts are held."""
    url = csv_url(file.url)
    with _open(url) as response:
        counted = _Counted(response, url, progress)
        text = io.TextIOWrapper(counted, encoding="utf-8-sig", newline="")
        try:
            offer = read_offer_csv(_lines(text, url), url, keep)
        except UnicodeDecodeError:
            raise BulkApiError(f"{url}: not a text file (not UTF-8).") from None
        counted.finish()
    if offer.offer_code != file.offer_code:
        raise BulkApiError(
            f"{url}: the file is offer {offer.offer_code!r}, not {file.offer_code!r}."
        )
    return offer


def usage_type_filter(book: BookData, offer_code: str) -> Callable[[str], bool]:
    """Whether a usage type of an offer prices a rate of the book (its Region prefix aside)."""
    mapped = {
        rate["aws_usage_type"]
        for service in book["services"]
        if service["aws_offer_code"] == offer_code
        for rate in service["rates"]
        if rate["aws_usage_type"]
    }
    return lambda usage_type: split_usage_type(usage_type)[1] in mapped


# ---------------------------------------------------------------------------------------------
# HTTP


def _open(url: str):
    request = urllib.request.Request(url, headers={"User-Agent": "costcalc update_aws_prices"})
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310 (http(s) only)
    except urllib.error.HTTPError as error:
        raise BulkApiError(f"{url}: HTTP {error.code} {error.reason}.") from None
    except urllib.error.URLError as error:
        raise BulkApiError(f"{url}: cannot connect ({error.reason}).") from None
    except (OSError, http.client.HTTPException) as error:
        raise BulkApiError(f"{url}: cannot connect ({error}).") from None


def _read_all(response, url: str) -> bytes:
    try:
        body = response.read(INDEX_LIMIT + 1)
    except http.client.IncompleteRead:
        raise BulkApiError(f"{url}: the answer was cut short (truncated).") from None
    except (OSError, http.client.HTTPException) as error:
        raise BulkApiError(f"{url}: the connection failed while reading ({error}).") from None
    if len(body) > INDEX_LIMIT:
        raise BulkApiError(f"{url}: larger than {INDEX_LIMIT // (1024 * 1024)} MB; not an index.")
    return body


def _lines(text: io.TextIOWrapper, url: str) -> Iterator[str]:
    try:
        yield from text
    except http.client.IncompleteRead:
        raise BulkApiError(f"{url}: the answer was cut short (truncated).") from None
    except (OSError, http.client.HTTPException) as error:
        raise BulkApiError(f"{url}: the connection failed while reading ({error}).") from None


class _Counted(io.RawIOBase):
    """An HTTP response as a raw stream that counts its bytes and reports progress."""

    def __init__(self, response, url: str, progress: Progress | None):
        self.response, self.url, self.progress, self.count = response, url, progress, 0
        self.expected = response.getheader("Content-Length")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.response.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        if self.progress:
            self.progress(self.url, self.count, False)
        return len(data)

    def finish(self) -> None:
        if self.expected is not None and self.count != int(self.expected):
            raise BulkApiError(f"{self.url}: the answer was cut short (truncated).")
        if self.progress:
            self.progress(self.url, self.count, True)
