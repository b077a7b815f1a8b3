"""目標テキストのスクラブ: identifying content in a goal text is replaced before its summary may leave.

sharing-policy.md §2. Three detectors run over one normalised copy of the text (NFKC, lower case, whitespace
removed, kanji digits read as digits, hiragana folded to katakana) and report spans in that copy; an offset
map turns them back into positions in the original, so the preview can mark exactly what was replaced:

1. known entities — every name, address and contact the organization holds (`ScrubRegister`), with the
   variants people actually type, matched at once by an Aho-Corasick automaton;
2. patterns — phone/fax, email, URL/domain, postal code, street address, 法人番号;
3. person names — SudachiPy's part of speech (人名) with honorific, title and family context.

Overlapping findings are merged, so whatever any detector flags is gone. The register is built once per
organization register version; `GoalTextScrubber.scrub` is then cheap and keeps no state between calls.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import ahocorasick

from banso_core.vocabulary import LabelledCode
from org_records.business.schemas import corporate_number_is_valid


class ScrubKind(LabelledCode):
    """What a replaced span was; the label is the placeholder's text."""

    business = "business", "事業者名"
    person = "person", "人名"
    phone = "phone", "電話番号"
    email = "email", "メールアドレス"
    url = "url", "URL"
    postcode = "postcode", "郵便番号"
    address = "address", "所在地"
    corporate_number = "corporate_number", "法人番号"

    @property
    def placeholder(self) -> str:
        return f"［{self.label}］"


@dataclass(frozen=True, slots=True)
class RegisteredBusiness:
    """One business of the organization's register, as plain strings (no ORM type reaches this module)."""

    name: str | None = None
    name_kana: str | None = None
    representative: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    corporate_number: str | None = None

    @classmethod
    def of(cls, record: Any) -> RegisteredBusiness:
        """Copy the identifying fields of anything that has them as attributes (an ORM row, a schema)."""
        return cls(**{name: getattr(record, name, None) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class KnownEntity:
    kind: ScrubKind
    value: str


@dataclass(frozen=True, slots=True)
class Replacement:
    """`original` is text[start:end] of the text that was scrubbed."""

    start: int
    end: int
    kind: ScrubKind
    original: str


@dataclass(frozen=True, slots=True)
class ScrubResult:
    text: str
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.replacements)


# ---------------------------------------------------------------------------------------------------------------
# Normalisation with an offset map


_KANJI_DIGITS = "〇一二三四五六七八九"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe63"
_DASH_FOLD = str.maketrans(dict.fromkeys(_DASHES, "-"))
_DIGIT_FOLD = str.maketrans(_KANJI_DIGITS, "0123456789")
# Kanji digits are digits only where they write a number (〇七六ー二二一, 二丁目), not in 七尾, 九谷焼 or 三男.
_KANJI_NUMBER = re.compile(
    r"[〇一二三四五六七八九]{2,}"
    r"|[〇一二三四五六七八九](?=丁目|番|号|部|[-ー][〇一二三四五六七八九\d])"
    r"|(?<=[-ー])[〇一二三四五六七八九]"
)
# The matching text also folds the kana scripts, so one key matches のとじま, ノトジマ and ﾉﾄｼﾞﾏ,
_KANA_FOLD = str.maketrans(
    {
        **{chr(code): chr(code + 0x60) for code in range(0x3041, 0x3097)},
        "ゝ": "ヽ",
        "ゞ": "ヾ",
        "ヶ": "ケ",
        "ヵ": "カ",
        # and Latin letters lose their accents: Café matches Cafe.
        **{
            chr(code): unicodedata.normalize("NFD", chr(code))[0]
            for code in range(0xC0, 0x250)
            if unicodedata.normalize("NFD", chr(code))[0].isascii()
        },
    }
)


def fold_for_patterns(text: str) -> str:
    """Every dash a hyphen and kanji numbers in digits, keeping each character's position."""
    text = text.translate(_DASH_FOLD)
    if _KANJI_DIGIT_ANY.search(text) is None:
        return text
    return _KANJI_NUMBER.sub(lambda match: match.group().translate(_DIGIT_FOLD), text)


_KANJI_DIGIT_ANY = re.compile("[〇一二三四五六七八九]")


@cache
def _fold_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """A one-to-one fold (NFKC + lower case) for str.translate, and the characters that need more than that.

    Most text only needs the one-to-one fold and keeps its offsets; whitespace, characters that expand
    (㈱ → (株)), vanish or combine with the previous one (ﾞ) take the slow path that builds an offset map.
    """
    table: dict[int, str] = {}
    special: list[str] = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        removable = char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")
        composing = len(folded) == 1 and (unicodedata.combining(folded) or folded in "\u3099\u309a")
        if removable or len(folded) != 1 or composing or 0x1100 <= code <= 0x11FF:
            special.append(re.escape(char))
        elif folded != char:
            table[code] = folded
    return table, re.compile("[" + "".join(special) + "\U00010000-\U0010ffff]")


@dataclass(slots=True)
class NormalisedText:
    """The three views of one text, index-aligned, and the map from their positions to the original's."""

    original: str
    plain: str  # NFKC, lower case, no whitespace: what Sudachi reads
    pattern: str  # plain with digits and dashes folded: what the regexes read
    matching: str  # pattern with kana folded to katakana: what the automaton reads
    starts: list[int] | None  # None: the identity map
    ends: list[int] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def gap_before(self, index: int) -> bool:
        """Whether something (whitespace) was removed just before this position."""
        if self.starts is None or self.ends is None or index == 0:
            return False
        return self.starts[index] > self.ends[index - 1]


def normalise(text: str) -> NormalisedText:
    table, special = _fold_tables()
    starts: list[int] | None = None
    ends: list[int] | None = None
    if special.search(text) is None:
        plain = text.translate(table)
    else:
        chars: list[str] = []
        starts, ends = [], []
        cursor = 0
        for match in special.finditer(text):
            index = match.start()
            if index > cursor:
                chars.append(text[cursor:index].translate(table))
                starts.extend(range(cursor, index))
                ends.extend(range(cursor + 1, index + 1))
            cursor = index + 1
            folded = _fold_special(match.group())
            if folded and starts and (unicodedata.combining(folded[0]) or folded[0] in "\u3099\u309a"):
                composed = unicodedata.normalize("NFC", chars[-1][-1] + folded[0])
                if len(composed) == 1:
                    chars[-1] = chars[-1][:-1] + composed
                    ends[-1] = index + 1
                    folded = folded[1:]
            if folded:
                chars.append(folded)
                starts.extend([index] * len(folded))
                ends.extend([index + 1] * len(folded))
        if cursor < len(text):
            chars.append(text[cursor:].translate(table))
            starts.extend(range(cursor, len(text)))
            ends.extend(range(cursor + 1, len(text) + 1))
        plain = "".join(chars)
    pattern = fold_for_patterns(plain)
    return NormalisedText(text, plain, pattern, pattern.translate(_KANA_FOLD), starts, ends)


def _fold_special(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    return "".join(c for c in folded if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


def matching_key(text: str) -> str:
    """The form a register value takes in the automaton: the matching view of the value on its own."""
    return normalise(text).matching


# ---------------------------------------------------------------------------------------------------------------
# Vocabulary


LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "公益社団法人", "一般財団法人",
    "公益財団法人", "特定非営利活動法人", "NPO法人", "社会福祉法人", "医療法人社団", "医療法人財団", "医療法人",
    "学校法人", "宗教法人", "農事組合法人", "有限責任事業組合", "企業組合",
    "(株)", "（株）", "㈱", "(有)", "（有）", "㈲", "(同)", "（同）", "(資)", "（資）", "㈾", "(名)", "（名）", "㈴",
    "(一社)", "（一社）", "(公社)", "（公社）", "(一財)", "（一財）", "(公財)", "（公財）", "(特非)", "（特非）",
    "(福)", "（福）", "㈳", "㈶", "(医)", "（医）", "(農)", "（農）", "(企)", "（企）", "株)", "(株", "有)",
    "co.,ltd.", "co.,ltd", "co.ltd.", "ltd.", "inc.", "llc", "corp.", "k.k.",
)  # fmt: skip
LEGAL_FORMS_KANA = (
    "カブシキガイシャ", "カブシキカイシャ", "ユウゲンガイシャ",
    "ユウゲンカイシャ", "ゴウドウガイシャ", "ゴウドウカイシャ",
    "ゴウシガイシャ", "ゴウメイガイシャ", "イッパンシャダンホウジン", "トクテイヒエイリカツドウホウジン",
    "ノウジクミアイホウジン", "カ)", "(カ", "ユ)", "(ユ",
)  # fmt: skip
# Words that say what kind of shop a name is; what is left without them may be the name people use.
TRADE_PREFIXES = (
    "御菓子処", "お菓子処", "菓子処", "寿し処", "寿司処", "すし処", "鮨処", "酒処", "甘味処", "民宿", "旅館", "湯宿",
    "料亭", "割烹", "居酒屋", "カフェ", "café", "cafe", "喫茶",
    "ヘアサロン", "美容室", "理容室", "ホテル", "ペンション",
    "ゲストハウス", "工房", "窯元",
)  # fmt: skip
TRADE_SUFFIXES = (
    "商店", "本店", "支店", "店", "工房", "製作所", "鉄工所", "所", "本舗", "酒造", "酒造店", "醸造", "醸造所",
    "ブルワリー", "工業", "産業", "建設", "工務店", "電機", "電気", "水産", "食品", "製菓", "菓子店", "農園", "牧場",
    "印刷", "呉服店", "鮮魚店", "精肉店", "漆器店", "商会", "物産", "観光", "旅館", "ホテル", "協会", "クリニック",
)  # fmt: skip
# A stem plus one of these is a proper name (やまびこ荘, はづき堂), whatever the stem means on its own.
NAME_FORMING_SUFFIXES = tuple("荘堂屋亭庵館舎軒苑")
TITLE_WORDS = ("代表取締役社長", "代表取締役", "代表社員", "代表理事", "理事長", "代表", "社長", "店主", "組合長")

HONORIFICS = ("さん", "さま", "様", "氏", "君", "くん", "ちゃん", "殿", "はん")
TITLES = (
    "社長", "会長", "副社長", "専務", "常務", "取締役", "代表", "女将", "若女将", "大将", "店主", "店長", "工場長",
    "部長", "課長", "係長", "主任", "先生", "杜氏", "親方", "理事長", "組合長", "支配人", "料理長", "板長", "オーナー",
)  # fmt: skip
FAMILY_AFTER = ("夫妻", "夫婦", "家", "一家", "親子", "兄弟", "姉妹")
# Words after which the next name-like word is a person: family members, staff roles, titles.
PERSON_BEFORE = (
    "長男", "次男", "三男", "四男", "長女", "次女", "三女", "息子",
    "娘", "娘婿", "婿", "嫁", "妻", "夫", "奥様", "奥さん",
    "ご主人", "主人", "孫", "弟", "兄", "姉", "妹", "甥", "姪",
    "父", "母", "義父", "義母", "後継者", "後継ぎ", "跡取り",
    "跡継ぎ", "従業員", "社員", "職人", "パート", "アルバイト", "スタッフ", "担当", "担当者", "技能実習生", "実習生",
    "研修生", "事務員", "番頭", "板長", "杜氏", "店長", "工場長", "専務", "常務", "社長", "会長", "代表", "代表取締役",
    "女将", "若女将", "新人", "責任者", "調理師", "料理長", "支配人", "職員", "役員", "取締役", "部長", "課長",
)  # fmt: skip
# Nouns that take さん/様 without being names: roles, trades, family words, the customer.
GENERIC_HONOURED = frozenset(
    """皆 皆様 客 お客 お客様 方 方々 職人 農家 大工 生産者 医者 お医者 看護師 先生 業者 作家 漁師 酒屋 魚屋 八百屋
    店員 社員 従業員 スタッフ 職員 担当 担当者 取引先 仲間 地元 近所 常連 利用者 参加者 ファン 子供 子ども 赤ちゃん
    息子 娘 嫁 婿 孫 父 母 兄 姉 弟 妹 奥 旦那 ママ パパ 神 仏 王 殿 お殿 お嬢 坊っちゃん 女将 大将 社長 店長
    パート アルバイト バイト 新人 若手 お得意 得意 生徒 学生 患者 家族 皆さま 猟師 観光客 お遍路 作り手
    売り手 買い手 お母 お父 ご主人 ご家族 運転手 板前 料理人""".split()
)  # fmt: skip
# …and nouns ending like an occupation or role (保育士さん, 美容師さん, 配達員さん, 利用者様).
GENERIC_HONOURED_ENDINGS = tuple("士師員者家手人工長医官客")
PERSON_LINKS = ("の", "・", ":", "(", "である")

# Place names that Sudachi may read as surnames; alone they are markets and must survive.
ISHIKAWA_PLACES = frozenset(
    """金沢 七尾 小松 輪島 珠洲 加賀 羽咋 かほく 白山 能美 野々市 川北 津幡 内灘 志賀 宝達志水 中能登 穴水 能登
    山代 山中 片山津 粟津 和倉 鶴来 門前 宇出津 能登島 千里浜 犀川 浅野川 手取川 白峰 美川 松任 寺井 根上 辰口
    富来 田鶴浜 鳥屋 鹿島 柳田 内浦 町野 押水 高松 七塚 宇ノ気 大聖寺 尾山 兼六""".split()
)  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# The register


class _Rule:
    """When a match of a register key counts."""

    always = 0
    context = 1  # a name part: only before an honorific/title or after a family/role word
    kana = 2  # a short kana key: not inside a longer kana word


@dataclass(slots=True)
class _KeyOption:
    kind: ScrubKind
    rule: int


class ScrubRegister:
    """Every value the organization holds about its businesses, expanded into the forms people write.

    Built once per register version (about half a millisecond per business); `entities` lists what was
    registered and `keys` how many matching forms they expanded into.
    """

    def __init__(self, businesses: Iterable[RegisteredBusiness]) -> None:
        self.entities: list[KnownEntity] = []
        self._keys: dict[str, list[_KeyOption]] = {}
        self._numbers: dict[str, ScrubKind] = {}
        for business in businesses:
            self._add_business(business)
        self.automaton = _automaton({key: (len(key), tuple(options)) for key, options in self._keys.items()})
        self.number_automaton = _automaton({digits: (len(digits), kind) for digits, kind in self._numbers.items()})

    @property
    def keys(self) -> int:
        return len(self._keys) + len(self._numbers)

    def _key(self, text: str, kind: ScrubKind, rule: int = _Rule.always, minimum: int = 2) -> None:
        key = matching_key(text)
        if len(key) < minimum:
            return
        if rule == _Rule.always and _is_kana(key) and len(key) <= 4:
            rule = _Rule.kana
        options = self._keys.setdefault(key, [])
        if all(option.kind != kind or option.rule != rule for option in options):
            options.append(_KeyOption(kind, rule))
            options.sort(key=lambda option: option.rule != _Rule.always)

    def _number(self, text: str, kind: ScrubKind) -> None:
        digits = re.sub(r"\D", "", normalise(text).pattern)
        if len(digits) >= 7:
            self._numbers.setdefault(digits, kind)

    def _add_business(self, business: RegisteredBusiness) -> None:
        family = self._add_representative(business.representative)
        if business.name:
            self.entities.append(KnownEntity(ScrubKind.business, business.name))
            for variant in business_name_variants(business.name, family):
                self._key(variant, ScrubKind.business)
        if business.name_kana:
            self.entities.append(KnownEntity(ScrubKind.business, business.name_kana))
            for variant in kana_variants(business.name_kana):
                self._key(variant, ScrubKind.business, minimum=3)
        if business.address:
            self.entities.append(KnownEntity(ScrubKind.address, business.address))
            postcode = POSTCODE_IN_ADDRESS.search(normalise(business.address).pattern)
            if postcode:
                self._number(postcode.group(1), ScrubKind.postcode)
            for variant in address_variants(business.address):
                self._key(variant, ScrubKind.address, minimum=5)
        for value, kind in (
            (business.phone, ScrubKind.phone),
            (business.fax, ScrubKind.phone),
            (business.corporate_number, ScrubKind.corporate_number),
        ):
            if value:
                self.entities.append(KnownEntity(kind, value))
                self._number(value, kind)
        if business.email:
            self.entities.append(KnownEntity(ScrubKind.email, business.email))
            self._key(business.email, ScrubKind.email)
        if business.website:
            self.entities.append(KnownEntity(ScrubKind.url, business.website))
            host = website_host(business.website)
            if "." in host:
                self._key(host, ScrubKind.url, minimum=4)

    def _add_representative(self, representative: str | None) -> str | None:
        if not representative:
            return None
        self.entities.append(KnownEntity(ScrubKind.person, representative))
        family, given = split_person_name(representative)
        self._key(family + given, ScrubKind.person)
        if family:
            self._key(family, ScrubKind.person, _Rule.context, minimum=1)
        if given:
            self._key(given, ScrubKind.person, _Rule.context, minimum=2)
        return family or None


def _automaton(entries: dict[str, tuple[int, Any]]) -> ahocorasick.Automaton | None:
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in entries.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def _is_kana(text: str) -> bool:
    return all("ァ" <= char <= "ヺ" or char == "ー" for char in text)


def _strip_affixes(text: str, prefixes: Iterable[str], suffixes: Iterable[str]) -> str:
    changed = True
    while changed and text:
        changed = False
        for prefix in prefixes:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def business_name_variants(name: str, family: str | None = None) -> set[str]:
    """The name, the name without its legal form, and the short forms that are still distinctive."""
    name = _compact(name)
    legal = [_compact(form) for form in LEGAL_FORMS]
    core = _strip_affixes(name, legal, legal)
    variants = {name}
    if core != name and not _is_generic(core):
        variants.add(core)
    for variant in list(variants):
        if "・" in variant:
            variants.add(variant.replace("・", ""))
    candidates: set[str] = set()
    trade_prefixes = [_compact(prefix).lower() for prefix in TRADE_PREFIXES]
    for prefix in ("", *(p for p in trade_prefixes if core.lower().startswith(p))):
        stem = core[len(prefix) :]
        candidates.add(stem)
        for suffix in TRADE_SUFFIXES:
            if stem.endswith(suffix):
                candidates.add(stem[: -len(suffix)])
    place = _leading_kanji_place(core)
    if place:
        stem = core[len(place) :]
        candidates.add(stem)
        candidates.update(stem[: -len(suffix)] for suffix in TRADE_SUFFIXES if stem.endswith(suffix))
    for candidate in candidates - variants:
        if _is_distinctive_short_form(candidate, family):
            variants.add(candidate)
    return variants


def kana_variants(kana: str) -> set[str]:
    kana = matching_key(kana)
    legal = [matching_key(form) for form in LEGAL_FORMS_KANA]
    return {kana, _strip_affixes(kana, legal, legal)}


def split_person_name(name: str) -> tuple[str, str]:
    """(family, given) of a registered person; titles before the name are dropped."""
    name = unicodedata.normalize("NFKC", name).strip()
    for title in TITLE_WORDS:
        if name.startswith(title):
            name = name[len(title) :].strip()
    parts = name.split()
    if len(parts) >= 2:
        return parts[0], "".join(parts[1:])
    tokens = _tokens(name)
    if len(tokens) >= 2 and tokens[0][1] == _Pos.surname:
        return tokens[0][0], name[len(tokens[0][0]) :]
    return name, ""


def website_host(website: str) -> str:
    host = _compact(website).lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split("?", 1)[0]
    return host.removeprefix("www.")


POSTCODE_IN_ADDRESS = re.compile(r"〒?(\d{3}-?\d{4})")
_ADDRESS_HEAD = re.compile(
    r"^(?P<prefecture>東京都|北海道|(?:京都|大阪)府|.{2,3}県)?"
    r"(?P<county>[^\d]{1,5}?郡)?"
    r"(?P<municipality>[^\d]{1,6}?市(?:市)?(?:[^\d]{1,4}?区)?|[^\d]{1,6}?[区町村])"
)
_ADDRESS_NUMBERS = re.compile(r"\d+(?:(?:丁目|番地|番|号|部|の|ノ|-|[ァ-ヺ](?=\d))\d*)*(?:丁目|番地|番|号)?")


def address_variants(address: str) -> set[str]:
    """Full address and its tails from the municipality on, with the house number in its common spellings.

    A municipality or town without a house number is never a key: 金沢市 or 山代温泉 as a market must survive.
    """
    text = fold_for_patterns(POSTCODE_IN_ADDRESS.sub("", _compact(address), count=1))
    text = text.removeprefix("〒")
    numbers = _ADDRESS_NUMBERS.search(text)
    if numbers is None:
        return set()
    head, rest = text[: numbers.start()], text[numbers.end() :]
    match = _ADDRESS_HEAD.match(head)
    heads = {head}
    if match:
        municipality_on = head[match.start("municipality") :]
        town = head[match.end("municipality") :]
        heads |= {municipality_on, head[match.end("prefecture") if match.group("prefecture") else 0 :]}
        if len(town) >= 2:
            heads.add(town)
    variants = set()
    for spelled in house_number_spellings(numbers.group()):
        for prefix in heads:
            variants.add(prefix + spelled)
            if rest:
                variants.add(prefix + spelled + rest)
    return variants


def house_number_spellings(numbers: str) -> set[str]:
    groups = re.findall(r"\d+", numbers)
    spellings = {numbers, "-".join(groups)}
    if re.search(r"[ァ-ヺ]", numbers):
        return spellings
    if "丁目" in numbers and len(groups) >= 2:
        first, rest = groups[0], groups[1:]
        spellings |= {first + "丁目" + "-".join(rest), first + "丁目" + rest[0] + "番地" + "".join(rest[1:2])}
        spellings.add(first + "丁目" + rest[0] + "番" + (rest[1] + "号" if len(rest) > 1 else ""))
    elif "丁目" in numbers:
        spellings.add(groups[0] + "丁目")
    elif len(groups) == 2:
        a, b = groups
        spellings |= {f"{a}番地{b}", f"{a}番{b}", f"{a}番{b}号", f"{a}の{b}", f"{a}番地の{b}"}
    elif len(groups) == 1:
        spellings |= {groups[0] + "番地", groups[0] + "番"}
    elif len(groups) == 3:
        a, b, c = groups
        spellings |= {f"{a}丁目{b}-{c}", f"{a}丁目{b}番{c}号", f"{a}丁目{b}番地{c}"}
    return spellings


# ---------------------------------------------------------------------------------------------------------------
# Sudachi


class _Pos:
    surname = "surname"
    given = "given"
    person = "person"  # 人名 一般 (グエン)
    place = "place"
    proper = "proper"  # 固有名詞 一般
    common = "common"
    suffix = "suffix"
    prefix = "prefix"
    number = "number"
    symbol = "symbol"
    other = "other"


_PERSON_POS = (_Pos.surname, _Pos.given, _Pos.person)


@cache
def _dictionary() -> Any:
    import sudachipy

    return sudachipy.Dictionary(dict="core")


_THREAD = threading.local()


def _sudachi() -> tuple[Any, Any]:
    """The shared dictionary and this thread's tokenizer (a Sudachi tokenizer is not safe to share)."""
    dictionary = _dictionary()
    tokenizer = getattr(_THREAD, "tokenizer", None)
    if tokenizer is None:
        # Only the part of speech is read: loading fewer fields per morpheme is faster.
        tokenizer = _THREAD.tokenizer = dictionary.tokenizer(mode="C", fields={"pos"})
    return dictionary, tokenizer


_POS_CLASSES: dict[int, str] = {}


def _pos_class(dictionary: Any, pos_id: int) -> str:
    cached = _POS_CLASSES.get(pos_id)
    if cached is None:
        pos = dictionary.pos_of(pos_id)
        if pos[1] == "固有名詞" and pos[2] == "人名":
            cached = {"姓": _Pos.surname, "名": _Pos.given}.get(pos[3], _Pos.person)
        elif pos[1] == "固有名詞":
            cached = _Pos.place if pos[2] == "地名" else _Pos.proper
        elif pos[0] == "名詞":
            cached = _Pos.number if pos[1] == "数詞" else _Pos.common
        else:
            cached = {"接尾辞": _Pos.suffix, "接頭辞": _Pos.prefix, "補助記号": _Pos.symbol}.get(pos[0], _Pos.other)
        _POS_CLASSES[pos_id] = cached
    return cached


Token = tuple[str, str, bool, int, int]  # surface, pos class, out of vocabulary, begin, end


def _tokens(text: str, offset: int = 0) -> list[Token]:
    dictionary, tokenizer = _sudachi()
    return [
        (m.surface(), _pos_class(dictionary, m.part_of_speech_id()), m.is_oov(), m.begin() + offset, m.end() + offset)
        for m in tokenizer.tokenize(text)
    ]


@dataclass(frozen=True, slots=True)
class _NameLexicon:
    """The 人名 entries of Sudachi's dictionary: a cheap test of where a name might be, before tokenizing."""

    surnames: frozenset[str]
    given: frozenset[str]
    names: frozenset[str]  # surnames, given names and other person names


@cache
def _name_lexicon() -> _NameLexicon:
    # Reading the ~1.6M entries takes about a second, once per process; it saves tokenizing most texts.
    dictionary = _dictionary()
    classes: dict[int, str] = {}
    found: dict[str, set[str]] = {_Pos.surname: set(), _Pos.given: set(), _Pos.person: set()}
    for morpheme in dictionary.entries():
        pos_id = morpheme.part_of_speech_id()
        pos = classes.get(pos_id)
        if pos is None:
            pos = classes[pos_id] = _pos_class(dictionary, pos_id)
        if pos in found:
            surface = unicodedata.normalize("NFKC", morpheme.surface()).lower()
            if len(surface) <= 4 and (len(surface) >= 2 or _is_kanji(surface)):
                found[pos].add(surface)
    return _NameLexicon(
        frozenset(found[_Pos.surname]),
        frozenset(found[_Pos.given]),
        frozenset(found[_Pos.surname] | found[_Pos.given] | found[_Pos.person]),
    )


def _is_generic(text: str) -> bool:
    """Too short, or one dictionary word or place name on its own: a name reduced to this is not a name."""
    if len(text) < 2:
        return True
    tokens = _tokens(text)
    return len(tokens) == 1 and tokens[0][1] in (_Pos.common, _Pos.place, _Pos.number) and not tokens[0][2]


def _leading_kanji_place(text: str) -> str | None:
    tokens = _tokens(text)
    if len(tokens) >= 2 and tokens[0][1] == _Pos.place and not _has_kana(tokens[0][0]):
        return tokens[0][0]
    return None


def _has_kana(text: str) -> bool:
    return any("ぁ" <= char <= "ヺ" for char in text)


def _is_kanji(text: str) -> bool:
    return all(_KANJI_CHAR.match(char) for char in text)


def _is_distinctive_short_form(candidate: str, family: str | None) -> bool:
    """Is the shortened name still this business and not a word everybody uses (加賀漆器, リネン, かがり火)?"""
    if len(candidate) < 2 or (_is_kana(matching_key(candidate)) and len(candidate) < 3):
        return False
    if family and len(family) >= 2 and family in candidate:
        # Named after the owner (漆原漆器, 道下鉄工); the surname alone stays a person's name, needing context.
        return len(candidate) > len(family)
    if candidate.endswith(NAME_FORMING_SUFFIXES) and len(candidate) >= 3:
        return True  # やまびこ荘, はづき堂
    tokens = _tokens(candidate)
    if len(tokens) == 1:
        # One word: only a word the dictionary calls a proper name (not a place or surname alone) or does not know.
        return tokens[0][2] or tokens[0][1] == _Pos.proper
    for surface, pos, oov, _, _ in tokens:
        if oov or pos in (*_PERSON_POS, _Pos.proper, _Pos.other):
            return True
        if pos == _Pos.place and _has_kana(surface):
            return True  # a place spelled in kana is a brand (やまと酒造), not a market (加賀漆器)
    return False


# ---------------------------------------------------------------------------------------------------------------
# Patterns (compiled once, over the pattern view: NFKC, lower case, no whitespace, digits and dashes folded)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_DIGIT = re.compile(r"\d")
_COUNTERS = frozenset("万円年月日%名人件個倍回時分")  # 100-2000万円 is an amount, not a postcode
_NUMBER_RUN = re.compile(r"(?:\+81[-.]?(?:\(0\))?[-.]?)?(?:\(\d{1,5}\)|\d)(?:[-./ー]?(?:\(\d{1,5}\)|\d))*")
_PHONE_CUE = re.compile(r"(?:tel|fax|電話|でんわ|携帯|ファックス|ファクス|連絡先)(?:番号)?[:.は]*$")
_POSTCODE_CUE = re.compile(r"(?:〒|郵便番号|郵便|〠)[:.]*$")
_CORPORATE_CUE = re.compile(r"(?:法人番号|登録番号|インボイス|適格請求書)")
_PRODUCT_CUE = re.compile(r"(?:jan|ean|isbn|品番|商品コード|商品番号|バーコード|型番|コード)[:.]*$")
_EMAIL = re.compile(
    r"(?:mailto:)?[a-z0-9][a-z0-9._%+-]*"
    r"(?P<at>@|\(at\)|\[at\]|<at>|\(アットマーク\)|アットマーク|\(アット\)|\[アット\]|at)"
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}"
)
_TLDS = (
    "jp com net org info biz shop store online site tokyo nagoya osaka kyoto yokohama io co me tv app dev page"
    " blog link club jpn asia"
).split()
_URL = re.compile(
    r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + "|".join(_TLDS) + r"|[a-z]{2})(?![a-z0-9-])"
    r"(?::\d+)?(?:/[a-z0-9\-._~%!$&'*+,;=:@/?#]*)?"
)
_HANDLE = re.compile(r"(?<![a-z0-9._%+-])@[a-z0-9_](?:[a-z0-9_.]*[a-z0-9_]){2,}")
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆ヶ"
_KANJI_CHAR = re.compile(f"[{_KANJI}]")
_IROHA = "いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえてあさきゆめみしゑひもせす"
# House numbers; the first four are addresses on their own, the rest only after a place name.
_HOUSE_NUMBER = re.compile(
    r"\d+丁目(?:[ァ-ヺ]?\d+(?:番地?|-|の(?=\d))?(?:\d+号?)?)?"
    r"|\d+部\d+(?:番地?)?(?:の?\d+)?"
    r"|\d+番地(?:の?\d+)?"
    r"|\d+番\d+号?"
    rf"|(?P<weak>\d+(?:-\d+){{1,2}}(?![\d{_KANJI}%.])"
    r"|\d+の\d+(?![\d%.])"
    rf"|(?<=[町村字][ァ-ヺ{_IROHA}])\d+(?![\d{_KANJI}%.,]))"
)
_PLACE_CHARS = re.compile(rf"[{_KANJI}ァ-ヺぁ-ゖー]{{1,20}}$")
_PARTICLE_BETWEEN = re.compile(r"[ぁ-かき-ゖ]")  # any hiragana but が (扇が丘)
_IROHA_BLOCK = re.compile(rf"[町村字][{_IROHA}]$")
_TOWN_TAIL = re.compile(rf"[{_KANJI}ァ-ヺー]{{1,8}}$")
_LEGAL_BEFORE = re.compile("(?:" + _alternation(matching_key(form) for form in LEGAL_FORMS) + ")$")
_LEGAL_AFTER = re.compile("(?:" + _alternation(matching_key(form) for form in LEGAL_FORMS) + ")")

_AFTER_WORDS = frozenset((*HONORIFICS, *TITLES, *FAMILY_AFTER))
_BEFORE_WORDS = frozenset(PERSON_BEFORE)
_RELATIVES = "長男 次男 三男 長女 次女 三女 息子 娘 娘婿 妻 夫 奥様 ご主人 後継者".split()
# After a registered surname: 浜野さん, 浜野社長, 浜野家, 浜野の長男.
_PERSON_AFTER = re.compile("(?:" + _alternation(_AFTER_WORDS) + "|の(?:" + _alternation(_RELATIVES) + "))")
_PERSON_BEFORE = re.compile("(?:" + _alternation(_BEFORE_WORDS) + ")(?:" + _alternation(PERSON_LINKS) + ")?$")
_PERSON_CUE = re.compile("(?:" + _alternation(_AFTER_WORDS | _BEFORE_WORDS) + ")")
_PERSON_LINK = re.compile("(?:" + _alternation(PERSON_LINKS) + ")")
# A run that may be a full name on its own: 3–6 kanji, or kanji and a kana given name (林さくら).
_NAME_RUN = re.compile(
    rf"(?<![{_KANJI}])(?P<stem>[{_KANJI}]{{1,6}})(?:(?P<kana>[ぁ-ゖ]{{2,3}}|[ァ-ヺー]{{2,4}})|(?<=[{_KANJI}]{{3}})(?![{_KANJI}]))"
)
_PARTICLE_STARTS = frozenset("のがをにでとはもへやさくち")
_KANA_CHARS = re.compile(r"[ァ-ヺー]")
_SUBJECT_PARTICLES = frozenset("がはをにとへも、。)")


# ---------------------------------------------------------------------------------------------------------------
# The scrubber


@dataclass(slots=True)
class _Finding:
    start: int  # in the normalised views
    end: int
    kind: ScrubKind
    weight: int  # which kind names a merged span: the longest finding, then the known entity
    partial: bool = False  # a registered surname alone (浜野 of 浜野翔太): the name may go on


_WEIGHT_KNOWN, _WEIGHT_PATTERN, _WEIGHT_PERSON = 3, 2, 1


class GoalTextScrubber:
    """Scrubs goal texts against one organization's register.

    The first one in a process loads Sudachi's dictionary and its name lexicon (about a second); `scrub` keeps
    no state, and each thread gets its own Sudachi tokenizer.
    """

    def __init__(self, register: ScrubRegister | Iterable[RegisteredBusiness] = ()) -> None:
        self.register = register if isinstance(register, ScrubRegister) else ScrubRegister(register)
        _fold_tables()
        _name_lexicon()

    def scrub(self, text: str) -> ScrubResult:
        if not text:
            return ScrubResult(text, [])
        view = normalise(text)
        findings: list[_Finding] = []
        self._known(view, findings)
        if _DIGIT.search(view.pattern):
            self._numbers(view, findings)
            self._streets(view, findings)
        self._links(view, findings)
        self._persons(view, findings)
        return _render(view, findings)

    # -- known entities

    def _known(self, view: NormalisedText, findings: list[_Finding]) -> None:
        automaton = self.register.automaton
        if automaton is None:
            return
        matching, pattern = view.matching, view.pattern
        for end_index, (length, options) in automaton.iter(matching):
            end = end_index + 1
            start = end - length
            for option in options:
                if option.rule == _Rule.context and not _person_context(pattern, start, end):
                    continue
                if option.rule == _Rule.kana and not _kana_boundary(view, start, end):
                    continue
                if option.kind == ScrubKind.business:
                    start, end = _absorb_legal_form(matching, start, end)
                findings.append(_Finding(start, end, option.kind, _WEIGHT_KNOWN, option.rule == _Rule.context))
                break

    # -- phone, fax, postal code, corporate number

    def _numbers(self, view: NormalisedText, findings: list[_Finding]) -> None:
        pattern = view.pattern
        for run in _NUMBER_RUN.finditer(pattern):
            start, end = run.span()
            if self._number(view, start, end, findings):
                continue
            # Whitespace was removed: 0767 84 1122 is one number, but in "1122 2025年度" two were glued together.
            cuts = [i for i in range(start + 1, end) if view.gap_before(i)]
            if cuts:
                pieces = list(zip([start, *cuts], [*cuts, end], strict=True))
                self._numbers_in_pieces(view, pieces, findings)

    def _numbers_in_pieces(self, view: NormalisedText, pieces: list[tuple[int, int]], findings: list[_Finding]) -> None:
        first = 0
        while first < len(pieces):
            for last in range(len(pieces) - 1, first - 1, -1):
                if (first, last) != (0, len(pieces) - 1) and self._number(
                    view, pieces[first][0], pieces[last][1], findings
                ):
                    first = last
                    break
            first += 1

    def _number(self, view: NormalisedText, start: int, end: int, findings: list[_Finding]) -> bool:
        """Classify the digits in pattern[start:end]; True if they were a phone, postcode or 法人番号."""
        pattern = view.pattern
        positions = [i for i in range(start, end) if pattern[i].isdigit()]
        if len(positions) < 6:
            return False
        digits = "".join(pattern[i] for i in positions)
        international = pattern.startswith("+81", start)
        national = "0" + digits[2:].removeprefix("0") if international else digits
        found = False
        known = self.register.number_automaton
        if known is not None:
            offset = len(digits) - len(national)
            for end_index, (length, kind) in known.iter(national):
                first = max(end_index - length + 1 + offset, 0)
                last = min(end_index + offset, len(positions) - 1)
                findings.append(_Finding(positions[first], positions[last] + 1, kind, _WEIGHT_KNOWN))
                found = True
        kind = _number_kind(pattern, start, end, digits, national, international)
        if kind is not None:
            if kind == ScrubKind.postcode and start and pattern[start - 1] == "〒":
                start -= 1
            if kind == ScrubKind.corporate_number and start and pattern[start - 1] == "t":
                start -= 1
            findings.append(_Finding(start, end, kind, _WEIGHT_PATTERN))
        return found or kind is not None

    # -- street addresses

    def _streets(self, view: NormalisedText, findings: list[_Finding]) -> None:
        pattern, plain = view.pattern, view.plain
        for number in _HOUSE_NUMBER.finditer(pattern):
            start = _street_start(pattern, plain, number.start(), weak=number.group("weak") is not None)
            if start is not None:
                findings.append(_Finding(start, number.end(), ScrubKind.address, _WEIGHT_PATTERN))

    # -- emails, URLs, handles

    def _links(self, view: NormalisedText, findings: list[_Finding]) -> None:
        pattern = view.pattern
        taken: list[tuple[int, int]] = []
        if "@" in pattern or "at" in pattern or "アット" in pattern:
            for match in _EMAIL.finditer(pattern):
                if match.group("at") == "at" and not view.gap_before(match.start("at")):
                    continue  # "at" is an address only when written apart: info at example.jp
                findings.append(_Finding(match.start(), match.end(), ScrubKind.email, _WEIGHT_PATTERN))
                taken.append(match.span())
        if "." in pattern:
            for match in _URL.finditer(pattern):
                if _overlaps(match.span(), taken) or not _looks_like_host(match.group()):
                    continue
                findings.append(_Finding(match.start(), match.end(), ScrubKind.url, _WEIGHT_PATTERN))
                taken.append(match.span())
        if "@" in pattern:
            for match in _HANDLE.finditer(pattern):
                if not _overlaps(match.span(), taken):
                    findings.append(_Finding(match.start(), match.end(), ScrubKind.url, _WEIGHT_PATTERN))

    # -- person names

    def _persons(self, view: NormalisedText, findings: list[_Finding]) -> None:
        plain = view.plain
        known = [(f.start, f.end) for f in findings if f.weight == _WEIGHT_KNOWN and not f.partial]
        for window_start, window_end in _person_windows(view, _name_lexicon(), known):
            tokens = _tokens(plain[window_start:window_end], window_start)
            findings.extend(_Finding(s, e, ScrubKind.person, _WEIGHT_PERSON) for s, e in _names_in(tokens))


def _number_kind(
    pattern: str, start: int, end: int, digits: str, national: str, international: bool
) -> ScrubKind | None:
    before = pattern[max(0, start - 8) : start]
    count = len(digits)
    if count == 13 or (count == 14 and digits.startswith("0")):
        # A 13-digit number with a valid 法人番号 check digit is one, unless it is labelled as a product code;
        # with an invalid check digit it is one only when labelled as one (a typo must not leak it).
        if corporate_number_is_valid(digits[-13:]):
            return None if _PRODUCT_CUE.search(before) else ScrubKind.corporate_number
        return ScrubKind.corporate_number if _CORPORATE_CUE.search(pattern, max(0, start - 12), start) else None
    if international and 10 <= len(national) <= 11:
        return ScrubKind.phone
    if national.startswith("0") and 10 <= count <= 11:
        return ScrubKind.phone
    if count == 7 and _POSTCODE_CUE.search(before):
        return ScrubKind.postcode
    if 6 <= count <= 11 and _PHONE_CUE.search(before):
        return ScrubKind.phone  # TEL 221-0001: a local number, even in the shape of a postcode
    if count == 7 and re.fullmatch(r"\d{3}-\d{4}", pattern[start:end]) and pattern[end : end + 1] not in _COUNTERS:
        return ScrubKind.postcode
    return None


def _person_context(pattern: str, start: int, end: int) -> bool:
    return _PERSON_AFTER.match(pattern, end) is not None or _PERSON_BEFORE.search(pattern, 0, start) is not None


def _kana_boundary(view: NormalisedText, start: int, end: int) -> bool:
    """A short kana key stands alone: not inside a longer kana word, nor okurigana after a kanji (合わせた)."""
    matching, plain = view.matching, view.plain
    if start > 0 and _KANA_CHARS.match(matching, start - 1):
        return False
    if start > 0 and "ぁ" <= plain[start] <= "ゖ" and _KANJI_CHAR.match(plain, start - 1):
        if not _LEGAL_BEFORE.search(matching, max(0, start - 12), start):
            return False
    return not (end < len(matching) and _KANA_CHARS.match(matching, end) and view.plain[end] not in _PARTICLE_STARTS)


def _absorb_legal_form(matching: str, start: int, end: int) -> tuple[int, int]:
    before = _LEGAL_BEFORE.search(matching, max(0, start - 12), start)
    if before:
        start = before.start()
    after = _LEGAL_AFTER.match(matching, end)
    if after:
        end = after.end()
    return start, end


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _looks_like_host(text: str) -> bool:
    host = re.sub(r"^https?://", "", text).split("/", 1)[0]
    labels = host.split(".")
    # 1.5倍 or ver.2 are not hosts: a host's name has a letter and more than one character.
    return text.startswith(("http", "www.")) or (len(labels[-2]) >= 2 and any(c.isalpha() for c in labels[-2]))


def _street_start(pattern: str, plain: str, number: int, *, weak: bool) -> int | None:
    """Where the address ending in the house number at `number` begins; None if it is not an address.

    Sudachi reads 七尾市藤橋町 or 石川県輪島市町野町東大野 as one place token, so the address starts at the first
    place token before the number (and not at 所在地 or 新工場用地として in front of it).
    """
    place_chars = _PLACE_CHARS.search(pattern, 0, number)
    if place_chars is None:
        return None if weak else number
    window_start = place_chars.start()
    tokens = _tokens(plain[window_start:number], window_start)
    for index, (_, pos, _, begin, end) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if pos == _Pos.place or (pos in _PERSON_POS and following[:1] in ("市", "町", "村", "区", "郡")):
            # 金沢市内に1-2カ所 is not an address: no particle between the place and a weak house number,
            # except a いろは block right after the town (寺井町を12).
            between_end = number - 1 if _IROHA_BLOCK.search(pattern, 0, number) else number
            if weak and _PARTICLE_BETWEEN.search(pattern, end, between_end):
                continue
            return begin
    if weak:
        return None
    town = _TOWN_TAIL.search(pattern, 0, number)
    return town.start() if town else number


# -- person names


def _person_windows(view: NormalisedText, lexicon: _NameLexicon, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches worth tokenizing: around a cue word with a name-like neighbour, and possible full names.

    A neighbour already found as a registered name (浜野社長) needs no second look.
    """
    plain, pattern = view.plain, view.pattern
    length = len(plain)
    windows: list[tuple[int, int]] = []
    for cue in _PERSON_CUE.finditer(pattern):
        start, end = cue.span()
        word = cue.group()
        if word in _AFTER_WORDS and not _ends_known(known, start):
            if _name_ends_at(plain, start, lexicon, honorific=word in HONORIFICS):
                windows.append((start - 6, end + 1))
        if word in _BEFORE_WORDS:
            link = _PERSON_LINK.match(pattern, end)
            name_start = link.end() if link else end
            if not _starts_known(known, name_start) and _name_starts_at(plain, name_start, lexicon):
                windows.append((start, name_start + 7))
    for run in _NAME_RUN.finditer(plain):
        if _splits_into_full_name(run["stem"], run["kana"], lexicon) and not _overlaps(run.span(), known):
            windows.append((run.start() - 1, run.end() + 1))
    if not windows:
        return []
    windows.sort()
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        start, end = _widen(plain, max(start, 0)), min(end, length)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _ends_known(known: list[tuple[int, int]], index: int) -> bool:
    return any(end == index for _, end in known)


def _starts_known(known: list[tuple[int, int]], index: int) -> bool:
    return any(start == index for start, _ in known)


def _widen(plain: str, start: int) -> int:
    """Move a window's start back to a word boundary, so a word cut in half does not pose as a name."""
    floor = max(0, start - 4)
    while start > floor and _is_word_char(plain[start - 1]):
        start -= 1
    return start


def _is_word_char(char: str) -> bool:
    return _KANJI_CHAR.match(char) is not None or "ァ" <= char <= "ヺ" or char == "ー"


def _name_ends_at(plain: str, index: int, lexicon: _NameLexicon, *, honorific: bool) -> bool:
    if index == 0:
        return False
    if any(plain[index - size : index] in lexicon.names for size in (1, 2, 3, 4) if size <= index):
        return True
    # An honorific after a word Sudachi may not know (蔵さん, 表さん) — unless it is a role (職人さん).
    return honorific and _is_word_char(plain[index - 1]) and not _ends_with_generic(plain, index)


def _ends_with_generic(plain: str, index: int) -> bool:
    return plain[index - 1] in GENERIC_HONOURED_ENDINGS or any(
        plain[max(0, index - size) : index] in GENERIC_HONOURED for size in (1, 2, 3)
    )


def _name_starts_at(plain: str, index: int, lexicon: _NameLexicon) -> bool:
    if index >= len(plain):
        return False
    return _is_word_char(plain[index]) or any(plain[index : index + size] in lexicon.names for size in (2, 3, 4))


def _splits_into_full_name(stem: str, kana: str | None, lexicon: _NameLexicon) -> bool:
    """Is the run exactly 姓 + 名? A one-kanji start may be a surname Sudachi does not list (蔵健一)."""
    if kana:
        # 林さくら(を): the kana may run on into a particle.
        if stem in lexicon.surnames and (kana[:2] in lexicon.given or kana[:3] in lexicon.given):
            return True
        if len(stem) < 3:
            return False
    for cut in range(1, min(4, len(stem))):
        given = stem[cut:]
        if given in lexicon.given and (stem[:cut] in lexicon.surnames or (cut == 1 and len(given) >= 2)):
            return True
    return False


def _names_in(tokens: list[Token]) -> list[tuple[int, int]]:
    """Person names in a tokenized window: 人名 tokens with context, full names, unknown words before さん."""
    names: list[tuple[int, int]] = []
    count = len(tokens)
    index = 0
    while index < count:
        surface, pos, oov, begin, _ = tokens[index]
        if not _name_like(surface, pos, oov):
            index += 1
            continue
        first, last = index, index
        while last + 1 < count:
            if _name_like(*tokens[last + 1][:3]) and tokens[last + 1][1] != _Pos.place:
                last += 1
            elif last + 2 < count and tokens[last + 1][0] == "・" and _is_katakana_name_part(tokens, last):
                last += 2  # グエン・ヴァン・アン
            else:
                break
        # 𠮷田: a kanji Sudachi does not know, right before a name, is part of it.
        while first > 0 and tokens[first - 1][2] and _is_kanji(tokens[first - 1][0]):
            first -= 1
        # 蔵真由美: a one-kanji noun before a given name is a surname Sudachi read as a noun.
        if (
            pos == _Pos.given
            and first > 0
            and _bare_kanji_noun(tokens[first - 1])
            and not _person_before(tokens, first)
        ):
            first -= 1
        # 悠人さん read as 悠 + 人: a one-kanji piece between a name and an honorific belongs to the name.
        if last + 2 < count and _bare_kanji_noun(tokens[last + 1], suffix=True) and tokens[last + 2][0] in HONORIFICS:
            last += 1
        run = tokens[first : last + 1]
        following = tokens[last + 1][0] if last + 1 < count else ""
        after = following in HONORIFICS or following in TITLES or following in FAMILY_AFTER
        before = _person_before(tokens, first)
        if (before or after or _is_full_name(run, following)) and not _is_place_alone(run, after):
            if not (len(run) == 1 and run[0][0] in GENERIC_HONOURED):
                names.append((run[0][3], run[-1][4]))
        index = last + 1
    # A noun that is not a role (職人, 農家 …) directly before さん/様/氏 is a name Sudachi read as a word.
    for position in range(1, count):
        surface, pos, oov, begin, end = tokens[position - 1]
        if tokens[position][0] in HONORIFICS and pos == _Pos.common and not _is_role(surface):
            if _is_kanji(surface) and len(surface) <= 3:
                names.append((begin, end))
    return names


def _is_katakana_name_part(tokens: list[Token], last: int) -> bool:
    following = tokens[last + 2]
    return _is_kana(tokens[last][0]) and _is_kana(following[0]) and following[1] in (*_PERSON_POS, _Pos.common)


def _is_role(noun: str) -> bool:
    return noun in GENERIC_HONOURED or (len(noun) >= 2 and noun.endswith(GENERIC_HONOURED_ENDINGS))


def _name_like(surface: str, pos: str, oov: bool) -> bool:
    if pos in _PERSON_POS:
        return True
    return oov and (_is_kanji(surface) or _is_kana(surface)) and len(surface) >= 2


def _bare_kanji_noun(token: Token, *, suffix: bool = False) -> bool:
    surface, pos, _, _, _ = token
    allowed = (_Pos.common, _Pos.suffix) if suffix else (_Pos.common,)
    return len(surface) == 1 and _is_kanji(surface) and pos in allowed and surface not in GENERIC_HONOURED


def _is_full_name(run: list[Token], following: str) -> bool:
    """姓 + 名 with no context. A one-kanji given name must be followed by a particle (牛首紬の is a fabric)."""
    if len(run) < 2 or run[0][1] not in (_Pos.surname, _Pos.common):
        return False
    given = run[-1]
    if given[1] not in (_Pos.given, _Pos.person):
        return False
    return len(given[0]) >= 2 or following[:1] in _SUBJECT_PARTICLES


def _is_place_alone(run: list[Token], after: bool) -> bool:
    return len(run) == 1 and run[0][0] in ISHIKAWA_PLACES and not after


def _person_before(tokens: list[Token], index: int) -> bool:
    """Is the token at index preceded by a family or role word, perhaps joined by の・: or a bracket?"""
    previous = index - 1
    if previous >= 0 and tokens[previous][0] in PERSON_LINKS:
        previous -= 1
    return previous >= 0 and tokens[previous][0] in _BEFORE_WORDS


def _render(view: NormalisedText, findings: list[_Finding]) -> ScrubResult:
    if not findings:
        return ScrubResult(view.original, [])
    findings.sort(key=lambda f: (f.start, -f.end))
    merged: list[tuple[int, int, ScrubKind]] = []
    group_start, group_end = findings[0].start, findings[0].end
    best = findings[0]
    for finding in findings[1:]:
        if finding.start < group_end or (finding.start == group_end and finding.kind == best.kind):
            group_end = max(group_end, finding.end)
            if (finding.end - finding.start, finding.weight) > (best.end - best.start, best.weight):
                best = finding
            continue
        merged.append((group_start, group_end, best.kind))
        group_start, group_end, best = finding.start, finding.end, finding
    merged.append((group_start, group_end, best.kind))

    original = view.original
    pieces: list[str] = []
    replacements: list[Replacement] = []
    cursor = 0
    for start, end, kind in merged:
        first, last = view.span(start, end)
        pieces.append(original[cursor:first])
        pieces.append(kind.placeholder)
        replacements.append(Replacement(first, last, kind, original[first:last]))
        cursor = last
    pieces.append(original[cursor:])
    return ScrubResult("".join(pieces), replacements)


def scrub_goal_text(text: str, scrubber: GoalTextScrubber) -> ScrubResult:
    """目標 as it may leave the organization (sharing-policy.md §2)."""
    return scrubber.scrub(text)
