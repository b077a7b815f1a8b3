"""Demo records for the local federation: fictional, deterministic, typical of 石川県.

Every business, person, address and number is invented. The same organization always gets the same records
(random generators seeded with fixed strings), so a fresh `make run` on any machine shows the same demo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from banso_core.vocabulary import BusinessForm, GoalCategory, GoalStatus, Membership, SupportStage

FIRST_SET_ON = dt.date(2024, 4, 1)
LAST_SET_ON = dt.date(2026, 6, 30)
LAST_ACHIEVED_ON = dt.date(2026, 10, 31)
EARTHQUAKE = dt.date(2024, 1, 1)  # 令和6年能登半島地震
EMPLOYEES_AS_OF = dt.date(2026, 4, 1)


@dataclass(frozen=True)
class Town:
    """A place in an organization's area: 〒, an address template and the local phone prefix."""

    postal_code: str
    address: str
    """After 石川県, with the block number left as `{n}`."""
    phone_prefix: str
    noto: bool = False
    """能登: most businesses here were hit by the 2024 earthquake and the 奥能登豪雨."""


@dataclass(frozen=True)
class Industry:
    """A kind of business advisors support, with its 日本標準産業分類 codes and its usual goals."""

    jsic_major: str
    jsic_middle: str
    trade_names: tuple[tuple[str, str], ...]
    """屋号 patterns and their readings; `{}` takes a name stem."""
    employees: tuple[int, int]
    corporation_share: float
    founded: tuple[int, int]
    goals: tuple[tuple[GoalCategory, str], ...]
    """The first is the most typical."""


@dataclass(frozen=True)
class Area:
    towns: tuple[Town, ...]
    industries: tuple[str, ...]
    staff: tuple[tuple[str, str, str], ...]
    """担当者: display name, e-mail local part, role."""


@dataclass(frozen=True)
class DemoBusiness:
    fields: dict[str, Any]
    """The body of `POST /api/v1/businesses`, without `staff_id`."""
    staff_index: int
    """Which of the organization's demo staff is its 担当者."""
    goals: list[dict[str, Any]]
    """Bodies of `POST /api/v1/businesses/{id}/goals`."""


@dataclass(frozen=True)
class DemoRecords:
    staff: list[dict[str, Any]]
    businesses: list[DemoBusiness]

    @property
    def shared_goal_count(self) -> int:
        """Goals that reach the exchange: the business consented and the goal is not opted out."""
        return sum(
            goal.get("shared", True)
            for business in self.businesses
            if business.fields["sharing_consent"]
            for goal in business.goals
        )


C = GoalCategory

INDUSTRIES: dict[str, Industry] = {
    "ryokan": Industry(
        "M", "75", (("{}旅館", "{}リョカン"), ("お宿 {}", "オヤド{}"), ("{}荘", "{}ソウ")),
        (6, 45), 0.8, (1925, 1990),
        ((C.new_business, "サウナ棟付のキャンプ場新設"),
         (C.capex, "露天風呂付き客室への改装"),
         (C.digital, "多言語対応の予約サイトとキャッシュレス決済の導入"),
         (C.talent, "繁忙期の人手不足に向けた外国人材の採用と定着"),
         (C.sales_channel, "インバウンド向け体験プランの造成と海外OTAへの掲載")),
    ),
    "minshuku": Industry(
        "M", "75", (("民宿 {}", "ミンシュク{}"), ("農家民宿 {}", "ノウカミンシュク{}")),
        (1, 5), 0.2, (1965, 2015),
        ((C.new_business, "サウナ棟付のキャンプ場新設"),
         (C.new_product, "漁業体験と郷土料理を組み合わせた宿泊プランの開発"),
         (C.digital, "オンライン予約の導入")),
    ),
    "sake": Industry(
        "E", "10", (("{}酒造", "{}シュゾウ"),),
        (4, 30), 0.9, (1870, 1950),
        ((C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.sales_channel, "海外輸出に向けた商談会への出展"),
         (C.new_product, "低アルコール日本酒の新商品開発"),
         (C.new_product, "酒蔵見学と試飲の体験型商品化"),
         (C.succession, "後継者への事業承継計画の策定")),
    ),
    "shikki": Industry(
        "E", "32",
        (("{}漆器店", "{}シッキテン"), ("漆工房 {}", "ウルシコウボウ{}"), ("蒔絵工房 {}", "マキエコウボウ{}")),
        (1, 12), 0.4, (1900, 2000),
        ((C.new_product, "現代の食卓に合う漆器ブランドの立ち上げ"),
         (C.talent, "若手職人の育成と技術承継"),
         (C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.succession, "後継者への事業承継計画の策定"),
         (C.sales_channel, "海外見本市への出展による輸出開始")),
    ),
    "kutani": Industry(
        "E", "21", (("{}窯", "{}ガマ"), ("九谷 {}堂", "クタニ{}ドウ"), ("絵付工房 {}", "エツケコウボウ{}")),
        (1, 15), 0.5, (1910, 2005),
        ((C.new_product, "若い世代向けの九谷焼食器シリーズの開発"),
         (C.new_business, "絵付け体験工房の開設"),
         (C.sales_channel, "海外見本市への出展による輸出開始"),
         (C.productivity, "電気窯への更新による焼成コストの削減")),
    ),
    "construction": Industry(
        "D", "06", (("{}建設", "{}ケンセツ"), ("{}工務店", "{}コウムテン")),
        (4, 60), 0.9, (1950, 2005),
        ((C.talent, "若手技能者の採用と定着"),
         (C.digital, "施工管理アプリ導入による現場業務の効率化"),
         (C.sales_channel, "住宅の耐震改修工事の受注拡大"),
         (C.productivity, "重機の共同利用による原価の削減")),
    ),
    "setsubi": Industry(
        "D", "08", (("{}設備", "{}セツビ"), ("{}電設", "{}デンセツ")),
        (3, 25), 0.8, (1960, 2010),
        ((C.talent, "電気工事士の資格取得支援と若手の採用"),
         (C.capex, "高効率空調の施工に対応する機材の導入"),
         (C.digital, "見積・請求業務のクラウド化")),
    ),
    "food": Industry(
        "E", "09", (("{}食品", "{}ショクヒン"), ("加賀麩 {}", "カガフ{}"), ("佃煮の{}", "ツクダニノ{}")),
        (3, 40), 0.7, (1930, 2010),
        ((C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.new_product, "いしる（魚醤）を使った調味料の新商品開発"),
         (C.productivity, "包装ラインの自動化による生産性向上"),
         (C.other, "HACCPに沿った衛生管理の導入"),
         (C.sales_channel, "首都圏の百貨店催事への出店")),
    ),
    "wagashi": Industry(
        "E", "09", (("菓匠 {}", "カショウ{}"), ("和菓子処 {}", "ワガシドコロ{}")),
        (2, 20), 0.6, (1900, 1995),
        ((C.new_product, "季節限定の上生菓子の新商品開発"),
         (C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.digital, "受注管理のデジタル化")),
    ),
    "fish_processing": Industry(
        "E", "09", (("{}水産", "{}スイサン"),),
        (3, 35), 0.8, (1950, 2000),
        ((C.sales_channel, "能登の魚を使った加工品の販路開拓"),
         (C.capex, "急速冷凍設備の導入による通年出荷"),
         (C.new_product, "干物と糠漬けの新商品開発")),
    ),
    "fishery": Industry(
        "B", "03", (("{}漁業", "{}ギョギョウ"),),
        (2, 15), 0.6, (1955, 2000),
        ((C.new_business, "鮮魚の直販と加工への参入"),
         (C.capex, "漁船の更新による燃料費の削減")),
    ),
    "farm": Industry(
        "A", "01", (("{}農園", "{}ノウエン"), ("{}ファーム", "{}ファーム")),
        (1, 10), 0.5, (1980, 2018),
        ((C.new_product, "6次産業化による加工品の開発"),
         (C.capex, "スマート農業機器の導入"),
         (C.sales_channel, "直売所とネット通販での販売拡大")),
    ),
    "retail_food": Industry(
        "I", "58", (("{}鮮魚店", "{}センギョテン"), ("地酒の{}", "ジザケノ{}"), ("八百屋 {}", "ヤオヤ{}")),
        (1, 8), 0.3, (1950, 2010),
        ((C.digital, "キャッシュレス決済とPOSレジの導入"),
         (C.sales_channel, "SNSを活用した集客の強化"),
         (C.new_business, "ネット通販の立ち上げ")),
    ),
    "retail_gift": Industry(
        "I", "60", (("金箔工芸 {}", "キンパクコウゲイ{}"), ("おみやげ処 {}", "オミヤゲドコロ{}")),
        (2, 12), 0.6, (1960, 2015),
        ((C.sales_channel, "インバウンド客向けの免税販売の開始"),
         (C.productivity, "店舗の省エネ改修による経費削減"),
         (C.new_business, "ネット通販の立ち上げ")),
    ),
    "retail_kimono": Industry(
        "I", "57", (("呉服の{}", "ゴフクノ{}"), ("きもの{}", "キモノ{}")),
        (1, 6), 0.5, (1920, 1980),
        ((C.new_business, "着物レンタルと着付け体験の開始"),
         (C.sales_channel, "SNSを活用した集客の強化")),
    ),
    "restaurant": Industry(
        "M", "76",
        (("割烹 {}", "カッポウ{}"), ("おでん {}", "オデン{}"), ("海鮮食堂 {}", "カイセンショクドウ{}"),
         ("カフェ {}", "カフェ{}")),
        (1, 15), 0.4, (1970, 2020),
        ((C.new_product, "地元食材を使った新メニューの開発"),
         (C.new_product, "テイクアウト・通販向け商品の開発"),
         (C.digital, "予約・注文のデジタル化"),
         (C.talent, "調理スタッフの採用と育成"),
         (C.finance, "原価管理の徹底による粗利率の改善")),
    ),
    "it": Industry(
        "G", "39", (("{}データワークス", "{}データワークス"), ("{}システムズ", "{}システムズ")),
        (3, 30), 1.0, (1995, 2020),
        ((C.new_business, "地元企業向けDX支援サービスの立ち上げ"),
         (C.talent, "エンジニアの採用と育成"),
         (C.sales_channel, "県外企業からの受託開発の拡大")),
    ),
    "beauty": Industry(
        "N", "78", (("ヘアサロン {}", "ヘアサロン{}"), ("美容室 {}", "ビヨウシツ{}")),
        (1, 8), 0.2, (1975, 2020),
        ((C.finance, "2号店の出店に向けた資金調達"),
         (C.digital, "予約システムの導入"),
         (C.new_product, "ヘッドスパメニューの新設")),
    ),
    "transport": Industry(
        "H", "44", (("{}運送", "{}ウンソウ"), ("{}運輸", "{}ウンユ")),
        (8, 70), 1.0, (1960, 2000),
        ((C.talent, "ドライバーの確保と育成"),
         (C.productivity, "配車システムの導入による積載率の向上")),
    ),
    "care": Industry(
        "P", "85", (("デイサービス {}", "デイサービス{}"),),
        (8, 40), 0.9, (2000, 2020),
        ((C.talent, "介護職員の採用と定着"),
         (C.digital, "介護記録のICT化")),
    ),
}  # fmt: skip

GENERAL_GOALS: tuple[tuple[GoalCategory, str], ...] = (
    (C.succession, "後継者への事業承継計画の策定"),
    (C.finance, "原価管理の徹底による粗利率の改善"),
    (C.finance, "日本政策金融公庫の融資による運転資金の確保"),
    (C.sales_channel, "小規模事業者持続化補助金を活用したチラシとホームページの刷新"),
    (C.digital, "クラウド会計の導入による経理の効率化"),
    (C.productivity, "業務の見える化による残業時間の削減"),
)

RECOVERY_GOALS: tuple[tuple[GoalCategory, str], ...] = (
    (C.recovery, "能登半島地震からの店舗復旧"),
    (C.recovery, "なりわい再建支援補助金を活用した設備の復旧"),
    (C.recovery, "仮設店舗での営業再開"),
    (C.recovery, "被災した機械設備の更新と生産再開"),
    (C.recovery, "事業継続力強化計画の策定"),
)

PLAN_THEMES = {
    C.sales_channel: "需要開拓支援",
    C.new_product: "新商品・新事業の展開支援",
    C.new_business: "新商品・新事業の展開支援",
    C.succession: "事業承継支援",
    C.digital: "DX・生産性向上支援",
    C.productivity: "DX・生産性向上支援",
    C.recovery: "被災事業者の復旧・復興支援",
}

NAME_STEMS: tuple[tuple[str, str], ...] = (
    ("白鷺", "シラサギ"), ("潮音", "チョウオン"), ("鶴音", "ツルネ"), ("雪月", "セツゲツ"), ("朱明", "シュメイ"),
    ("千筋", "センスジ"), ("彩雲", "サイウン"), ("青峰", "セイホウ"), ("五彩", "ゴサイ"), ("北辰", "ホクシン"),
    ("東雲", "シノノメ"), ("丸越", "マルコシ"), ("潮見", "シオミ"), ("白峯", "シラミネ"), ("北斗", "ホクト"),
    ("浜風", "ハマカゼ"), ("七海", "ナナミ"), ("月白", "ゲッパク"), ("雪華", "セッカ"), ("花水木", "ハナミズキ"),
    ("かがり火", "カガリビ"), ("いさり火", "イサリビ"), ("はまなす", "ハマナス"), ("ひだまり", "ヒダマリ"),
    ("木漏れ日", "コモレビ"), ("なぎさ", "ナギサ"), ("たちばな", "タチバナ"), ("あかね", "アカネ"),
    ("つむぎ", "ツムギ"), ("さざなみ", "サザナミ"), ("澪", "ミオ"), ("白濤", "ハクトウ"), ("雪室", "ユキムロ"),
    ("里山", "サトヤマ"), ("湯けむり", "ユケムリ"), ("ことじ", "コトジ"), ("松風", "マツカゼ"), ("若葉", "ワカバ"),
    ("藤波", "フジナミ"), ("瑞穂", "ミズホ"), ("朝凪", "アサナギ"), ("夕凪", "ユウナギ"), ("千代", "チヨ"),
    ("翠", "スイ"), ("大杉", "オオスギ"),
)  # fmt: skip

SURNAMES = (
    "山本", "中村", "北村", "宮本", "林", "吉田", "松本", "坂本", "西田", "竹内", "森", "谷口", "米田", "浅野",
    "高田", "新谷", "道下", "表", "角", "東", "中川", "岡田", "山下", "寺西",
)  # fmt: skip
GIVEN_NAMES = (
    "健一", "正和", "誠", "浩二", "和子", "幸子", "大輔", "翔太", "美香", "恵子", "修", "博之", "隆", "裕子",
    "真由美", "一郎", "孝", "直樹", "千春", "智也",
)  # fmt: skip

AREAS: dict[str, Area] = {
    "kanazawa-cci": Area(
        towns=(
            Town("920-0981", "金沢市片町1丁目{n}番{m}号", "076-231"),
            Town("920-0831", "金沢市東山1丁目{n}番{m}号", "076-252"),
            Town("920-0962", "金沢市広坂1丁目{n}番{m}号", "076-221"),
            Town("920-0902", "金沢市尾張町2丁目{n}番{m}号", "076-232"),
            Town("920-0865", "金沢市長町1丁目{n}番{m}号", "076-263"),
            Town("921-8031", "金沢市野町2丁目{n}番{m}号", "076-241"),
            Town("920-0061", "金沢市問屋町1丁目{n}番地", "076-237"),
            Town("920-0024", "金沢市西念3丁目{n}番{m}号", "076-223"),
        ),
        industries=(
            "kutani", "shikki", "retail_gift", "ryokan", "restaurant", "wagashi", "construction", "it",
            "retail_kimono", "beauty", "food", "restaurant",
        ),
        staff=(
            ("北村 真由美", "m.kitamura", "lead_advisor"),
            ("中西 大輔", "d.nakanishi", "advisor"),
            ("坂本 彩", "a.sakamoto", "advisor"),
            ("竹内 修", "o.takeuchi", "assistant"),
        ),
    ),
    "nanao-cci": Area(
        towns=(
            Town("926-0175", "七尾市和倉町ヨ部{n}番地", "0767-62", noto=True),
            Town("926-0806", "七尾市一本杉町{n}番地", "0767-53", noto=True),
            Town("926-0041", "七尾市府中町{n}番地", "0767-52", noto=True),
            Town("926-0852", "七尾市小島町ニ部{n}番地", "0767-57", noto=True),
            Town("929-2121", "七尾市田鶴浜町リ部{n}番地", "0767-68", noto=True),
            Town("929-2241", "七尾市中島町中島上{n}番地", "0767-66", noto=True),
            Town("926-0216", "七尾市能登島向田町ろ部{n}番地", "0767-84", noto=True),
        ),
        industries=(
            "ryokan", "ryokan", "fish_processing", "food", "construction", "restaurant", "retail_food", "sake",
            "wagashi", "transport", "care", "setsubi",
        ),
        staff=(
            ("山崎 浩二", "k.yamazaki", "lead_advisor"),
            ("川端 恵", "m.kawabata", "advisor"),
            ("宮下 翔太", "s.miyashita", "advisor"),
        ),
    ),
    "ishikawa-shokoren": Area(
        towns=(
            Town("927-0027", "鳳珠郡穴水町字川島ラ{n}番地", "0768-52", noto=True),
            Town("927-0435", "鳳珠郡能登町字宇出津ト{n}番地", "0768-62", noto=True),
            Town("925-0141", "羽咋郡志賀町富来領家町甲{n}番地", "0767-42", noto=True),
            Town("929-1604", "鹿島郡中能登町能登部下{n}部{m}番地", "0767-72", noto=True),
            Town("927-2165", "輪島市門前町走出{n}字{m}番地", "0768-42", noto=True),
            Town("929-0326", "河北郡津幡町字津幡ロ{n}番地", "076-288"),
            Town("922-0115", "加賀市山中温泉本町2丁目ナ{n}番地", "0761-78"),
            Town("923-1121", "能美市寺井町た{n}番地", "0761-58"),
            Town("920-2121", "白山市鶴来本町4丁目ワ{n}番地", "076-273"),
        ),
        industries=(
            "sake", "shikki", "kutani", "minshuku", "farm", "fishery", "fish_processing", "construction", "food",
            "retail_food", "restaurant", "ryokan",
        ),
        staff=(
            ("松田 隆", "t.matsuda", "lead_advisor"),
            ("谷口 美香", "m.taniguchi", "advisor"),
            ("浅野 健一", "k.asano", "advisor"),
            ("表 直樹", "n.omote", "advisor"),
        ),
    ),
}  # fmt: skip


def corporate_number(base: str) -> str:
    """法人番号: the check digit 9 − (Σ P_n·Q_n mod 9), P_n the n-th digit of the base from the right."""
    total = sum(int(digit) * (1 if n % 2 == 1 else 2) for n, digit in enumerate(reversed(base), start=1))
    return f"{9 - total % 9}{base}"


def demo_records(org_id: str) -> DemoRecords:
    area = AREAS[org_id]
    rng = random.Random(f"banso-demo:{org_id}")
    staff = [
        {"display_name": name, "email": f"{local}@{org_id}.example", "role": role} for name, local, role in area.staff
    ]
    advisors = [index for index, member in enumerate(staff) if member["role"] in ("advisor", "lead_advisor")]
    stems = _name_stems(org_id)
    kinds = rng.sample(area.industries, rng.randint(8, 12))
    businesses = [_business(rng, INDUSTRIES[kind], stems.pop(), area, rng.choice(advisors)) for kind in kinds]
    return DemoRecords(staff=staff, businesses=businesses)


def _name_stems(org_id: str) -> list[tuple[str, str]]:
    """This organization's share of the stems: no two demo businesses anywhere get the same name."""
    shuffled = random.Random("banso-demo:names").sample(NAME_STEMS, len(NAME_STEMS))
    return shuffled[list(AREAS).index(org_id) :: len(AREAS)]


def _business(rng: random.Random, industry: Industry, stem: tuple[str, str], area: Area, staff: int) -> DemoBusiness:
    pattern, reading = rng.choice(industry.trade_names)
    trade_name = pattern.format(stem[0])
    town = rng.choice(area.towns)
    is_corporation = rng.random() < industry.corporation_share
    disaster_affected = rng.random() < (0.75 if town.noto else 0.05)
    founded_on = _date_between(rng, dt.date(industry.founded[0], 1, 1), dt.date(industry.founded[1], 12, 31))
    fields: dict[str, Any] = {
        "name": _legal_name(rng, trade_name) if is_corporation else trade_name,
        "name_kana": reading.format(stem[1]),
        "representative": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}",
        "address": f"〒{town.postal_code} 石川県{town.address.format(n=rng.randint(1, 40), m=rng.randint(1, 20))}",
        "phone": f"{town.phone_prefix}-{rng.randint(1000, 9999)}",
        "corporate_number": corporate_number(f"2200{rng.randint(0, 99_999_999):08d}") if is_corporation else None,
        "business_form": BusinessForm.corporation if is_corporation else BusinessForm.sole_proprietor,
        "jsic_major": industry.jsic_major,
        "jsic_middle": industry.jsic_middle,
        "employees": rng.randint(*industry.employees),
        "employees_as_of": EMPLOYEES_AS_OF.isoformat(),
        "capital_yen": rng.choice((3, 5, 10, 20, 30, 50)) * 1_000_000 if is_corporation else None,
        "founded_on": founded_on.isoformat(),
        "membership": Membership.member if rng.random() < 0.85 else Membership.non_member,
        "disaster_affected": disaster_affected,
        "support_stage": rng.choices(
            (SupportStage.active, SupportStage.candidate, SupportStage.graduated, SupportStage.prospect),
            weights=(70, 12, 10, 8),
        )[0],
        "sharing_consent": rng.random() < 0.85,
    }
    return DemoBusiness(fields=fields, staff_index=staff, goals=_goals(rng, industry, disaster_affected))


def _legal_name(rng: random.Random, trade_name: str) -> str:
    stem = trade_name.replace(" ", "")
    return rng.choices((f"株式会社{stem}", f"{stem}株式会社", f"有限会社{stem}"), weights=(5, 2, 3))[0]


def _goals(rng: random.Random, industry: Industry, disaster_affected: bool) -> list[dict[str, Any]]:
    """1–3 goals: a recovery goal first where the disaster hit, then one typical of the industry, then others."""
    count = rng.choices((1, 2, 3), weights=(3, 4, 3))[0]
    chosen = [rng.choice(RECOVERY_GOALS)] if disaster_affected else []
    weights = [3] + [1] * (len(industry.goals) - 1)
    chosen.append(rng.choices(industry.goals, weights=weights)[0])
    others = [goal for goal in (*industry.goals, *GENERAL_GOALS) if goal not in chosen]
    chosen += rng.sample(others, max(0, count - len(chosen)))
    return [_goal(rng, category, text) for category, text in chosen]


def _goal(rng: random.Random, category: GoalCategory, text: str) -> dict[str, Any]:
    earliest = EARTHQUAKE + dt.timedelta(days=30) if category == C.recovery else FIRST_SET_ON
    set_on = _date_between(rng, earliest, LAST_SET_ON)
    status = rng.choices(
        (GoalStatus.in_progress, GoalStatus.not_started, GoalStatus.achieved, GoalStatus.paused, GoalStatus.dropped),
        weights=(45, 20, 25, 6, 4),
    )[0]
    goal: dict[str, Any] = {"set_on": set_on.isoformat(), "category": category, "text": text, "status": status}
    if status == GoalStatus.achieved:
        last = min(set_on + dt.timedelta(days=540), LAST_ACHIEVED_ON)
        goal["achieved_on"] = _date_between(rng, set_on + dt.timedelta(days=30), last).isoformat()
    if category in PLAN_THEMES:
        goal["plan_theme"] = PLAN_THEMES[category]
    if rng.random() < 0.06:
        goal["shared"] = False
    return goal


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))
