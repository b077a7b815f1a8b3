"""Generate the labelled goal-text scrubbing corpus (scrub_corpus.jsonl) and its register (scrub_register.json).

Everything here is synthetic: fictional businesses in real Ishikawa municipalities, made-up people, numbers
and domains. Run `python make_scrub_corpus.py` in this folder to rewrite both files; the output is
deterministic (fixed seed), so a diff shows exactly what changed.

Each corpus line: {"id", "text", "register_ref", "spans": [{"kind", "text"}]} — `spans` are the identifying
substrings that must not survive scrubbing; a line without spans must come out unchanged. Kinds:
business, representative (known people), person (people the register does not know), phone, email, url,
postcode, address, corporate_number.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent


def check_digit(base12: str) -> str:
    total = sum(int(digit) * (1 if n % 2 == 1 else 2) for n, digit in enumerate(reversed(base12), start=1))
    return str(9 - total % 9)


def corporate_number(base12: str) -> str:
    return check_digit(base12) + base12


# The register: fictional businesses of one organization. `core` is the name without its legal form,
# `legal` its family, `spaced` how a name is typed with a space, `short` the shorthand advisors use.
REGISTER: list[dict] = [
    {
        "id": "B01", "name": "株式会社のとじま水産", "name_kana": "ノトジマスイサン", "representative": "浜野 勝",
        "address": "〒926-0216 石川県七尾市能登島向田町12-4", "phone": "0767-84-1122", "fax": "0767-84-1123",
        "email": "info@notojima-suisan.example.jp", "website": "https://www.notojima-suisan.example.jp/",
        "corporate_number": corporate_number("220001004512"),
        "core": "のとじま水産", "legal": "kk", "spaced": "のとじま 水産", "short": [],
    },
    {
        "id": "B02", "name": "有限会社漆原漆器店", "name_kana": "ウルシハラシッキテン", "representative": "漆原 清志",
        "address": "石川県輪島市河井町2丁目88番地", "phone": "0768-22-3401", "fax": "0768-22-3402",
        "email": "urushihara@wajima-urushi.example.jp", "website": "wajima-urushi.example.jp",
        "corporate_number": corporate_number("220002012207"),
        "core": "漆原漆器店", "legal": "yk", "spaced": "漆原 漆器店", "short": ["漆原漆器"],
    },
    {
        "id": "B03", "name": "御菓子処 はづき堂",
        "name_kana": "オカシドコロハヅキドウ", "representative": "葉月 真理子",
        "address": "〒920-0831 石川県金沢市東山1丁目14番7号", "phone": "076-251-7720", "fax": None,
        "email": "hazukido@example.ne.jp", "website": "http://hazukido.example.com", "corporate_number": None,
        "core": "御菓子処はづき堂", "legal": None, "spaced": "御菓子処　はづき堂", "short": ["はづき堂"],
    },
    {
        "id": "B04", "name": "合同会社ハクサンアウトドアベース", "name_kana": "ハクサンアウトドアベース",
        "representative": "雪村 拓海", "address": "石川県白山市白峰ロ45番地", "phone": "076-259-2211", "fax": None,
        "email": "contact@hakusan-ob.example.com", "website": "https://hakusan-ob.example.com/camp",
        "corporate_number": corporate_number("220003007781"),
        "core": "ハクサンアウトドアベース", "legal": "gk", "spaced": "ハクサン アウトドアベース", "short": [],
    },
    {
        "id": "B05", "name": "株式会社犀川ブルワリー", "name_kana": "サイガワブルワリー", "representative": "北条 直人",
        "address": "石川県金沢市片町2丁目3-4", "phone": "076-231-5580", "fax": None,
        "email": "hello@saigawa-brewery.example.jp", "website": "saigawa-brewery.example.jp",
        "corporate_number": corporate_number("220001031190"),
        "core": "犀川ブルワリー", "legal": "kk", "spaced": "犀川 ブルワリー", "short": [],
    },
    {
        "id": "B06", "name": "合資会社鶴来やまと酒造",
        "name_kana": "ツルギヤマトシュゾウ", "representative": "大和田 恭介",
        "address": "石川県白山市鶴来本町3丁目ワ12", "phone": "076-272-0018", "fax": "076-272-0019",
        "email": "sake@yamato-shuzo.example.co.jp", "website": "https://yamato-shuzo.example.co.jp",
        "corporate_number": corporate_number("220004000316"),
        "core": "鶴来やまと酒造", "legal": "gs", "spaced": "鶴来 やまと酒造", "short": ["やまと酒造"],
    },
    {
        "id": "B07", "name": "株式会社湯宿かがり火", "name_kana": "ユヤドカガリビ", "representative": "加賀谷 悦子",
        "address": "〒922-0242 石川県加賀市山代温泉18の2", "phone": "0761-77-1801", "fax": "0761-77-1809",
        "email": "yado@kagaribi.example.jp", "website": "https://kagaribi.example.jp",
        "corporate_number": corporate_number("220001018823"),
        "core": "湯宿かがり火", "legal": "kk", "spaced": "湯宿 かがり火", "short": [],
    },
    {
        "id": "B08", "name": "Café ことり", "name_kana": "カフェコトリ", "representative": "鳥居 春香",
        "address": "石川県野々市市本町3丁目5-21", "phone": "076-248-3390", "fax": None,
        "email": "cafe.kotori@example.com", "website": "https://cafe-kotori.example.com", "corporate_number": None,
        "core": "Café ことり", "legal": None, "spaced": "Café　ことり", "short": [],
    },
    {
        "id": "B09", "name": "有限会社まるや商店", "name_kana": "マルヤショウテン", "representative": "丸谷 健吾",
        "address": "石川県小松市土居原町5-10", "phone": "0761-22-4567", "fax": "0761-22-4568",
        "email": "maruya@maruya-komatsu.example.jp", "website": None,
        "corporate_number": corporate_number("220002005561"),
        "core": "まるや商店", "legal": "yk", "spaced": "まるや 商店", "short": ["まるや"],
    },
    {
        "id": "B10", "name": "株式会社小松精密製作所",
        "name_kana": "コマツセイミツセイサクショ", "representative": "竹腰 誠",
        "address": "石川県能美市岩内町ニ45番地1", "phone": "0761-55-3201", "fax": "0761-55-3202",
        "email": "soumu@komatsu-seimitsu.example.co.jp", "website": "www.komatsu-seimitsu.example.co.jp",
        "corporate_number": corporate_number("220001026654"),
        "core": "小松精密製作所", "legal": "kk", "spaced": "小松精密 製作所", "short": ["小松精密"],
    },
    {
        "id": "B11", "name": "一般社団法人のと里山ツーリズム協会", "name_kana": "ノトサトヤマツーリズムキョウカイ",
        "representative": "里見 和彦", "address": "石川県鳳珠郡能登町宇出津ム46-1", "phone": "0768-62-0808",
        "fax": None, "email": "info@noto-satoyama.example.or.jp", "website": "https://noto-satoyama.example.or.jp",
        "corporate_number": corporate_number("220005001127"),
        "core": "のと里山ツーリズム協会", "legal": "ippan", "spaced": "のと里山 ツーリズム協会", "short": [],
    },
    {
        "id": "B12", "name": "越田鮮魚店", "name_kana": "コシダセンギョテン", "representative": "越田 文子",
        "address": "石川県輪島市河井町1部115番地", "phone": "0768-22-0415", "fax": None, "email": None,
        "website": None, "corporate_number": None,
        "core": "越田鮮魚店", "legal": None, "spaced": "越田 鮮魚店", "short": [],
    },
    {
        "id": "B13", "name": "株式会社Kanazawa Design Works", "name_kana": "カナザワデザインワークス",
        "representative": "桐山 隼", "address": "石川県金沢市広坂1丁目2-32 広坂ビル3F", "phone": "076-205-1234",
        "fax": None, "email": "studio@kdw.example.com", "website": "https://kdw.example.com",
        "corporate_number": corporate_number("220001040015"),
        "core": "Kanazawa Design Works", "legal": "kk", "spaced": "Kanazawa  Design Works", "short": [],
    },
    {
        "id": "B14", "name": "有限会社揚げ浜塩工房しおさい", "name_kana": "アゲハマシオコウボウシオサイ",
        "representative": "角 正和", "address": "石川県珠洲市清水町1-58", "phone": "0768-87-2020", "fax": None,
        "email": "contact@shiosai-suzu.example.jp", "website": "shiosai-suzu.example.jp",
        "corporate_number": corporate_number("220002009934"),
        "core": "揚げ浜塩工房しおさい", "legal": "yk", "spaced": "揚げ浜塩工房 しおさい", "short": [],
    },
    {
        "id": "B15", "name": "株式会社七尾リネン", "name_kana": "ナナオリネン", "representative": "中島 孝",
        "address": "石川県七尾市藤橋町亥45-3", "phone": "0767-53-7700", "fax": "0767-53-7701",
        "email": "info@nanao-linen.example.co.jp", "website": None,
        "corporate_number": corporate_number("220001012298"),
        "core": "七尾リネン", "legal": "kk", "spaced": "七尾 リネン", "short": [],
    },
    {
        "id": "B16", "name": "合同会社はなえみ", "name_kana": "ハナエミ", "representative": "西出 彩",
        "address": "石川県かほく市宇野気ニ81-2", "phone": "076-283-5151", "fax": None,
        "email": "hanaemi.flower@example.jp", "website": "https://hanaemi.example.jp",
        "corporate_number": corporate_number("220003011046"),
        "core": "はなえみ", "legal": "gk", "spaced": "はな えみ", "short": [],
    },
    {
        "id": "B17", "name": "株式会社染匠あおい", "name_kana": "センショウアオイ", "representative": "青井 悟",
        "address": "石川県金沢市野町2丁目23-8", "phone": "076-242-6610", "fax": None,
        "email": "someshou-aoi@example.com", "website": None,
        "corporate_number": corporate_number("220001009917"),
        "core": "染匠あおい", "legal": "kk", "spaced": "染匠 あおい", "short": [],
    },
    {
        "id": "B18", "name": "民宿 やまびこ荘", "name_kana": "ミンシュクヤマビコソウ", "representative": "谷内 茂",
        "address": "石川県輪島市町野町東大野23番地", "phone": "0768-32-0123", "fax": None, "email": None,
        "website": None, "corporate_number": None,
        "core": "民宿やまびこ荘", "legal": None, "spaced": "民宿　やまびこ荘", "short": ["やまびこ荘"],
    },
    {
        "id": "B19", "name": "株式会社グリーンファーム能美",
        "name_kana": "グリーンファームノミ", "representative": "能村 大地",
        "address": "石川県能美市寺井町た12", "phone": "0761-57-2468", "fax": None,
        "email": "farm@greenfarm-nomi.example.jp", "website": "https://greenfarm-nomi.example.jp",
        "corporate_number": corporate_number("220001035507"),
        "core": "グリーンファーム能美", "legal": "kk", "spaced": "グリーンファーム 能美", "short": [],
    },
    {
        "id": "B20", "name": "有限会社道下鉄工所", "name_kana": "ミチシタテッコウショ", "representative": "道下 昭夫",
        "address": "石川県白山市相木町590-3", "phone": "076-276-3355", "fax": "076-276-3356",
        "email": "office@michishita-iron.example.jp", "website": None,
        "corporate_number": corporate_number("220002003385"),
        "core": "道下鉄工所", "legal": "yk", "spaced": "道下 鉄工所", "short": ["道下鉄工"],
    },
    {
        "id": "B21", "name": "農事組合法人 邑知の郷", "name_kana": "オウチノサト", "representative": "瀬戸 一男",
        "address": "石川県羽咋市千代町ト16", "phone": "0767-22-8899", "fax": None,
        "email": "ouchi-no-sato@example.jp", "website": None,
        "corporate_number": corporate_number("220005003312"),
        "core": "邑知の郷", "legal": "noji", "spaced": "邑知 の郷", "short": [],
    },
    {
        "id": "B22", "name": "株式会社和倉ベイホテル", "name_kana": "ワクラベイホテル", "representative": "森本 由紀子",
        "address": "石川県七尾市和倉町ヨ部80番地", "phone": "0767-62-3000", "fax": "0767-62-3001",
        "email": "front@wakura-bay.example.jp", "website": "https://www.wakura-bay.example.jp",
        "corporate_number": corporate_number("220001006672"),
        "core": "和倉ベイホテル", "legal": "kk", "spaced": "和倉 ベイホテル", "short": [],
    },
    {
        "id": "B23", "name": "ヘアサロン Lino", "name_kana": "ヘアサロンリノ", "representative": "中田 愛",
        "address": "石川県白山市倉光3丁目150", "phone": "076-274-8080", "fax": None,
        "email": "lino.hair@example.com", "website": "https://lino-hair.example.com", "corporate_number": None,
        "core": "ヘアサロンLino", "legal": None, "spaced": "ヘアサロン　Lino", "short": [],
    },
    {
        "id": "B24", "name": "株式会社あけぼの印刷", "name_kana": "アケボノインサツ", "representative": "高桑 良平",
        "address": "石川県金沢市駅西本町4丁目9-12", "phone": "076-263-4411", "fax": "076-263-4412",
        "email": "akebono@akebono-print.example.co.jp", "website": "akebono-print.example.co.jp",
        "corporate_number": corporate_number("220001002236"),
        "core": "あけぼの印刷", "legal": "kk", "spaced": "あけぼの 印刷", "short": [],
    },
    {
        "id": "B25", "name": "寿し処 能登前", "name_kana": "スシドコロノトマエ", "representative": "竹田 誠一",
        "address": "石川県金沢市木倉町6-3", "phone": "076-221-6363", "fax": None, "email": None, "website": None,
        "corporate_number": None,
        "core": "寿し処能登前", "legal": None, "spaced": "寿し処　能登前", "short": [],
    },
    {
        "id": "B26", "name": "株式会社とぎマリン", "name_kana": "トギマリン", "representative": "坂下 亮",
        "address": "石川県羽咋郡志賀町富来領家町甲10", "phone": "0767-42-0555", "fax": None,
        "email": "marine@togi-marine.example.jp", "website": None,
        "corporate_number": corporate_number("220001044467"),
        "core": "とぎマリン", "legal": "kk", "spaced": "とぎ マリン", "short": [],
    },
    {
        "id": "B27", "name": "有限会社ささき木地工房",
        "name_kana": "ササキキジコウボウ", "representative": "佐々木 大輔",
        "address": "石川県加賀市山中温泉塚谷町イ231", "phone": "0761-78-2345", "fax": None,
        "email": "kiji@sasaki-kiji.example.jp", "website": "https://sasaki-kiji.example.jp",
        "corporate_number": corporate_number("220002007799"),
        "core": "ささき木地工房", "legal": "yk", "spaced": "ささき 木地工房", "short": ["ささき木地"],
    },
    {
        "id": "B28", "name": "駅西本町商店街振興組合", "name_kana": "エキニシホンマチショウテンガイシンコウクミアイ",
        "representative": "上野 正", "address": "石川県金沢市駅西本町3丁目1-5", "phone": "076-262-1010",
        "fax": None, "email": None, "website": None, "corporate_number": corporate_number("220005000408"),
        "core": "駅西本町商店街振興組合", "legal": None, "spaced": "駅西本町 商店街振興組合", "short": [],
    },
    {
        "id": "B29", "name": "特定非営利活動法人かなざわ子ども食堂ネット",
        "name_kana": "カナザワコドモショクドウネット",
        "representative": "尾山 恵", "address": "石川県金沢市尾山町9-13", "phone": "076-223-9090", "fax": None,
        "email": "info@kodomo-shokudo-kanazawa.example.org", "website": None,
        "corporate_number": corporate_number("220005002680"),
        "core": "かなざわ子ども食堂ネット", "legal": "npo", "spaced": "かなざわ 子ども食堂ネット", "short": [],
    },
    {
        "id": "B30", "name": "株式会社ハタノ電機", "name_kana": "ハタノデンキ", "representative": "波多野 修",
        "address": "石川県河北郡津幡町加賀爪ニ3番地", "phone": "076-288-1234", "fax": "076-288-1235",
        "email": "hatano-denki@example.ne.jp", "website": None,
        "corporate_number": corporate_number("220001050023"),
        "core": "ハタノ電機", "legal": "kk", "spaced": "ハタノ 電機", "short": [],
    },
]  # fmt: skip

LEGAL_FORMS = {
    "kk": (["株式会社"], ["（株）", "(株)", "㈱"]),
    "yk": (["有限会社"], ["（有）", "(有)", "㈲"]),
    "gk": (["合同会社"], ["（同）"]),
    "gs": (["合資会社"], ["（資）"]),
    "ippan": (["一般社団法人"], ["（一社）", "(一社)"]),
    "npo": (["特定非営利活動法人", "NPO法人"], ["ＮＰＯ法人"]),
    "noji": (["農事組合法人"], ["（農）"]),
}

SURNAMES = [
    "田村", "北川", "宮下", "坂井", "吉村", "小西", "西田", "川上", "竹内", "上田", "池田", "寺井", "米田",
    "出口", "中西", "浅野", "松田", "山岸", "表", "東", "林", "森", "辻", "嶋田", "新谷", "平木", "村井", "長谷川",
    "酒井", "岡本", "石黒", "二木", "南出", "干場", "向", "蔵", "松本", "山本", "鈴木", "高田",
]  # fmt: skip
GIVEN_MALE = ["翔太", "健一", "拓也", "悠人", "蓮", "大輔", "誠", "健太郎", "直樹", "智也", "隆", "和也", "優"]
GIVEN_FEMALE = [
    "美咲",
    "由美",
    "陽子",
    "奈々",
    "葵",
    "彩花",
    "恵子",
    "裕子",
    "亜希",
    "千尋",
    "さくら",
    "ひかり",
    "真由美",
    "結衣",
]
GIVEN = GIVEN_MALE + GIVEN_FEMALE
FOREIGN = ["グエン", "マリア", "チャン", "ラジ", "ホアン", "アナ"]

RELATIVES_MALE = ["長男", "次男", "三男", "息子", "娘婿", "孫", "弟", "甥"]
RELATIVES_FEMALE = ["長女", "次女", "娘", "奥様", "妻", "孫", "姪"]
STAFF_ROLES = [
    "従業員", "パート", "パート従業員", "アルバイト", "職人", "ベテラン職人", "事務担当", "製造責任者",
    "調理師", "杜氏", "店長", "工場長", "新人", "番頭", "板長", "営業担当", "経理担当",
]  # fmt: skip
HONORIFICS = ["さん", "さん", "さん", "氏", "様"]


# ---------------------------------------------------------------- renderings


def to_hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def _halfwidth_table() -> dict[str, str]:
    table = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    return table


HALF = _halfwidth_table()


def to_halfwidth(text: str) -> str:
    out = []
    for c in text:
        if c in HALF:
            out.append(HALF[c])
            continue
        decomposed = unicodedata.normalize("NFD", c)
        if len(decomposed) == 2 and decomposed[0] in HALF and decomposed[1] in "\u3099\u309a":
            out.append(HALF[decomposed[0]] + ("ﾞ" if decomposed[1] == "\u3099" else "ﾟ"))
        elif "!" <= unicodedata.normalize("NFKC", c) <= "~":
            out.append(unicodedata.normalize("NFKC", c))
        else:
            out.append(c)
    return "".join(out)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("　" if c == " " else c) for c in text)


KANJI_DIGITS = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))


def to_kanji_digits(text: str) -> str:
    return "".join(KANJI_DIGITS.get(c, "ー" if c == "-" else c) for c in text)


class Corpus:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lines: list[dict] = []

    def pick(self, items):
        return self.rng.choice(items)

    # Each mention returns (surface, spans).
    def business(self, b: dict, style: str | None = None) -> tuple[str, list[dict]]:
        styles = ["full", "full", "core", "core", "abbrev_front", "abbrev_back", "kana", "hiragana", "halfwidth",
                  "spaced", "short", "legal_back", "fullwidth"]  # fmt: skip
        style = style or self.pick(styles)
        core, legal = b["core"], b["legal"]
        if style == "full":
            surface = b["name"]
        elif style == "core":
            surface = core
        elif style == "abbrev_front" and legal:
            surface = self.pick(LEGAL_FORMS[legal][1]) + core
        elif style == "abbrev_back" and legal:
            surface = core + self.pick(LEGAL_FORMS[legal][1])
        elif style == "legal_back" and legal:
            surface = core + self.pick(LEGAL_FORMS[legal][0])
        elif style in ("kana", "hiragana", "halfwidth") and len(b["name_kana"]) > 14:
            surface = core
        elif style == "kana":
            surface = b["name_kana"]
        elif style == "hiragana":
            surface = to_hiragana(b["name_kana"])
        elif style == "halfwidth":
            surface = to_halfwidth(b["name_kana"])
        elif style == "spaced":
            surface = b["spaced"]
        elif style == "short" and b["short"]:
            surface = self.pick(b["short"])
        elif style == "fullwidth":
            surface = to_fullwidth(core)
        else:
            surface = b["name"] if self.rng.random() < 0.5 else core
        return surface, [{"kind": "business", "text": surface}]

    def representative(self, b: dict, style: str | None = None) -> tuple[str, list[dict]]:
        family, given = b["representative"].split(" ")
        style = style or self.pick(["full", "full_space", "family_title", "family_title", "full_title", "given"])
        title = self.pick(["社長", "社長", "代表", "さん", "氏", "様", "会長", "専務"])
        if style == "full":
            return family + given, [{"kind": "representative", "text": family + given}]
        if style == "full_space":
            name = family + self.pick([" ", "　"]) + given
            return name, [{"kind": "representative", "text": name}]
        if style == "full_title":
            return family + given + title, [{"kind": "representative", "text": family + given}]
        if style == "given":
            return given + "さん", [{"kind": "representative", "text": given}]
        return family + title, [{"kind": "representative", "text": family}]

    def relative(self, b: dict | None) -> tuple[str, list[dict]]:
        if self.rng.random() < 0.5:
            relation, given = self.pick(RELATIVES_MALE), self.pick(GIVEN_MALE)
        else:
            relation, given = self.pick(RELATIVES_FEMALE), self.pick(GIVEN_FEMALE)
        form = self.rng.randrange(7)
        if form == 0 and b is not None:
            name = b["representative"].split(" ")[0] + given
            return f"{relation}の{name}{self.pick(HONORIFICS)}", [{"kind": "person", "text": name}]
        if form == 1:
            return f"{relation}・{given}{self.pick(HONORIFICS)}", [{"kind": "person", "text": given}]
        if form == 2:
            return f"{given}さん（{relation}）", [{"kind": "person", "text": given}]
        if form == 3:
            return f"{relation}の{given}", [{"kind": "person", "text": given}]
        return f"{relation}の{given}{self.pick(HONORIFICS)}", [{"kind": "person", "text": given}]

    def staff(self) -> tuple[str, list[dict]]:
        role = self.pick(STAFF_ROLES)
        form = self.rng.randrange(8)
        if form == 0:
            name = self.pick(FOREIGN)
            return f"技能実習生の{name}さん", [{"kind": "person", "text": name}]
        if form == 1:
            name = self.pick(SURNAMES) + self.pick(GIVEN)
            return f"{role}の{name}", [{"kind": "person", "text": name}]
        if form == 2:
            name = self.pick(SURNAMES) + self.pick(GIVEN)
            return f"{role}の{name}{self.pick(HONORIFICS)}", [{"kind": "person", "text": name}]
        name = self.pick(SURNAMES)
        return f"{role}の{name}{self.pick(HONORIFICS)}", [{"kind": "person", "text": name}]

    def phone(self, number: str, style: str | None = None) -> tuple[str, list[dict]]:
        area, exchange, line = number.split("-")
        styles = ["plain", "plain", "paren_area", "paren_exchange", "digits", "fullwidth", "kanji", "intl",
                  "intl_space", "spaces", "dots", "unicode_hyphen", "long_bar"]  # fmt: skip
        style = style or self.pick(styles)
        surface = {
            "plain": number,
            "paren_area": f"({area}){exchange}-{line}",
            "paren_exchange": f"{area}({exchange}){line}",
            "digits": area + exchange + line,
            "fullwidth": to_fullwidth(number),
            "kanji": to_kanji_digits(number),
            "intl": f"+81-{area[1:]}-{exchange}-{line}",
            "intl_space": f"+81 {area[1:]} {exchange} {line}",
            "spaces": f"{area} {exchange} {line}",
            "dots": f"{area}.{exchange}.{line}",
            "unicode_hyphen": f"{area}‐{exchange}‐{line}",
            "long_bar": f"{area}ー{exchange}ー{line}",
        }[style]
        return surface, [{"kind": "phone", "text": surface}]

    def email(self, address: str) -> tuple[str, list[dict]]:
        local, domain = address.split("@")
        surface = self.pick([
            address, address, f"{local}＠{domain}", f"{local} at {domain}", f"{local}(at){domain}",
            f"{local}[at]{domain}", to_fullwidth(address), f"{local}（アットマーク）{domain}", f"mailto:{address}",
        ])  # fmt: skip
        return surface, [{"kind": "email", "text": surface}]

    def url(self, website: str) -> tuple[str, list[dict]]:
        bare = website.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
        host = bare.split("/")[0]
        surface = self.pick([
            website, f"https://{bare}", f"http://www.{bare}", f"www.{host}", host, host, to_fullwidth(f"https://{bare}"),
            f"https://{host}/shop/items?id=12",
        ])  # fmt: skip
        return surface, [{"kind": "url", "text": surface}]

    def postcode(self, code: str) -> tuple[str, list[dict]]:
        digits = code.replace("-", "")
        surface = self.pick([f"〒{code}", f"〒{code}", f"〒{digits}", f"〒 {code}", to_fullwidth(f"〒{code}")])
        return surface, [{"kind": "postcode", "text": surface}]

    def address(self, b: dict) -> tuple[str, list[dict]]:
        full = b["address"].split(" ", 1)[1] if b["address"].startswith("〒") else b["address"]
        without_prefecture = full.removeprefix("石川県")
        surface = self.pick([full, without_prefecture, without_prefecture, to_fullwidth(without_prefecture)])
        return surface, [{"kind": "address", "text": surface}]

    def corporate(self, number: str) -> tuple[str, list[dict]]:
        surface = self.pick([
            number, number, to_fullwidth(number), f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}",
            f"T{number}",
        ])  # fmt: skip
        return surface, [{"kind": "corporate_number", "text": surface}]

    def add(self, text: str, spans: list[dict], ref: str | None) -> None:
        for span in spans:
            assert span["text"] in text, (span, text)
        self.lines.append({"id": f"g{len(self.lines) + 1:04d}", "text": text, "register_ref": ref, "spans": spans})


# Goal phrases advisors write, with nothing identifying. Used alone (clean lines) and after a mention.
CLEAN_GOALS = [
    "サウナ棟付のキャンプ場新設",
    "ECサイトで県外の新規顧客を開拓",
    "後継者（長男）への事業承継計画の策定",
    "能登半島地震で被災した店舗の復旧",
    "金沢市内の飲食店向けに輪島塗の器を販売",
    "加賀野菜を使った新商品の開発",
    "売上20%向上を目指した販促計画の策定",
    "従業員10名体制での生産ラインの見直し",
    "2025年度中に持続化補助金を活用して店舗を改装",
    "能登地域の観光客向けに体験型ツアーを造成",
    "インバウンド向けの多言語メニューの整備",
    "仮設店舗から本設店舗への移行",
    "なりわい再建支援補助金を活用した工場の再建",
    "キャッシュレス決済の導入による客単価の向上",
    "原価管理の仕組みを作り粗利率を3ポイント改善",
    "SNS（Instagram）での情報発信を週3回に増やす",
    "ふるさと納税の返礼品に登録し、年間500件の受注",
    "北陸新幹線の敦賀延伸を見据えた関西圏への販路開拓",
    "事業再構築補助金でセントラルキッチンを整備",
    "金融機関と連携した資金繰り改善計画の策定",
    "IT導入補助金で予約管理システムを導入",
    "HACCPに沿った衛生管理の導入",
    "県外の百貨店催事への出展（年4回）",
    "ものづくり補助金で5軸加工機を導入",
    "ひがし茶屋街の観光客向けテイクアウト商品の開発",
    "近江町市場での販売比率を高める",
    "和倉温泉の旅館向けに朝食用の加工品を提案",
    "白山麓の食材を使ったジビエ料理の商品化",
    "九谷焼の絵付け体験教室を月2回開催",
    "山中漆器の技術を生かした日用品ブランドの立ち上げ",
    "加賀友禅の端切れを使った小物の販売",
    "金箔を使ったスイーツの海外輸出",
    "能登牛の一頭買いによる仕入れコストの削減",
    "珠洲焼の窯元と連携した器の共同開発",
    "揚げ浜式製塩の体験観光の受け入れ",
    "いしるを使った調味料の全国展開",
    "香箱ガニの加工品でギフト需要を取り込む",
    "寒ブリの通販で冬季の売上を前年比130%に",
    "五郎島金時を使った焼き菓子の商品化",
    "加賀棒茶のティーバッグを新たに開発",
    "中島菜を使った漬物の販路拡大",
    "能登ワインとのペアリングメニューの開発",
    "小松空港の利用者向けのお土産品開発",
    "能登空港周辺での二次交通サービスの検討",
    "のと里山海道沿いでのドライブイン開業",
    "千里浜なぎさドライブウェイ近くでのカフェ開業",
    "兼六園周辺での着物レンタル事業の拡大",
    "七尾湾の牡蠣を使ったオイル漬けの開発",
    "輪島朝市の再開に向けた出店準備",
    "金沢駅西口エリアでの2号店出店",
    "野々市市の子育て世帯向け宅配サービスの開始",
    "白山市の道の駅での常設販売",
    "加賀温泉郷の旅館との共同送客",
    "かほく市の海岸でのマリンアクティビティ事業",
    "能美市の九谷焼団地での工房見学ツアー",
    "羽咋市の自然栽培米を使った日本酒の企画",
    "奥能登の空き家を活用した一棟貸し宿の開業",
    "志賀町の漁港で朝獲れ鮮魚の直送",
    "内灘町の砂丘を生かしたイベントの開催",
    "津幡町の里山で森林セラピーを事業化",
    "宝達志水町のいちじくを使ったジャムの商品化",
    "中能登町の織物技術を生かした新素材の開発",
    "穴水町の牡蠣小屋のリニューアル",
    "能登町の小木港のイカを使った加工品開発",
    "震災で離職した職人の再雇用",
    "従業員の多能工化で人手不足を解消",
    "外国人材の受け入れ体制の整備",
    "女性従業員が働きやすいシフト制度の導入",
    "若手社員の定着率を80%以上に",
    "創業3年以内に黒字化",
    "年商1億円の達成",
    "客単価を1,500円から2,000円へ引き上げる",
    "リピート率30%を45%に改善",
    "営業利益率5%を確保",
    "月商300万円の安定化",
    "1日100食の提供体制を整える",
    "座席数を40席から60席に拡張",
    "取扱商品数を120点に増やす",
    "3年で売上1.5倍",
    "2026年3月までに新工場を稼働",
    "令和7年度の補助金申請",
    "4月から9月の繁忙期の人員確保",
    "第2期の設備投資計画の策定",
    "24時間対応のオンライン予約の導入",
    "100年企業を目指した経営理念の言語化",
    "先代社長からの事業承継",
    "社長交代に伴う金融機関との条件交渉",
    "後継者の育成と権限移譲",
    "二代目社長による新ブランドの立ち上げ",
    "女将の接客ノウハウのマニュアル化",
    "店主の高齢化に伴う廃業回避策の検討",
    "お客様アンケートを毎月実施",
    "職人さんの技術を動画で記録し若手に継承",
    "地元の農家さんとの契約栽培",
    "生産者さんの顔が見える売り場づくり",
    "観光客の皆様に向けた周遊マップの作成",
    "お得意様向けの頒布会の開始",
    "取引先の皆さんとの勉強会の開催",
    "社長自身の営業時間を減らし企画に集中",
    "創業者の思いを伝えるブランドブックの制作",
    "大将の技を生かした寿司教室",
    "家族経営から組織経営への転換",
    "親族外承継の可能性の検討",
    "M&Aによる第三者承継の検討",
    "事業承継税制の特例措置の活用",
    "経営革新計画の承認取得",
    "経営力向上計画の認定取得",
    "BCP（事業継続計画）の策定",
    "水害に備えた在庫の分散保管",
    "停電時の自家発電設備の導入",
    "被災した設備の修繕と再稼働",
    "仮設住宅の入居者向けの移動販売",
    "二重ローンを避けるための資金計画",
    "グループ補助金の申請書作成",
    "決算書の読み方を学び月次決算を導入",
    "クラウド会計への移行",
    "電子帳簿保存法とインボイス制度への対応",
    "POSデータを活用した発注の自動化",
    "在庫回転日数を45日から30日に短縮",
    "ドローンを使った農薬散布サービス",
    "EV充電器の設置による集客",
    "省エネ設備への更新で電気代を15%削減",
    "太陽光パネルの導入",
    "廃棄ロスを月10万円削減",
    "テイクアウト専用窓口の新設",
    "キッチンカーでのイベント出店",
    "オンライン商談会への参加（年6回）",
    "クラウドファンディングで200万円を調達",
    "ECモール（楽天市場・Amazon）への出店",
    "自社ECサイトのCVRを2%に",
    "Googleビジネスプロフィールの整備",
    "インスタグラムのフォロワーを1万人に",
    "LINE公式アカウントでの予約受付",
    "ホームページのスマホ対応",
    "動画広告でのブランド認知の向上",
    "ワーケーション需要の取り込み",
    "修学旅行の受け入れ再開",
    "合宿プランの造成",
    "ペット同伴可の客室を5室整備",
    "バリアフリー改修による高齢者の受け入れ",
    "ジビエ処理施設の衛生基準への対応",
    "六次産業化による加工品の販売",
    "GAP認証の取得",
    "スマート農業の実証",
    "伝統工芸士の資格取得",
    "輪島塗の修理受付窓口の開設",
    "能登上布の後継者育成",
    "加賀繡の体験キットの通販",
    "牛首紬の新作発表会",
    "金沢箔の建材用途への展開",
    "金沢の町家を改装したゲストハウスの開業",
    "小松のうどん文化を発信するイベント",
    "七尾の花嫁のれんをモチーフにした土産品",
    "輪島の朝市通りでの仮設営業の継続",
    "珠洲の塩を使ったスイーツの開発",
    "加賀の温泉旅館へのアメニティ納入",
    "白山の伏流水を使ったクラフトビールの開発",
    "能登の里山里海をテーマにした体験プログラム",
    "石川県産の米粉を使ったパンの開発",
    "北陸三県の道の駅への販路拡大",
    "首都圏のアンテナショップでの販売",
    "関西の卸売業者との取引開始",
    "台湾向けの輸出に向けた商談",
    "海外のバイヤーを招いた工房見学会",
    "事業計画書のブラッシュアップ",
    "日本政策金融公庫からの創業融資",
    "資本性ローンによる財務基盤の強化",
    "借入金の条件変更（リスケ）",
    "価格転嫁に向けた原価の見える化",
    "下請け依存からの脱却と自社製品の開発",
    "試作品の展示会出展（東京ビッグサイト）",
    "特許出願と商標登録",
    "JANコードの取得と小売店への納品",
    "商品パッケージのデザイン刷新",
    "ギフト箱の規格を3種類に統一",
    "シニア向け配食サービスの開始",
    "子ども食堂への食材提供",
    "障がい者雇用の拡大",
    "週休3日制の試行",
    "残業時間を月20時間以内に",
    "資格取得支援制度の創設",
    "技能検定2級の取得者を3名に",
]

# Near-identifying clean texts: generic words that look like names, product codes, numbers.
CLEAN_TRICKY = [
    "JANコード4912345678904の商品登録を完了",
    "品番1234567890123の在庫を一掃",
    "2024-2026年の中期経営計画を策定",
    "営業時間を10:00-18:00から9:00-19:00に延長",
    "客室稼働率を60%から75%へ",
    "資本金300万円から1,000万円への増資",
    "売上高12,000千円を15,000千円に",
    "2025年4月1日から新料金体系へ移行",
    "3-4月の閑散期対策",
    "1-2-3ルールによる在庫配置の見直し",
    "商品A・商品B・商品Cのセット販売",
    "新社長就任に伴う挨拶回り",
    "長男への承継と次男の独立支援",
    "奥様が担う経理業務の外部委託",
    "息子さんへの技術伝承",
    "娘さんによるSNS運用の開始",
    "お客様の声を商品開発に反映",
    "皆様に愛される店づくり",
    "社長と専務の役割分担の明確化",
    "会長から社長への代表権の移譲",
    "女将と若女将の二人体制",
    "店長候補の採用",
    "大工さんと連携したリフォーム提案",
    "お医者さんと連携した介護食の開発",
    "先生方を招いた料理教室",
    "金沢の和菓子文化を伝える体験",
    "輪島の漆器と珠洲の塩のセット商品",
    "能登の復興を支えるボランティア向け宿泊",
    "小松の工場団地への移転検討",
    "加賀市の山中温泉で足湯カフェを開業",
    "能美市内の小学校への給食食材の納入",
    "七尾市と中能登町での移動販売",
    "羽咋の千里浜で砂像イベントを開催",
    "白山比咩神社の参拝客向けの甘味処",
    "犀川沿いの遊歩道でのキッチンカー営業",
    "浅野川の灯籠流しに合わせた限定商品",
    "手取川の伏流水を使った豆腐",
    "能登島の水族館と連携した土産品",
    "和倉の温泉街で食べ歩き商品を展開",
    "片山津温泉の旅館向けの朝食メニュー",
    "粟津温泉の旅館とのタイアップ",
    "鶴来の酒蔵めぐりツアー",
    "山代温泉の古総湯周辺での物販",
    "宇出津のあばれ祭に合わせた商品",
    "門前町の總持寺参拝客向けのおもてなし",
    "白峰の雪だるま祭りへの出店",
    "能登前寿司の食べ比べセットの開発",
    "輪島塗の漆器店と連携した器のレンタル",
    "珠洲市の揚げ浜塩田の見学受け入れ",
    "のと鉄道の観光列車での車内販売",
    "金沢港クルーズターミナルでの販売",
    "小木港のイカ釣り漁船の見学ツアー",
    "加賀野菜のピクルスをクラフトビールのおつまみに",
    "地元のクラフトビール醸造所との共同企画",
    "七尾のリネン工場と連携したタオル",
    "ハクサンイチゲをモチーフにした雑貨",
    "アウトドアベースとしての空き校舎活用",
    "子ども食堂ネットワークへの参加",
    "商店街振興組合のイベントへの協賛",
    "グリーンファームでの収穫体験",
    "ベイエリアのホテルとの連携",
    "マリンスポーツの体験プラン",
    "木地師の技術を生かしたろくろ体験",
    "染工房の見学ツアー",
    "酒造りの季節雇用の確保",
    "印刷会社と連携したパッケージ開発",
    "鉄工所の遊休設備の活用",
    "まるごと能登フェアへの出展",
    "しおさい公園でのマルシェ出店",
    "はなえみ市（花の市）への出店",
    "さくら通り商店街の空き店舗活用",
    "ひかり通信の回線を店舗に導入",
    "あおい色をテーマにした店舗デザイン",
    "やまびこが響く渓谷での体験",
    "かがり火をたくナイトツアーの造成",
    "あけぼの色の新色の染め",
    "ことり（小鳥）の形の和菓子",
    "研修生5名の受け入れ",
    "パート従業員3名の正社員化",
    "職人2名の採用",
    "従業員20名規模への拡大",
    "スタッフ全員のインボイス研修",
    "営業担当を1名増員",
    "社員旅行で能登の復興支援",
    "10周年記念イベントの開催",
    "創業50年の節目の記念商品",
    "明治創業の老舗としてのブランディング",
    "昭和レトロをテーマにした喫茶店",
    "令和6年能登半島地震からの復興",
    "令和6年9月の奥能登豪雨からの再建",
    "第3四半期の黒字転換",
    "上期の売上目標800万円",
    "前年比120%の受注",
    "1人当たり労働生産性を10%向上",
    "月間PV3万の達成",
    "会員数1,000人の獲得",
    "年間来場者数5万人",
    "客席回転率2.5回転",
    "歩留まりを92%から96%に改善",
    "不良率を0.5%以下に",
    "リードタイムを14日から7日に短縮",
    "納期遵守率99%",
    "受注単価を1件あたり3万円に",
    "1000件の予約受付",
    "ISO9001の認証取得",
    "ISO14001の更新審査",
    "FSSC22000の取得",
    "Gマーク（グッドデザイン賞）への応募",
    "いしかわ農業人材機構との連携",
    "よろず支援拠点と連携した販路開拓",
    "商工会の専門家派遣を活用した原価計算",
    "県の伝統的工芸品産業の振興策の活用",
    "ISICO（いしかわ産業化資源活用推進ファンド）の申請",
]


def build() -> Corpus:
    corpus = Corpus(seed=20260601)
    rng = corpus.rng
    businesses = REGISTER
    by_id = {b["id"]: b for b in businesses}

    for goal in CLEAN_GOALS + CLEAN_TRICKY:
        corpus.add(goal, [], None)

    def goal() -> str:
        return rng.choice(CLEAN_GOALS)

    # Business names in every form, each at least twice.
    name_templates = [
        "{biz}の{goal}",
        "{biz}における{goal}",
        "{biz}さんの{goal}",
        "{goal}（{biz}）",
        "{biz}：{goal}",
        "{biz}として{goal}",
    ]
    styles = ["full", "core", "abbrev_front", "abbrev_back", "legal_back", "kana", "hiragana", "halfwidth",
              "spaced", "short", "fullwidth"]  # fmt: skip
    for b in businesses:
        chosen = ["full", "core", *rng.sample(styles[2:], 4)]
        if b["short"]:
            chosen.append("short")
        for style in chosen:
            biz, spans = corpus.business(b, style)
            text = rng.choice(name_templates).format(biz=biz, goal=goal())
            corpus.add(text, spans, b["id"])

    # Representatives and family: succession, with honorifics and titles.
    succession = [
        "{rep}から{rel}への事業承継計画の策定",
        "{rep}の引退に向けて{rel}へ段階的に権限移譲",
        "{rel}が{biz}の代表に就任するまでの育成計画",
        "{rep}と{rel}の二人三脚での新商品開発",
        "{biz}の{rep}が高齢のため{rel}への承継を支援",
        "{rel}を後継者とし、{rep}は会長として支える体制へ",
    ]
    for _ in range(60):
        b = rng.choice(businesses)
        template = rng.choice(succession)
        rep, rep_spans = corpus.representative(b) if "{rep}" in template else ("", [])
        rel, rel_spans = corpus.relative(b)
        biz, biz_spans = corpus.business(b) if "{biz}" in template else ("", [])
        corpus.add(template.format(rep=rep, rel=rel, biz=biz), rep_spans + rel_spans + biz_spans, b["id"])

    # Staff the register does not know.
    staff_templates = [
        "{staff}を中心に{goal}",
        "{staff}の技術を若手に継承",
        "{staff}が担当する{goal}",
        "{goal}。担当は{staff}",
        "{staff}の退職に備えたマニュアル整備",
        "{staff}を店長に登用し2号店を出店",
    ]
    for _ in range(55):
        template = rng.choice(staff_templates)
        staff, staff_spans = corpus.staff()
        corpus.add(template.format(staff=staff, goal=goal()), staff_spans, None)

    # People named without any honorific or title.
    bare_people = [
        "{name}が工場長に就任し生産管理を刷新",
        "{name}を中心としたプロジェクトチームの発足",
        "新店舗は{name}に任せる",
        "{name}（28）を次期店長として育成",
    ]
    for _ in range(12):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        corpus.add(rng.choice(bare_people).format(name=name), [{"kind": "person", "text": name}], None)

    # Contact details: phones, faxes, emails, websites.
    contact_templates = [
        ("予約電話（{phone}）の取りこぼしを減らし{goal}", "phone"),
        ("TEL：{phone}への問い合わせを月50件に", "phone"),
        ("電話 {phone} での受注をネット注文に移行", "phone"),
        ("FAX {phone} の受注をWeb受注に切り替え", "fax"),
        ("ファックス（{phone}）による発注の電子化", "fax"),
        ("問い合わせ先{email}への反響を増やし{goal}", "email"),
        ("メール（{email}）での見積依頼を月20件に", "email"),
        ("{url}をリニューアルして{goal}", "url"),
        ("自社サイト{url}からの予約比率を50%に", "url"),
        ("ホームページ（{url}）のSEO対策", "url"),
    ]
    for i in range(90):
        b = businesses[i % len(businesses)]
        template, need = contact_templates[i % len(contact_templates)]
        if need == "fax" and not b["fax"]:
            template, need = "携帯{phone}への連絡をLINEに集約", "phone"
        if need == "email" and not b["email"]:
            template, need = "代表番号{phone}の受付時間を延長", "phone"
        if need == "url" and not b["website"]:
            template, need = "{phone}で受けていた注文をECに移行", "phone"
        if need == "phone":
            value, spans = corpus.phone(b["phone"])
            slot = "phone"
        elif need == "fax":
            value, spans = corpus.phone(b["fax"])
            slot = "phone"
        elif need == "email":
            value, spans = corpus.email(b["email"])
            slot = "email"
        else:
            value, spans = corpus.url(b["website"])
            slot = "url"
        text = template.format(**{slot: value, "goal": goal()})
        if rng.random() < 0.3:
            biz, biz_spans = corpus.business(b)
            text = f"{biz}：{text}"
            spans = biz_spans + spans
        corpus.add(text, spans, b["id"])

    url_templates = [
        "{url}に予約フォームを追加",
        "オンラインショップ（{url}）の月商を100万円に",
        "{url}の英語ページを作成しインバウンド客を獲得",
    ]
    for b in [x for x in businesses if x["website"]]:
        for template in rng.sample(url_templates, 2):
            value, spans = corpus.url(b["website"])
            corpus.add(template.format(url=value), spans, b["id"])

    # Mobile phones of people and SNS handles the register does not hold.
    for _ in range(10):
        mobile = f"0{rng.choice('789')}0-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
        value, spans = corpus.phone(mobile)
        corpus.add(f"後継者の携帯（{value}）に直接連絡し面談日程を調整", spans, None)
    for url in [
        "https://www.rakuten.example.co.jp/noto-kaki/",
        "shop.noto-kaki.example.net",
        "www.kagaya-online.example.com",
    ]:
        corpus.add(f"モール店（{url}）のレビュー件数を200件に", [{"kind": "url", "text": url}], None)
    for email in ["shota.hamano1990@example.com", "aya-nishide＠example.ne.jp", "kenta.m at example.jp"]:
        corpus.add(f"後継者の個人アドレス{email}を共有アカウントに切り替え", [{"kind": "email", "text": email}], None)
    for handle in ["@noto_kaki_hut", "@kanazawa.sweets.lab", "@wajima_urushi_ya"]:
        corpus.add(f"インスタグラム（{handle}）のフォロワーを3,000人に", [{"kind": "url", "text": handle}], None)

    # Addresses, postcodes, corporate numbers.
    place_templates = [
        "{addr}の店舗を改装し{goal}",
        "本社（{addr}）の敷地内に加工場を新設",
        "{post} {addr}の倉庫を販売拠点に転用",
        "所在地{post}{addr}での営業再開",
    ]
    for i in range(40):
        b = businesses[(i * 7) % len(businesses)]
        template = place_templates[i % len(place_templates)]
        addr, spans = corpus.address(b)
        post = ""
        if "{post}" in template:
            if b["address"].startswith("〒"):
                post, post_spans = corpus.postcode(b["address"][1:9])
                spans = post_spans + spans
            else:
                template = template.replace("{post}", "")
        corpus.add(template.format(addr=addr, post=post, goal=goal()), spans, b["id"])

    unknown_addresses = [
        "金沢市片町1丁目5-8", "七尾市府中町12-3", "小松市園町ハ45番地",
        "輪島市杉平町大百苅70-2", "白山市鶴来日吉町イ55",
        "野々市市扇が丘20-11", "加賀市大聖寺南町ニ17", "珠洲市飯田町13部100番地", "金沢市此花町3番2号",
        "かほく市高松ウ1-1", "能美市寺井町を12番地", "金沢市長町二丁目6-1",
    ]  # fmt: skip
    for addr in unknown_addresses:
        template = rng.choice(["移転先（{addr}）の改装", "{addr}の空き店舗で創業", "新工場用地として{addr}を取得"])
        corpus.add(template.format(addr=addr), [{"kind": "address", "text": addr}], None)
    for code in ["920-0981", "926-0803", "923-0918", "920-8203", "929-1126", "927-0433", "924-0865", "921-8034"]:
        value, spans = corpus.postcode(code)
        corpus.add(rng.choice(["{post}の新拠点で営業開始", "倉庫を{post}へ移転"]).format(post=value), spans, None)
    for code, addr in [("920-0962", "金沢市広坂2丁目1-1"), ("926-0046", "七尾市神明町ロ5番地")]:
        corpus.add(
            f"郵便番号{code}、{addr}への本店移転",
            [{"kind": "postcode", "text": code}, {"kind": "address", "text": addr}],
            None,
        )

    corp_templates = [
        "法人番号{corp}でGビズIDを取得し電子申請",
        "インボイス登録番号{corp}を請求書に記載",
        "法人番号：{corp}の登記変更（本店移転）",
    ]
    for i in range(24):
        with_number = [x for x in businesses if x["corporate_number"]]
        b = with_number[i % len(with_number)]
        value, spans = corpus.corporate(b["corporate_number"])
        corpus.add(corp_templates[i % len(corp_templates)].format(corp=value), spans, b["id"])

    # Several identifiers in one text.
    for b in rng.sample(businesses, 20):
        biz, spans = corpus.business(b)
        rep, rep_spans = corpus.representative(b)
        phone, phone_spans = corpus.phone(b["phone"])
        extra, extra_spans = ("", [])
        if b["email"]:
            extra, extra_spans = corpus.email(b["email"])
            extra = f"、{extra}"
        text = f"{biz}（{rep}、{phone}{extra}）の{goal()}"
        corpus.add(text, spans + rep_spans + phone_spans + extra_spans, b["id"])

    assert by_id
    return corpus


def main() -> None:
    corpus = build()
    register = [
        {key: b[key] for key in ("id", "name", "name_kana", "representative", "address", "phone", "fax", "email",
                                 "website", "corporate_number")}
        for b in REGISTER
    ]  # fmt: skip
    (HERE / "scrub_register.json").write_text(
        json.dumps({"businesses": register}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with (HERE / "scrub_corpus.jsonl").open("w", encoding="utf-8") as out:
        for line in corpus.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    clean = sum(1 for line in corpus.lines if not line["spans"])
    print(f"{len(corpus.lines)} lines ({clean} clean), {len(register)} businesses")


if __name__ == "__main__":
    main()
