"""Record ids kept in 8 bytes each: lists and sets of ids for a long history.

An id is a lowercase prefix and 12 hex digits (``call-3f9a1c2b7d4e``, see
``tui.domain.model.ID_PATTERN``): the digits are 48 bits, the prefix a number in a small
table of the prefixes seen. Holding the ids of 50,000 calls this way takes 400 kB, where
a list of the strings takes ten times that.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

_ID = re.compile(r"([a-z]{2,12})-([0-9a-f]{12})")
_LOW = (1 << 48) - 1
_BUCKETS = 256
"""An :class:`IdSet` sorts its ids in this many groups (by their first two hex digits),
so that sorting them never makes a Python list of every one."""


class _Prefixes:
    """The prefixes seen (``call``, ``case``…), numbered in the order met."""

    __slots__ = ("names", "numbers")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.numbers: dict[str, int] = {}

    def pack(self, record_id: str) -> int:
        found = _ID.fullmatch(record_id)
        if found is None:
            raise ValueError(f"not a record id: {record_id!r}")
        prefix, digits = found.groups()
        number = self.numbers.get(prefix)
        if number is None:
            number = self.numbers[prefix] = len(self.names)
            self.names.append(prefix)
        return (number << 48) | int(digits, 16)

    def unpack(self, packed: int) -> str:
        return f"{self.names[packed >> 48]}-{packed & _LOW:012x}"


class IdList:
    """Ids in the order added, 8 bytes each."""

    __slots__ = ("_prefixes", "_packed")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._prefixes = _Prefixes()
        self._packed = array("Q")
        for record_id in ids:
            self.append(record_id)

    def append(self, record_id: str) -> None:
        """Add ``record_id`` at the end; ``ValueError`` if it is not a record id."""
        self._packed.append(self._prefixes.pack(record_id))

    def __len__(self) -> int:
        return len(self._packed)

    def __iter__(self) -> Iterator[str]:
        unpack = self._prefixes.unpack
        for packed in self._packed:
            yield unpack(packed)


class IdSet:
    """A set of ids, 8 bytes each: add them all, then ask (``in``).

    Adding after the first question sorts again on the next one (fine for the usual use:
    fill, then ask).
    """

    __slots__ = ("_prefixes", "_buckets", "_sorted", "_size")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._prefixes = _Prefixes()
        self._buckets = [array("Q") for _ in range(_BUCKETS)]
        self._sorted = True
        self._size = 0
        for record_id in ids:
            self.add(record_id)

    @staticmethod
    def _bucket(packed: int) -> int:
        return (packed >> 40) & (_BUCKETS - 1)

    def add(self, record_id: str) -> None:
        """Add ``record_id`` (adding it twice keeps it twice: see :meth:`duplicates`);
        ``ValueError`` if it is not a record id."""
        packed = self._prefixes.pack(record_id)
        self._buckets[self._bucket(packed)].append(packed)
        self._size += 1
        self._sorted = False

    def _sort(self) -> None:
        if not self._sorted:
            for index, bucket in enumerate(self._buckets):
                if len(bucket) > 1:
                    self._buckets[index] = array("Q", sorted(bucket))
            self._sorted = True

    def __contains__(self, record_id: object) -> bool:
        if not isinstance(record_id, str):
            return False
        prefix = record_id.rpartition("-")[0]
        if prefix not in self._prefixes.numbers:
            return False
        try:
            packed = self._prefixes.pack(record_id)
        except ValueError:
            return False
        self._sort()
        bucket = self._buckets[self._bucket(packed)]
        place = bisect_left(bucket, packed)
        return place < len(bucket) and bucket[place] == packed

    def __len__(self) -> int:
        """How many were added (an id added twice counts twice)."""
        return self._size

    def duplicates(self) -> list[str]:
        """Ids that were added more than once (each named once)."""
        self._sort()
        found: list[str] = []
        for bucket in self._buckets:
            for index in range(1, len(bucket)):
                if bucket[index] == bucket[index - 1] and (
                        index < 2 or bucket[index - 1] != bucket[index - 2]):
                    found.append(self._prefixes.unpack(bucket[index]))
        return found
