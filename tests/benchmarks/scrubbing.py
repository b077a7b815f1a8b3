"""Goal-text scrubbing (performance.md, "scrubbing"): texts/s, leak rate by kind and over-scrub rate on the
labelled corpus in services/org-records/tests/data, next to a naive reference measured in the same run.

- **scrubber (30)**: `GoalTextScrubber` over the corpus register (30 fictional businesses).
- **scrubber (3,000)**: the same over a synthetic register of 3,000 businesses that contains those 30 —
  a large organization's register: more keys, more chances to over-scrub.
- **naive**: plain `str.replace` of each registered string exactly as stored, no variants and no patterns.

Leak: a labelled span not wholly covered by replacements. Over-scrub: a text with any replaced character
outside its labelled spans (every replacement in a clean text counts). Throughput is the median of rounds;
the machine is shared, so CPU-time throughput is reported next to wall-clock.

Run alone: `.venv/bin/python tests/benchmarks/scrubbing.py [--rounds N] [--output PATH]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from org_records.sharing.scrub import (
    GoalTextScrubber,
    RegisteredBusiness,
    Replacement,
    ScrubKind,
    ScrubRegister,
    ScrubResult,
)

NAME = "scrubbing"
DESCRIPTION = "goal texts scrubbed per second, leak and over-scrub rates on the labelled corpus"
REPOSITORY = Path(__file__).resolve().parents[2]
DATA = REPOSITORY / "services" / "org-records" / "tests" / "data"
ZERO_LEAK_KINDS = ("business", "representative", "phone", "email", "url", "postcode", "corporate_number")
TARGET_TEXTS_PER_SECOND = 20_000
TARGET_PERSON_LEAK = 0.02
TARGET_OVER_SCRUB = 0.05


# ------------------------------------------------------------------------------------------------ corpus


def load_corpus(path: Path = DATA / "scrub_corpus.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_register(path: Path = DATA / "scrub_register.json") -> list[RegisteredBusiness]:
    names = {field.name for field in fields(RegisteredBusiness)}
    businesses = json.loads(path.read_text(encoding="utf-8"))["businesses"]
    return [RegisteredBusiness(**{key: value for key, value in b.items() if key in names}) for b in businesses]


@dataclass
class Evaluation:
    leaks: dict[str, int]
    spans: dict[str, int]
    over_scrubbed_texts: int
    clean_texts_changed: int
    clean_texts: int
    texts: int
    non_identifying_chars_removed: int
    non_identifying_chars: int

    def leak_rate(self, kind: str) -> float:
        return self.leaks.get(kind, 0) / self.spans[kind] if self.spans.get(kind) else 0.0

    @property
    def over_scrub_rate(self) -> float:
        return self.over_scrubbed_texts / self.texts

    def as_dict(self) -> dict[str, Any]:
        return {
            "leaks": {kind: self.leaks.get(kind, 0) for kind in self.spans},
            "spans": self.spans,
            "leak_rate": {kind: round(self.leak_rate(kind), 4) for kind in self.spans},
            "over_scrubbed_texts": self.over_scrubbed_texts,
            "over_scrub_rate": round(self.over_scrub_rate, 4),
            "clean_texts_changed": self.clean_texts_changed,
            "clean_texts": self.clean_texts,
            "non_identifying_chars_removed": self.non_identifying_chars_removed,
            "non_identifying_chars": self.non_identifying_chars,
        }


def evaluate(scrub: Callable[[str], ScrubResult], corpus: Iterable[dict[str, Any]]) -> Evaluation:
    leaks: dict[str, int] = {}
    spans: dict[str, int] = {}
    over = changed = clean = texts = removed = non_identifying = 0
    for line in corpus:
        text = line["text"]
        texts += 1
        result = scrub(text)
        covered = {i for r in result.replacements for i in range(r.start, r.end)}
        labelled: set[int] = set()
        for span in line["spans"]:
            spans[span["kind"]] = spans.get(span["kind"], 0) + 1
            leaked = False
            for start in occurrences(text, span["text"]):
                positions = set(range(start, start + len(span["text"])))
                labelled |= positions
                leaked |= any(i not in covered for i in positions if not text[i].isspace())
            leaks[span["kind"]] = leaks.get(span["kind"], 0) + leaked
        if not line["spans"]:
            clean += 1
            changed += bool(result.replacements)
        outside = covered - labelled
        over += bool(outside)
        removed += len(outside)
        non_identifying += len(text) - len(labelled)
    return Evaluation(leaks, spans, over, changed, clean, texts, removed, non_identifying)


def occurrences(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


# ------------------------------------------------------------------------------------------------ naive reference


class NaiveReplace:
    """The reference: each registered string, exactly as stored, replaced wherever it occurs."""

    FIELDS: ClassVar[dict[str, ScrubKind]] = {
        "name": ScrubKind.business,
        "name_kana": ScrubKind.business,
        "representative": ScrubKind.person,
        "address": ScrubKind.address,
        "phone": ScrubKind.phone,
        "fax": ScrubKind.phone,
        "email": ScrubKind.email,
        "website": ScrubKind.url,
        "corporate_number": ScrubKind.corporate_number,
    }

    def __init__(self, register: Iterable[RegisteredBusiness]) -> None:
        values = {
            getattr(business, name): kind
            for business in register
            for name, kind in self.FIELDS.items()
            if getattr(business, name)
        }
        self.values = sorted(values.items(), key=lambda item: -len(item[0]))

    def scrub(self, text: str) -> ScrubResult:
        replacements: list[Replacement] = []
        for value, kind in self.values:
            if value in text:
                start = text.find(value)
                while start >= 0:
                    end = start + len(value)
                    if all(end <= r.start or start >= r.end for r in replacements):
                        replacements.append(Replacement(start, end, kind, value))
                    start = text.find(value, end)
        if not replacements:
            return ScrubResult(text, [])
        replacements.sort(key=lambda r: r.start)
        pieces, cursor = [], 0
        for r in replacements:
            pieces += [text[cursor : r.start], r.kind.placeholder]
            cursor = r.end
        return ScrubResult("".join(pieces) + text[cursor:], replacements)


# ------------------------------------------------------------------------------------------------ synthetic register

MUNICIPALITIES = [
    ("金沢市", "076-2"), ("白山市", "076-27"), ("野々市市", "076-24"), ("かほく市", "076-28"), ("小松市", "0761-2"),
    ("加賀市", "0761-7"), ("能美市", "0761-5"), ("七尾市", "0767-5"), ("羽咋市", "0767-2"), ("輪島市", "0768-2"),
    ("珠洲市", "0768-8"), ("河北郡津幡町", "076-28"), ("河北郡内灘町", "076-28"), ("羽咋郡志賀町", "0767-3"),
    ("鳳珠郡能登町", "0768-6"), ("鳳珠郡穴水町", "0768-5"), ("鹿島郡中能登町", "0767-7"),
]  # fmt: skip
TOWNS = [
    "本町",
    "中央町",
    "新町",
    "東町",
    "西町",
    "南町",
    "北町",
    "旭町",
    "緑町",
    "栄町",
    "若葉町",
    "城南",
    "駅前",
    "港町",
]
SURNAMES = "山本 中村 小林 加藤 吉田 山田 佐藤 高橋 田中 渡辺 伊藤 中島 松本 井上 木村 林 清水 山崎 森 池田 橋本 石川 前田 藤田 岡田 後藤 長谷川 村上 近藤 坂本 遠藤 青木 西村 福田 太田 三浦 藤井 岡本 松田 中川 中野 原田 小野 田村 竹内 金子 和田 中山 石田 上田 森田 原 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 谷口 大野 丸山 今井 高田 藤原 河野 小島 村田 武田 上野 杉山 増田 平野 大塚 千葉 久保 松井 小西 岩崎 桜井 木下 野口 松尾 菊地 野村 新井 北村 北川 米田 表 東 出口 宮下 坂井 中西".split()  # noqa: E501
GIVEN = "太郎 一郎 健一 誠 浩 隆 修 茂 勝 博 大輔 直樹 和也 拓也 翔太 陽子 恵子 裕子 由美 真由美 美咲 彩 愛 花子 明美 智子 久美子 京子 幸子 洋子".split()  # noqa: E501
BRAND_SYLLABLES = list("かきくけこさしすせそたちつてとなにのはひふほまみむめもやゆよらりるれろわ")
TRADES = [
    "商店", "工房", "製作所", "本舗", "酒造", "水産", "食品",
    "建設", "工務店", "電機", "印刷", "農園", "鉄工所", "製菓",
    "旅館", "ホテル", "美容室", "珈琲店", "精肉店", "鮮魚店",
    "呉服店", "自動車", "運輸", "設計事務所", "漆器店", "醸造所",
]  # fmt: skip
LEGAL = ["株式会社", "株式会社", "有限会社", "合同会社", ""]


def to_katakana(hiragana: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hiragana)


def check_digit(base12: str) -> str:
    total = sum(int(d) * (1 if n % 2 == 1 else 2) for n, d in enumerate(reversed(base12), start=1))
    return str(9 - total % 9)


def synthetic_register(count: int, include: list[RegisteredBusiness], seed: int = 3000) -> list[RegisteredBusiness]:
    """`count` fictional businesses, the `include`d ones among them: names, kana, people, addresses, contacts."""
    rng = random.Random(seed)
    businesses = list(include)
    seen = {b.name for b in businesses}
    while len(businesses) < count:
        brand = "".join(rng.choice(BRAND_SYLLABLES) for _ in range(rng.randint(2, 4)))
        style = rng.randrange(4)
        if style == 0:
            stem, kana = brand, to_katakana(brand)
        elif style == 1:
            stem, kana = to_katakana(brand), to_katakana(brand)
        elif style == 2:
            stem, kana = rng.choice(SURNAMES), to_katakana(brand)
        else:
            stem, kana = rng.choice(SURNAMES) + rng.choice(["屋", "堂", "亭"]), to_katakana(brand)
        trade = rng.choice(TRADES)
        legal = rng.choice(LEGAL)
        name = (legal + stem + trade) if rng.random() < 0.8 else (stem + trade + legal)
        if name in seen:
            continue
        seen.add(name)
        municipality, area = rng.choice(MUNICIPALITIES)
        local = "".join(str(rng.randrange(10)) for _ in range(10 - len(area.replace("-", ""))))
        phone = f"{area}{local[:-4]}-{local[-4:]}"
        romaji = f"biz{len(businesses):04d}"
        base = f"2200{rng.randrange(1, 6):02d}{rng.randrange(10**6):06d}"
        businesses.append(
            RegisteredBusiness(
                name=name,
                name_kana=kana,
                representative=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                address=f"石川県{municipality}{rng.choice(TOWNS)}"
                f"{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                phone=phone,
                fax=phone[:-1] + str((int(phone[-1]) + 1) % 10) if rng.random() < 0.4 else None,
                email=f"info@{romaji}.example.jp" if rng.random() < 0.7 else None,
                website=f"https://www.{romaji}.example.jp/" if rng.random() < 0.5 else None,
                corporate_number=check_digit(base) + base if legal else None,
            )
        )
    return businesses


# ------------------------------------------------------------------------------------------------ timing


def median_rate(scrub: Callable[[str], Any], texts: list[str], rounds: int, repeat: int) -> dict[str, float]:
    """Texts per second, median over rounds of `repeat` passes over the corpus — wall clock and CPU time."""
    wall_rates, cpu_rates = [], []
    for text in texts:  # one warm-up pass
        scrub(text)
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for text in texts:
                scrub(text)
        count = repeat * len(texts)
        wall_rates.append(count / (time.perf_counter() - wall))
        cpu_rates.append(count / max(time.process_time() - cpu, 1e-9))
    return {"wall": statistics.median(wall_rates), "cpu": statistics.median(cpu_rates)}


def median_seconds(action: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# ------------------------------------------------------------------------------------------------ the run


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="tests/benchmarks/scrubbing.py", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds; figures are medians (7)")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus per round (5)")
    parser.add_argument("--large", type=int, default=3000, help="businesses in the synthetic register (3000)")
    parser.add_argument(
        "--output", type=Path, default=REPOSITORY / "bench-results" / "scrubbing.json", help="JSON results"
    )
    options = parser.parse_args(argv)
    load_before = os.getloadavg()

    corpus = load_corpus()
    texts = [line["text"] for line in corpus]
    register = load_register()

    started = time.perf_counter()
    GoalTextScrubber([])  # loads Sudachi's dictionary and name lexicon: once per process
    startup = time.perf_counter() - started

    build_small = median_seconds(lambda: ScrubRegister(register), max(3, options.rounds))
    large_register = synthetic_register(options.large, register)
    build_large = median_seconds(lambda: ScrubRegister(large_register), 3)

    variants: dict[str, Callable[[str], ScrubResult]] = {
        "scrubber (30)": GoalTextScrubber(ScrubRegister(register)).scrub,
        f"scrubber ({options.large:,})": GoalTextScrubber(ScrubRegister(large_register)).scrub,
        "naive str.replace (30)": NaiveReplace(register).scrub,
    }
    results: dict[str, Any] = {}
    for label, scrub in variants.items():
        evaluation = evaluate(scrub, corpus)
        rate = median_rate(scrub, texts, options.rounds, options.repeat)
        results[label] = {"texts_per_second": {k: round(v) for k, v in rate.items()}, **evaluation.as_dict()}
        results[label]["_evaluation"] = evaluation

    document = report(options, results, startup, build_small, build_large, len(corpus), load_before)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults in {options.output}")
    return document


def report(
    options: argparse.Namespace,
    results: dict[str, Any],
    startup: float,
    build_small: float,
    build_large: float,
    corpus_size: int,
    load_before: tuple[float, float, float],
) -> dict[str, Any]:
    labels = list(results)
    evaluations: dict[str, Evaluation] = {label: results[label].pop("_evaluation") for label in labels}
    kinds = list(next(iter(evaluations.values())).spans)
    rows: list[list[str]] = [
        ["texts/s (wall)"] + [f"{results[label]['texts_per_second']['wall']:,}" for label in labels] + ["≥ 20,000"],
        ["texts/s (CPU time)"] + [f"{results[label]['texts_per_second']['cpu']:,}" for label in labels] + ["≥ 20,000"],
    ]
    for kind in kinds:
        target = "0" if kind in ZERO_LEAK_KINDS else "≤ 2 %" if kind == "person" else "—"
        cells = [
            f"{evaluations[label].leaks.get(kind, 0)}/{evaluations[label].spans[kind]} "
            f"({evaluations[label].leak_rate(kind):.1%})"
            for label in labels
        ]
        rows.append([f"leaks: {kind}", *cells, target])
    rows.append(
        ["over-scrub (texts)"]
        + [f"{e.over_scrubbed_texts}/{e.texts} ({e.over_scrub_rate:.1%})" for e in evaluations.values()]
        + ["≤ 5 %"]
    )
    rows.append(
        ["  clean texts changed"] + [f"{e.clean_texts_changed}/{e.clean_texts}" for e in evaluations.values()] + [""]
    )
    rows.append(
        ["  non-identifying chars removed"]
        + [f"{e.non_identifying_chars_removed}/{e.non_identifying_chars}" for e in evaluations.values()]
        + [""]
    )
    header = ["", *labels, "target"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print(f"scrubbing: {corpus_size} corpus texts, medians of {options.rounds} rounds × {options.repeat} passes")
    print(f"process start-up (Sudachi dictionary + name lexicon): {startup:.2f} s")
    print(
        f"register build: 30 businesses {build_small * 1000:.1f} ms; {options.large:,} businesses {build_large:.2f} s"
    )
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))

    main = evaluations[labels[0]]
    targets = {
        "texts_per_second": results[labels[0]]["texts_per_second"]["cpu"] >= TARGET_TEXTS_PER_SECOND,
        "zero_leaks": all(main.leaks.get(kind, 0) == 0 for kind in ZERO_LEAK_KINDS),
        "person_leak_rate": main.leak_rate("person") <= TARGET_PERSON_LEAK,
        "over_scrub_rate": main.over_scrub_rate <= TARGET_OVER_SCRUB,
    }
    return {
        "benchmark": NAME,
        "machine": {
            "nproc": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "load_average_at_start": [round(value, 2) for value in load_before],
        },
        "corpus_texts": corpus_size,
        "rounds": options.rounds,
        "repeat": options.repeat,
        "startup_seconds": round(startup, 3),
        "build_seconds": {"30": round(build_small, 4), str(options.large): round(build_large, 3)},
        "variants": results,
        "targets_met": targets,
    }


if __name__ == "__main__":
    run(sys.argv[1:])
