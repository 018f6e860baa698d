"""Vietnamese names for generated people, places and schemes, from small pools, so that
the data looks real on the pages and folds for search like real data."""

from __future__ import annotations

import functools
import random

from binhyen.core.text import fold

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Kim")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
)
PLACES = (
    "An",
    "Bình",
    "Hòa",
    "Lạc",
    "Minh",
    "Phú",
    "Tân",
    "Thạnh",
    "Hưng",
    "Phước",
    "Long",
    "Sơn",
    "Thủy",
    "Vân",
    "Đức",
    "Nghĩa",
    "Trung",
    "Hiệp",
    "Thái",
    "Thịnh",
    "Khánh",
    "Lộc",
    "Hải",
    "Quang",
    "Mỹ",
    "Xuân",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Cát",
    "Ngọc",
    "Lam",
    "Hà",
    "Yên",
)
STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lý Thường Kiệt",
    "Hùng Vương",
    "Phan Bội Châu",
)


def place(n: int) -> str:
    """A two-syllable place name, different for n up to 35² and then numbered."""
    a, b = divmod(n, len(PLACES))
    name = f"{PLACES[a % len(PLACES)]} {PLACES[b]}"
    return name if n < len(PLACES) ** 2 else f"{name} {n // len(PLACES) ** 2 + 1}"


def address(rng: random.Random) -> str:
    return f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}"


@functools.lru_cache(maxsize=200_000)
def folded(text: str) -> str:
    return fold(text)[:400]


NAMES = [f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN]
