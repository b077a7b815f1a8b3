"""Demo records for the local federation: fictional, deterministic, typical of 石川県.

Every business, person, address and number is invented. The same organization always gets the same records
(random generators seeded with fixed strings), so a fresh `make run` on any machine shows the same demo: about
35 businesses per organization with goals, tasks, support sessions from 令和6年度 to 令和8年度, quarterly figures,
policy support, outcomes and the organization's 経営発達支援計画.

The records are made to be worth analysing: businesses whose goals are achieved were more often met with a
対話型アプローチ and were more often 前向き, grow faster and improve their 粗利率; 能登 businesses hit by the
2024 earthquake show the dip and the recovery in their figures and apply for なりわい再建支援補助金.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from banso_core.vocabulary import (
    Approach,
    Attitude,
    BusinessForm,
    GoalCategory,
    GoalStatus,
    Membership,
    SessionChannel,
    SupportStage,
)
from org_records.sharing.anonymity import DEFAULT_K, Generaliser, Profile

FIRST_DAY = dt.date(2024, 4, 1)
"""令和6年度の初日: the demo's records begin here."""
LAST_DAY = dt.date(2026, 11, 15)
"""The last day anything in the demo happens (sessions, decisions, outcomes): never in the future."""
LAST_SET_ON = dt.date(2026, 6, 30)
LAST_ACHIEVED_ON = dt.date(2026, 10, 31)
EMPLOYEES_AS_OF = dt.date(2026, 4, 1)
QUARTERS: tuple[tuple[int, int], ...] = tuple((fy, q) for fy in (2024, 2025, 2026) for q in (1, 2, 3, 4))[:10]
"""令和6年度 第1四半期 … 令和8年度 第2四半期."""
PLAN_STARTS_ON, PLAN_ENDS_ON = dt.date(2024, 4, 1), dt.date(2029, 3, 31)
PLAN_YEARS = range(2024, 2029)


@dataclass(frozen=True)
class Town:
    """A place in an organization's area: 〒, an address template and the local phone prefix."""

    postal_code: str
    address: str
    """After 石川県, with the block number left as `{n}`."""
    phone_prefix: str
    noto: bool = False
    """能登: most businesses here were hit by the 2024 earthquake and the 奥能登豪雨."""
    specialties: tuple[str, ...] = ()
    """Industries that gather here (輪島塗 in 輪島, 山中漆器 in 山中温泉, 九谷焼 in 能美 …)."""


@dataclass(frozen=True)
class Economics:
    """Rough figures of a small business of the industry, for quarterly monitoring."""

    sales_per_employee: int
    """年間売上高 ÷ 従業員数 (yen)."""
    gross_margin: float
    operating_margin: float
    seasonality: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    """Q1 (4–6月) … Q4 (1–3月), averaging 1."""
    wage: int = 3_300_000
    """年間人件費 per employee (yen)."""
    depreciation_rate: float = 0.03


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
    economics: Economics


@dataclass(frozen=True)
class Area:
    name: str
    towns: tuple[Town, ...]
    industries: tuple[str, ...]
    """Industry keys, repeated by how common they are here."""
    businesses: tuple[int, int]
    staff: tuple[tuple[str, str, str], ...]
    """担当者: display name, e-mail local part, role."""
    themes: tuple[tuple[str, str], ...]
    """経営発達支援計画のテーマ: code and title."""
    theme_of: dict[GoalCategory, str]
    """Which theme a goal of each category counts toward."""
    kgis: tuple[tuple[str, str, str, float], ...]
    """KGI: label, theme code, condition code, threshold (%)."""


@dataclass(frozen=True)
class DemoSession:
    fields: dict[str, Any]
    """The body of `POST /api/v1/businesses/{id}/sessions`, without `goal_ids` and `staff_id`."""
    goal_indexes: tuple[int, ...]
    """The business's goals discussed (indexes into `DemoBusiness.goals`)."""
    staff_index: int


@dataclass(frozen=True)
class DemoOutcome:
    fields: dict[str, Any]
    """The body of `POST /api/v1/businesses/{id}/outcomes`, without `goal_id`."""
    goal_index: int | None


@dataclass(frozen=True)
class DemoBusiness:
    fields: dict[str, Any]
    """The body of `POST /api/v1/businesses`, without `staff_id`."""
    staff_index: int
    """Which of the organization's demo staff is its 担当者."""
    goals: list[dict[str, Any]]
    """Bodies of `POST /api/v1/businesses/{id}/goals`, without `staff_id`."""
    tasks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(goal index, body of `POST /api/v1/goals/{id}/tasks`)."""
    sessions: list[DemoSession] = field(default_factory=list)
    financials: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    """(fiscal year, quarter, body of `PUT /api/v1/businesses/{id}/financials/{fy}/{q}`)."""
    policy_supports: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[DemoOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class DemoRecords:
    staff: list[dict[str, Any]]
    businesses: list[DemoBusiness]
    plan: dict[str, Any] = field(default_factory=dict)
    """The body of `POST /api/v1/plans`: the 経営発達支援計画."""

    def shared_goal_count(self, k_anonymity: int = DEFAULT_K) -> int:
        """Goals that reach the exchange: the business consented, the goal is not opted out, and the business's
        description can be made k-anonymous within the register."""
        generaliser = Generaliser((_profile(business) for business in self.businesses), k_anonymity)
        return sum(
            goal.get("shared", True)
            for business in self.businesses
            if business.fields["sharing_consent"] and generaliser.descriptors(_profile(business)) is not None
            for goal in business.goals
        )

    def counts(self) -> dict[str, int]:
        return {
            "staff": len(self.staff),
            "businesses": len(self.businesses),
            "goals": sum(len(business.goals) for business in self.businesses),
            "tasks": sum(len(business.tasks) for business in self.businesses),
            "sessions": sum(len(business.sessions) for business in self.businesses),
            "financials": sum(len(business.financials) for business in self.businesses),
            "policy_supports": sum(len(business.policy_supports) for business in self.businesses),
            "outcomes": sum(len(business.outcomes) for business in self.businesses),
            "plans": 1,
        }


C = GoalCategory
E = Economics
FLAT = (1.0, 1.0, 1.0, 1.0)

INDUSTRIES: dict[str, Industry] = {
    "ryokan": Industry(
        "M", "75", (("{}旅館", "{}リョカン"), ("お宿 {}", "オヤド{}"), ("{}荘", "{}ソウ")),
        (6, 45), 0.8, (1925, 1990),
        ((C.new_business, "サウナ棟付のキャンプ場新設"),
         (C.capex, "露天風呂付き客室への改装"),
         (C.digital, "多言語対応の予約サイトとキャッシュレス決済の導入"),
         (C.talent, "繁忙期の人手不足に向けた外国人材の採用と定着"),
         (C.sales_channel, "インバウンド向け体験プランの造成と海外OTAへの掲載")),
        E(9_000_000, 0.72, 0.04, (0.95, 1.15, 1.15, 0.75), wage=3_000_000, depreciation_rate=0.06),
    ),
    "minshuku": Industry(
        "M", "75", (("民宿 {}", "ミンシュク{}"), ("農家民宿 {}", "ノウカミンシュク{}")),
        (1, 5), 0.2, (1965, 2015),
        ((C.new_business, "サウナ棟付のキャンプ場新設"),
         (C.new_product, "漁業体験と郷土料理を組み合わせた宿泊プランの開発"),
         (C.digital, "オンライン予約の導入")),
        E(6_000_000, 0.7, 0.05, (0.9, 1.35, 1.0, 0.75), wage=2_400_000, depreciation_rate=0.05),
    ),
    "sake": Industry(
        "E", "10", (("{}酒造", "{}シュゾウ"),),
        (4, 30), 0.9, (1870, 1950),
        ((C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.sales_channel, "海外輸出に向けた商談会への出展"),
         (C.new_product, "低アルコール日本酒の新商品開発"),
         (C.new_product, "酒蔵見学と試飲の体験型商品化"),
         (C.succession, "後継者への事業承継計画の策定")),
        E(22_000_000, 0.38, 0.04, (0.85, 0.8, 1.35, 1.0), wage=3_600_000, depreciation_rate=0.04),
    ),
    "shikki": Industry(
        "E", "32",
        (("{}漆器店", "{}シッキテン"), ("漆工房 {}", "ウルシコウボウ{}"), ("蒔絵工房 {}", "マキエコウボウ{}"),
         ("輪島塗 {}", "ワジマヌリ{}"), ("山中漆器 {}", "ヤマナカシッキ{}")),
        (1, 12), 0.4, (1900, 2000),
        ((C.new_product, "現代の食卓に合う漆器ブランドの立ち上げ"),
         (C.talent, "若手職人の育成と技術承継"),
         (C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.succession, "後継者への事業承継計画の策定"),
         (C.sales_channel, "海外見本市への出展による輸出開始")),
        E(8_000_000, 0.45, 0.03, (0.9, 0.9, 1.3, 0.9), wage=2_900_000),
    ),
    "kutani": Industry(
        "E", "21", (("{}窯", "{}ガマ"), ("九谷 {}堂", "クタニ{}ドウ"), ("絵付工房 {}", "エツケコウボウ{}")),
        (1, 15), 0.5, (1910, 2005),
        ((C.new_product, "若い世代向けの九谷焼食器シリーズの開発"),
         (C.new_business, "絵付け体験工房の開設"),
         (C.sales_channel, "海外見本市への出展による輸出開始"),
         (C.productivity, "電気窯への更新による焼成コストの削減")),
        E(8_500_000, 0.48, 0.03, (1.1, 0.85, 1.1, 0.95), wage=3_000_000, depreciation_rate=0.04),
    ),
    "kinpaku": Industry(
        "E", "32", (("{}金箔", "{}キンパク"), ("箔一 {}", "ハクイチ{}"), ("金箔工芸 {}", "キンパクコウゲイ{}")),
        (2, 25), 0.8, (1920, 2000),
        ((C.new_product, "金箔を使ったコスメ・雑貨の新商品開発"),
         (C.sales_channel, "インバウンド客向けの免税販売の開始"),
         (C.talent, "箔打ち職人の育成と技術承継"),
         (C.productivity, "箔移し工程の省力化")),
        E(12_000_000, 0.5, 0.05, (1.05, 1.0, 1.1, 0.85), wage=3_200_000),
    ),
    "construction": Industry(
        "D", "06", (("{}建設", "{}ケンセツ"), ("{}工務店", "{}コウムテン")),
        (4, 60), 0.9, (1950, 2005),
        ((C.talent, "若手技能者の採用と定着"),
         (C.digital, "施工管理アプリ導入による現場業務の効率化"),
         (C.sales_channel, "住宅の耐震改修工事の受注拡大"),
         (C.productivity, "重機の共同利用による原価の削減")),
        E(24_000_000, 0.2, 0.04, (0.8, 0.95, 1.05, 1.2), wage=4_200_000, depreciation_rate=0.025),
    ),
    "setsubi": Industry(
        "D", "08", (("{}設備", "{}セツビ"), ("{}電設", "{}デンセツ")),
        (3, 25), 0.8, (1960, 2010),
        ((C.talent, "電気工事士の資格取得支援と若手の採用"),
         (C.capex, "高効率空調の施工に対応する機材の導入"),
         (C.digital, "見積・請求業務のクラウド化")),
        E(20_000_000, 0.25, 0.05, (0.85, 1.05, 1.0, 1.1), wage=4_000_000, depreciation_rate=0.02),
    ),
    "food": Industry(
        "E", "09", (("{}食品", "{}ショクヒン"), ("加賀麩 {}", "カガフ{}"), ("佃煮の{}", "ツクダニノ{}")),
        (3, 40), 0.7, (1930, 2010),
        ((C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.new_product, "いしる（魚醤）を使った調味料の新商品開発"),
         (C.productivity, "包装ラインの自動化による生産性向上"),
         (C.other, "HACCPに沿った衛生管理の導入"),
         (C.sales_channel, "首都圏の百貨店催事への出店")),
        E(16_000_000, 0.3, 0.03, (0.95, 1.0, 1.2, 0.85), wage=2_900_000, depreciation_rate=0.04),
    ),
    "wagashi": Industry(
        "E", "09", (("菓匠 {}", "カショウ{}"), ("和菓子処 {}", "ワガシドコロ{}"), ("{}製菓", "{}セイカ")),
        (2, 20), 0.6, (1900, 1995),
        ((C.new_product, "季節限定の上生菓子の新商品開発"),
         (C.sales_channel, "ECサイトでの県外販路開拓"),
         (C.digital, "受注管理のデジタル化")),
        E(10_000_000, 0.55, 0.04, (1.0, 1.0, 1.05, 0.95), wage=2_800_000),
    ),
    "fish_processing": Industry(
        "E", "09", (("{}水産", "{}スイサン"), ("{}海産", "{}カイサン")),
        (3, 35), 0.8, (1950, 2000),
        ((C.sales_channel, "能登の魚を使った加工品の販路開拓"),
         (C.capex, "急速冷凍設備の導入による通年出荷"),
         (C.new_product, "干物と糠漬けの新商品開発")),
        E(18_000_000, 0.22, 0.03, (0.9, 0.9, 1.3, 0.9), wage=2_900_000, depreciation_rate=0.04),
    ),
    "fishery": Industry(
        "B", "03", (("{}漁業", "{}ギョギョウ"), ("{}丸", "{}マル")),
        (2, 15), 0.6, (1955, 2000),
        ((C.new_business, "鮮魚の直販と加工への参入"),
         (C.capex, "漁船の更新による燃料費の削減")),
        E(12_000_000, 0.35, 0.04, (1.1, 0.9, 1.15, 0.85), wage=3_300_000, depreciation_rate=0.08),
    ),
    "farm": Industry(
        "A", "01", (("{}農園", "{}ノウエン"), ("{}ファーム", "{}ファーム")),
        (1, 10), 0.5, (1980, 2018),
        ((C.new_product, "6次産業化による加工品の開発"),
         (C.capex, "スマート農業機器の導入"),
         (C.sales_channel, "直売所とネット通販での販売拡大")),
        E(9_000_000, 0.4, 0.04, (0.7, 1.1, 1.45, 0.75), wage=2_600_000, depreciation_rate=0.07),
    ),
    "textile": Industry(
        "E", "11", (("{}織物", "{}オリモノ"), ("{}繊維", "{}センイ"), ("{}テキスタイル", "{}テキスタイル")),
        (5, 50), 0.95, (1940, 1990),
        ((C.new_product, "高機能素材の新規開発"),
         (C.sales_channel, "アパレルブランドへの直接提案"),
         (C.productivity, "織機の更新による生産性向上"),
         (C.succession, "後継者への事業承継計画の策定")),
        E(15_000_000, 0.22, 0.02, FLAT, wage=3_500_000, depreciation_rate=0.05),
    ),
    "machinery": Industry(
        "E", "26", (("{}機械", "{}キカイ"), ("{}鉄工所", "{}テッコウショ"), ("{}精機", "{}セイキ")),
        (5, 60), 1.0, (1945, 2000),
        ((C.capex, "5軸マシニングセンタの導入による高付加価値化"),
         (C.talent, "若手技術者の採用と育成"),
         (C.digital, "生産管理システムの導入"),
         (C.sales_channel, "県外の新規取引先の開拓")),
        E(18_000_000, 0.24, 0.05, (0.95, 1.0, 0.95, 1.1), wage=4_300_000, depreciation_rate=0.06),
    ),
    "retail_food": Industry(
        "I", "58", (("{}鮮魚店", "{}センギョテン"), ("地酒の{}", "ジザケノ{}"), ("八百屋 {}", "ヤオヤ{}")),
        (1, 8), 0.3, (1950, 2010),
        ((C.digital, "キャッシュレス決済とPOSレジの導入"),
         (C.sales_channel, "SNSを活用した集客の強化"),
         (C.new_business, "ネット通販の立ち上げ")),
        E(14_000_000, 0.27, 0.02, (0.95, 1.0, 1.2, 0.85), wage=2_500_000, depreciation_rate=0.015),
    ),
    "retail_gift": Industry(
        "I", "60", (("おみやげ処 {}", "オミヤゲドコロ{}"), ("{}商店", "{}ショウテン")),
        (2, 12), 0.6, (1960, 2015),
        ((C.sales_channel, "インバウンド客向けの免税販売の開始"),
         (C.productivity, "店舗の省エネ改修による経費削減"),
         (C.new_business, "ネット通販の立ち上げ")),
        E(11_000_000, 0.35, 0.03, (1.0, 1.15, 1.0, 0.85), wage=2_500_000, depreciation_rate=0.015),
    ),
    "retail_kimono": Industry(
        "I", "57", (("呉服の{}", "ゴフクノ{}"), ("きもの{}", "キモノ{}")),
        (1, 6), 0.5, (1920, 1980),
        ((C.new_business, "着物レンタルと着付け体験の開始"),
         (C.sales_channel, "SNSを活用した集客の強化"),
         (C.succession, "後継者への事業承継計画の策定")),
        E(9_000_000, 0.4, 0.02, (1.05, 0.85, 1.1, 1.0), wage=2_600_000, depreciation_rate=0.01),
    ),
    "restaurant": Industry(
        "M", "76",
        (("割烹 {}", "カッポウ{}"), ("おでん {}", "オデン{}"), ("海鮮食堂 {}", "カイセンショクドウ{}"),
         ("カフェ {}", "カフェ{}"), ("寿司 {}", "スシ{}")),
        (1, 15), 0.4, (1970, 2020),
        ((C.new_product, "地元食材を使った新メニューの開発"),
         (C.new_product, "テイクアウト・通販向け商品の開発"),
         (C.digital, "予約・注文のデジタル化"),
         (C.talent, "調理スタッフの採用と育成"),
         (C.finance, "原価管理の徹底による粗利率の改善")),
        E(7_000_000, 0.65, 0.04, (1.0, 1.0, 1.15, 0.85), wage=2_300_000, depreciation_rate=0.03),
    ),
    "it": Industry(
        "G", "39", (("{}データワークス", "{}データワークス"), ("{}システムズ", "{}システムズ")),
        (3, 30), 1.0, (1995, 2020),
        ((C.new_business, "地元企業向けDX支援サービスの立ち上げ"),
         (C.talent, "エンジニアの採用と育成"),
         (C.sales_channel, "県外企業からの受託開発の拡大")),
        E(11_000_000, 0.55, 0.07, (0.9, 1.0, 1.0, 1.1), wage=4_800_000, depreciation_rate=0.01),
    ),
    "beauty": Industry(
        "N", "78", (("ヘアサロン {}", "ヘアサロン{}"), ("美容室 {}", "ビヨウシツ{}")),
        (1, 8), 0.2, (1975, 2020),
        ((C.finance, "2号店の出店に向けた資金調達"),
         (C.digital, "予約システムの導入"),
         (C.new_product, "ヘッドスパメニューの新設")),
        E(5_500_000, 0.88, 0.06, (1.0, 0.95, 1.1, 0.95), wage=2_700_000, depreciation_rate=0.03),
    ),
    "barber": Industry(
        "N", "78", (("理容 {}", "リヨウ{}"), ("バーバー {}", "バーバー{}")),
        (1, 4), 0.1, (1960, 2015),
        ((C.succession, "後継者への事業承継計画の策定"),
         (C.digital, "キャッシュレス決済の導入"),
         (C.new_product, "シニア向け訪問理容の開始")),
        E(5_000_000, 0.9, 0.05, FLAT, wage=2_500_000, depreciation_rate=0.02),
    ),
    "transport": Industry(
        "H", "44", (("{}運送", "{}ウンソウ"), ("{}運輸", "{}ウンユ")),
        (8, 70), 1.0, (1960, 2000),
        ((C.talent, "ドライバーの確保と育成"),
         (C.productivity, "配車システムの導入による積載率の向上")),
        E(11_000_000, 0.25, 0.03, (0.95, 1.0, 1.05, 1.0), wage=4_000_000, depreciation_rate=0.07),
    ),
    "care": Industry(
        "P", "85", (("デイサービス {}", "デイサービス{}"),),
        (8, 40), 0.9, (2000, 2020),
        ((C.talent, "介護職員の採用と定着"),
         (C.digital, "介護記録のICT化")),
        E(5_500_000, 0.85, 0.04, FLAT, wage=3_200_000, depreciation_rate=0.03),
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
    ("翠", "スイ"), ("大杉", "オオスギ"), ("加賀野", "カガノ"), ("浅野川", "アサノガワ"), ("犀星", "サイセイ"),
    ("銀杏", "イチョウ"), ("紅梅", "コウバイ"), ("青柳", "アオヤギ"), ("石蕗", "ツワブキ"), ("山桜", "ヤマザクラ"),
    ("鈴蘭", "スズラン"), ("小春", "コハル"), ("暁", "アカツキ"), ("天翔", "テンショウ"), ("蒼海", "ソウカイ"),
    ("渚", "ナギサ"), ("岬", "ミサキ"), ("灯台", "トウダイ"), ("舟屋", "フナヤ"), ("荒磯", "アリソ"),
    ("珠洲路", "スズジ"), ("能登路", "ノトジ"), ("揚浜", "アゲハマ"), ("千枚田", "センマイダ"), ("白米", "シロヨネ"),
    ("見附", "ミツケ"), ("長手", "ナガテ"), ("曽々木", "ソソギ"), ("九十九", "ツクモ"), ("恋路", "コイジ"),
    ("宝達", "ホウダツ"), ("末森", "スエモリ"), ("眉丈", "ビジョウ"), ("石動", "セキドウ"), ("碁石", "ゴイシ"),
    ("手取", "テドリ"), ("白山", "ハクサン"), ("獅子吼", "シシク"), ("鶴来", "ツルギ"), ("舟岡", "フナオカ"),
    ("寺井", "テライ"), ("和気", "ワケ"), ("辰口", "タツノクチ"), ("小松原", "コマツバラ"), ("安宅", "アタカ"),
    ("片山津", "カタヤマヅ"), ("大聖寺", "ダイショウジ"), ("こおろぎ", "コオロギ"), ("鶴仙", "カクセン"),
    ("黒谷", "クロダニ"), ("真砂", "マサゴ"), ("森本", "モリモト"), ("卯辰", "ウタツ"), ("兼六", "ケンロク"),
    ("香林", "コウリン"), ("主計", "カズエ"), ("ひがし", "ヒガシ"), ("長土塀", "ナガドベイ"), ("彦三", "ヒコソ"),
    ("金石", "カナイワ"), ("大野", "オオノ"), ("湊", "ミナト"), ("粟崎", "アワガサキ"), ("内灘", "ウチナダ"),
    ("河北", "カホク"), ("倶利伽羅", "クリカラ"), ("竹橋", "タケノハシ"), ("能瀬", "ノセ"), ("宇ノ気", "ウノケ"),
    ("七塚", "ナナツカ"), ("高松", "タカマツ"), ("押水", "オシミズ"), ("一本杉", "イッポンスギ"), ("府中", "フチュウ"),
    ("和倉", "ワクラ"), ("田鶴浜", "タツルハマ"), ("中島", "ナカジマ"), ("能登島", "ノトジマ"), ("穴水", "アナミズ"),
    ("宇出津", "ウシツ"), ("富来", "トギ"), ("門前", "モンゼン"), ("鹿島", "カシマ"), ("羽咋", "ハクイ"),
)  # fmt: skip

SURNAMES = (
    "山本", "中村", "北村", "宮本", "林", "吉田", "松本", "坂本", "西田", "竹内", "森", "谷口", "米田", "浅野",
    "高田", "新谷", "道下", "表", "角", "東", "中川", "岡田", "山下", "寺西",
)  # fmt: skip
GIVEN_NAMES = (
    "健一", "正和", "誠", "浩二", "和子", "幸子", "大輔", "翔太", "美香", "恵子", "修", "博之", "隆", "裕子",
    "真由美", "一郎", "孝", "直樹", "千春", "智也",
)  # fmt: skip

EXPERTS: dict[GoalCategory, tuple[str, ...]] = {
    C.sales_channel: ("中小企業診断士 岡本 聡", "販路開拓アドバイザー 村田 香織"),
    C.new_product: ("商品開発アドバイザー 杉本 由紀", "デザイナー 能村 涼"),
    C.digital: ("ITコーディネータ 村井 陽子", "ITコーディネータ 前川 拓海"),
    C.succession: ("事業承継・引継ぎ支援センター 石黒 勉", "税理士 久保 晴美"),
    C.talent: ("社会保険労務士 荒木 恵美", "中小企業診断士 上野 剛"),
    C.finance: ("税理士 久保 晴美", "中小企業診断士 岡本 聡"),
    C.recovery: ("中小企業診断士 上野 剛", "一級建築士 大西 誠司"),
}
DEFAULT_EXPERTS = ("中小企業診断士 岡本 聡", "中小企業診断士 上野 剛")

NOTES: dict[GoalCategory, tuple[str, ...]] = {
    C.sales_channel: (
        "「{goal}」の進捗確認。ターゲット顧客と価格帯を整理し、商談会の出展候補を検討した。",
        "「{goal}」について、ECサイトのアクセス数と受注件数を確認。商品ページの改善点を話し合った。",
        "「{goal}」に向け、県外バイヤーとの商談結果を振り返り、次回の提案内容を整理した。",
    ),
    C.new_product: (
        "「{goal}」の試作品を確認。原価計算と販売価格の設定について助言した。",
        "「{goal}」について、モニター販売の反応を共有。パッケージの改善案を検討した。",
    ),
    C.new_business: (
        "「{goal}」の事業計画を確認。収支計画と資金繰りを一緒に点検した。",
        "「{goal}」について、許認可と開業スケジュールを整理した。",
    ),
    C.talent: (
        "「{goal}」について、求人票の見直しとハローワーク以外の募集経路を検討した。",
        "「{goal}」の進捗確認。定着に向けた就業規則と評価制度の整備を話し合った。",
    ),
    C.digital: (
        "「{goal}」について、導入候補のツールを比較し、IT導入補助金の要件を確認した。",
        "「{goal}」の導入後の運用状況を確認。操作に慣れない従業員への対応を相談した。",
    ),
    C.succession: (
        "「{goal}」について、後継者候補と現経営者の意向を確認。株式の移転方法を整理した。",
        "「{goal}」の進捗確認。事業承継・引継ぎ支援センターへの相談日程を調整した。",
    ),
    C.productivity: (
        "「{goal}」について、工程ごとの作業時間を洗い出し、改善の優先順位を決めた。",
        "「{goal}」の効果を確認。月次の原価と残業時間の推移を共有した。",
    ),
    C.finance: (
        "「{goal}」について、月次の資金繰り表を確認し、融資の申込み時期を検討した。",
        "「{goal}」の進捗確認。試算表をもとに粗利率の推移を共有した。",
    ),
    C.capex: (
        "「{goal}」について、見積書を比較し、補助金の活用可能性を確認した。",
        "「{goal}」の導入スケジュールと資金計画を確認した。",
    ),
    C.recovery: (
        "「{goal}」について、被害状況と復旧工事の見積を確認。なりわい再建支援補助金の申請書類を整理した。",
        "「{goal}」の進捗確認。仮設での営業状況と資金繰りを確認した。",
        "「{goal}」について、取引先の回復状況と今後の売上見通しを話し合った。",
    ),
    C.other: ("「{goal}」について、現状の課題と対応策を整理した。",),
}
GENERAL_NOTES = (
    "近況確認。売上の動向と資金繰りについて聞き取りを行った。",
    "決算書をもとに経営状況を確認。次期の事業計画について意見交換した。",
    "巡回時に近況を聞き取り。補助金・融資の最新情報を提供した。",
    "記帳指導と確定申告に向けた準備状況の確認。",
)
NEXT_ACTIONS: dict[GoalCategory, tuple[str, ...]] = {
    C.sales_channel: ("商談会の申込書を作成", "商品ページの改善案を次回までに準備", "バイヤーへの提案書を確認"),
    C.new_product: ("試作品の原価計算を確認", "モニター販売の結果を集計"),
    C.new_business: ("収支計画の修正版を確認", "開業スケジュールの再確認"),
    C.talent: ("求人票の修正版を確認", "就業規則の改定案を社労士と確認"),
    C.digital: ("ツールの見積を取得", "IT導入補助金の申請準備"),
    C.succession: ("事業承継・引継ぎ支援センターと面談", "事業承継計画書の案を作成"),
    C.productivity: ("改善後の作業時間を計測", "月次原価の推移を確認"),
    C.finance: ("資金繰り表の更新を確認", "金融機関との面談に同席"),
    C.capex: ("見積書の比較表を作成", "補助金の公募要領を確認"),
    C.recovery: ("補助金の実績報告書類を確認", "復旧工事の進捗を確認", "資金繰り表の更新を確認"),
    C.other: ("次回訪問時に進捗を確認",),
}
GENERAL_NEXT_ACTIONS = ("次回巡回時に近況を確認", "決算後に経営分析を実施", "補助金の公募開始時に連絡")
TASKS: dict[GoalCategory, tuple[tuple[str, str], ...]] = {
    C.sales_channel: (("ターゲット顧客の整理", "business"), ("商談会への出展申込", "advisor"),
                      ("商品ページの改善", "business"), ("販促チラシの作成", "business")),
    C.new_product: (("試作品の製作", "business"), ("原価計算と価格設定", "advisor"),
                    ("モニター販売の実施", "business")),
    C.new_business: (("事業計画書の作成", "business"), ("資金計画の確認", "advisor"), ("許認可の確認", "advisor")),
    C.talent: (("求人票の見直し", "business"), ("就業規則の改定", "advisor"), ("採用面接の実施", "business")),
    C.digital: (("導入ツールの比較", "advisor"), ("IT導入補助金の申請", "advisor"),
                ("従業員向け操作研修", "business")),
    C.succession: (("後継者との面談", "advisor"), ("株式・資産の整理", "business"),
                   ("事業承継計画書の作成", "business")),
    C.productivity: (("作業工程の洗い出し", "business"), ("改善策の優先順位付け", "advisor"), ("効果測定", "advisor")),
    C.finance: (("資金繰り表の作成", "business"), ("金融機関への相談", "advisor"), ("試算表の月次確認", "business")),
    C.capex: (("設備の見積取得", "business"), ("補助金申請書の作成", "advisor"), ("設備の発注", "business")),
    C.recovery: (("被害状況の記録", "business"), ("なりわい再建支援補助金の申請", "advisor"),
                 ("復旧工事の発注", "business"), ("実績報告書の提出", "business")),
    C.other: (("現状の課題整理", "advisor"), ("対応策の実施", "business")),
}  # fmt: skip

AREAS: dict[str, Area] = {
    "kanazawa-cci": Area(
        name="金沢商工会議所",
        towns=(
            Town("920-0981", "金沢市片町1丁目{n}番{m}号", "076-231"),
            Town("920-0831", "金沢市東山1丁目{n}番{m}号", "076-252", specialties=("kinpaku", "retail_gift")),
            Town("920-0962", "金沢市広坂1丁目{n}番{m}号", "076-221"),
            Town("920-0902", "金沢市尾張町2丁目{n}番{m}号", "076-232", specialties=("wagashi", "retail_kimono")),
            Town("920-0865", "金沢市長町1丁目{n}番{m}号", "076-263"),
            Town("921-8031", "金沢市野町2丁目{n}番{m}号", "076-241"),
            Town("920-0061", "金沢市問屋町1丁目{n}番地", "076-237", specialties=("food", "textile")),
            Town("920-0024", "金沢市西念3丁目{n}番{m}号", "076-223"),
            Town("920-0209", "金沢市東蚊爪町1丁目{n}番地", "076-238", specialties=("machinery", "construction")),
            Town("921-8064", "金沢市八日市5丁目{n}番地", "076-240", specialties=("machinery", "setsubi")),
        ),
        industries=(
            "kutani", "shikki", "kinpaku", "kinpaku", "retail_gift", "ryokan", "restaurant", "restaurant",
            "restaurant", "wagashi", "wagashi", "construction", "construction", "setsubi", "it", "it",
            "retail_kimono", "beauty", "beauty", "barber", "food", "food", "textile", "machinery", "machinery",
            "retail_food", "sake",
        ),
        businesses=(36, 40),
        staff=(
            ("北村 真由美", "m.kitamura", "lead_advisor"),
            ("中西 大輔", "d.nakanishi", "advisor"),
            ("坂本 彩", "a.sakamoto", "advisor"),
            ("竹内 修", "o.takeuchi", "assistant"),
        ),
        themes=(
            ("demand", "需要開拓による売上・付加価値の向上"),
            ("productivity", "DX・設備投資による生産性向上と人材確保"),
            ("succession", "事業承継と伝統産業の担い手確保"),
        ),
        theme_of={
            C.sales_channel: "demand", C.new_product: "demand", C.new_business: "demand",
            C.digital: "productivity", C.productivity: "productivity", C.capex: "productivity",
            C.talent: "productivity", C.succession: "succession",
        },
        kgis=(
            ("需要開拓支援先のうち粗利率が改善した企業割合", "demand", "gross_margin_improved", 30.0),
            ("生産性向上支援先のうち労働生産性が改善または採用を実現した企業割合", "productivity",
             "labor_productivity_improved_or_hired", 40.0),
            ("事業承継支援先のうち承継を完了または実行段階に移した企業割合", "succession",
             "succession_done_or_executing", 20.0),
        ),
    ),
    "nanao-cci": Area(
        name="七尾商工会議所",
        towns=(
            Town("926-0175", "七尾市和倉町ヨ部{n}番地", "0767-62", noto=True, specialties=("ryokan",)),
            Town("926-0806", "七尾市一本杉町{n}番地", "0767-53", noto=True, specialties=("wagashi", "retail_gift")),
            Town("926-0041", "七尾市府中町{n}番地", "0767-52", noto=True, specialties=("fish_processing",)),
            Town("926-0852", "七尾市小島町ニ部{n}番地", "0767-57", noto=True),
            Town("929-2121", "七尾市田鶴浜町リ部{n}番地", "0767-68", noto=True),
            Town("929-2241", "七尾市中島町中島上{n}番地", "0767-66", noto=True, specialties=("sake",)),
            Town("926-0216", "七尾市能登島向田町ろ部{n}番地", "0767-84", noto=True, specialties=("minshuku",)),
        ),
        industries=(
            "ryokan", "ryokan", "ryokan", "ryokan", "minshuku", "fish_processing", "fish_processing", "food",
            "food", "construction", "construction", "setsubi", "restaurant", "restaurant", "restaurant",
            "retail_food", "retail_food", "retail_gift", "sake", "wagashi", "wagashi", "transport", "care",
            "beauty", "barber", "machinery",
        ),
        businesses=(30, 34),
        staff=(
            ("山崎 浩二", "k.yamazaki", "lead_advisor"),
            ("川端 恵", "m.kawabata", "advisor"),
            ("宮下 翔太", "s.miyashita", "advisor"),
        ),
        themes=(
            ("recovery", "被災事業者の復旧・復興と事業継続力の強化"),
            ("demand", "観光と食の需要開拓による売上回復"),
            ("productivity", "生産性向上と人材確保"),
        ),
        theme_of={
            C.recovery: "recovery", C.sales_channel: "demand", C.new_product: "demand",
            C.new_business: "demand", C.digital: "productivity", C.productivity: "productivity",
            C.capex: "productivity", C.talent: "productivity",
        },
        kgis=(
            ("被災事業者のうち売上高が前年度を上回った企業割合", "recovery", "sales_increased", 50.0),
            ("需要開拓支援先のうち粗利率が改善した企業割合", "demand", "gross_margin_improved", 30.0),
            ("生産性向上支援先のうち労働生産性が改善または採用を実現した企業割合", "productivity",
             "labor_productivity_improved_or_hired", 35.0),
        ),
    ),
    "ishikawa-shokoren": Area(
        name="石川県商工会連合会",
        towns=(
            Town("927-0027", "鳳珠郡穴水町字川島ラ{n}番地", "0768-52", noto=True, specialties=("fishery",)),
            Town("927-0435", "鳳珠郡能登町字宇出津ト{n}番地", "0768-62", noto=True,
                 specialties=("fish_processing", "fishery")),
            Town("925-0141", "羽咋郡志賀町富来領家町甲{n}番地", "0767-42", noto=True, specialties=("farm",)),
            Town("929-1604", "鹿島郡中能登町能登部下{n}部{m}番地", "0767-72", noto=True, specialties=("textile",)),
            Town("927-2165", "輪島市門前町走出{n}字{m}番地", "0768-42", noto=True, specialties=("shikki", "sake")),
            Town("929-0326", "河北郡津幡町字津幡ロ{n}番地", "076-288", specialties=("construction",)),
            Town("922-0115", "加賀市山中温泉本町2丁目ナ{n}番地", "0761-78", specialties=("shikki", "ryokan")),
            Town("923-1121", "能美市寺井町た{n}番地", "0761-58", specialties=("kutani",)),
            Town("920-2121", "白山市鶴来本町4丁目ワ{n}番地", "076-273", specialties=("sake", "machinery")),
        ),
        industries=(
            "sake", "sake", "shikki", "shikki", "shikki", "kutani", "kutani", "minshuku", "farm", "farm",
            "fishery", "fishery", "fish_processing", "fish_processing", "construction", "construction", "food",
            "retail_food", "retail_food", "restaurant", "restaurant", "ryokan", "textile", "machinery", "beauty",
            "barber", "wagashi", "setsubi",
        ),
        businesses=(33, 37),
        staff=(
            ("松田 隆", "t.matsuda", "lead_advisor"),
            ("谷口 美香", "m.taniguchi", "advisor"),
            ("浅野 健一", "k.asano", "advisor"),
            ("表 直樹", "n.omote", "advisor"),
        ),
        themes=(
            ("recovery", "能登の小規模事業者の再建と事業継続"),
            ("demand", "伝統産業・地場産品の販路開拓"),
            ("succession", "事業承継と担い手の確保"),
        ),
        theme_of={
            C.recovery: "recovery", C.sales_channel: "demand", C.new_product: "demand",
            C.new_business: "demand", C.succession: "succession", C.talent: "succession",
        },
        kgis=(
            ("被災事業者のうち売上高が前年度を上回った企業割合", "recovery", "sales_increased", 50.0),
            ("販路開拓支援先のうち粗利率が改善した企業割合", "demand", "gross_margin_improved", 30.0),
        ),
    ),
}  # fmt: skip

MIX: dict[GoalStatus | None, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    # weights of (傾聴型, 対話型, 指導型) and (前向き, 否定的, 受動的) by how the goal discussed went
    GoalStatus.achieved: ((25, 60, 15), (72, 8, 20)),
    GoalStatus.in_progress: ((35, 40, 25), (48, 14, 38)),
    GoalStatus.not_started: ((40, 25, 35), (30, 20, 50)),
    GoalStatus.paused: ((30, 20, 50), (18, 42, 40)),
    GoalStatus.dropped: ((25, 15, 60), (12, 50, 38)),
    None: ((45, 30, 25), (40, 15, 45)),
}
"""The mix of approach and attitude: analytics should find that dialogue and a willing owner go with success."""

KPIS: tuple[tuple[str, str, str, float, int], ...] = (
    # code, label, measure, target per business in the register, yearly increase
    ("KPI-1", "フォローアップ対象事業者数", "businesses_followed_up", 0.75, 1),
    ("KPI-2", "フォローアップ延べ回数", "follow_up_sessions", 3.5, 4),
    ("KPI-3", "売上または営業利益が増加した事業者数", "sales_or_profit_increased", 0.55, 1),
    ("KPI-4", "事業計画策定事業者数", "plans_formulated", 0.25, 1),
    ("KPI-5", "新規取引先獲得数", "new_partners", 0.15, 1),
    ("KPI-6", "商談成立件数", "deals_closed", 0.2, 1),
    ("KPI-7", "補助金採択件数", "subsidies_adopted", 0.25, 0),
)
"""KPIs of the plan: like the example plan (フォローアップ 50者/年, 延べ60回 …), scaled to the register."""


def _profile(business: DemoBusiness) -> Profile:
    fields = business.fields
    return Profile(
        fields["business_form"], fields["jsic_major"], fields.get("jsic_middle") or "", fields.get("employees")
    )


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
    serials = rng.sample(range(1_000, 99_999), 80)
    businesses = []
    for _ in range(rng.randint(*area.businesses)):
        builder = _BusinessBuilder(rng, area, rng.choice(area.industries), stems.pop(), len(staff))
        business = builder.build(rng.choice(advisors), f"{list(AREAS).index(org_id) + 1}{serials.pop():05d}")
        businesses.append(business)
    return DemoRecords(staff=staff, businesses=businesses, plan=_plan(area, len(businesses)))


def load_demo(call: Callable[[str, str, dict[str, Any] | None], Any], org_id: str) -> str:
    """Create the organization's demo records through its REST API; `call(method, path, body)` performs one call
    under `/api/v1` and returns the decoded JSON. Returns a one-line summary."""
    records = demo_records(org_id)
    call("POST", "/plans", records.plan)
    staff_ids = [call("POST", "/staff", member)["id"] for member in records.staff]
    for business in records.businesses:
        staff_id = staff_ids[business.staff_index]
        business_id = call("POST", "/businesses", business.fields | {"staff_id": staff_id})["id"]
        goal_ids = [
            call("POST", f"/businesses/{business_id}/goals", goal | {"staff_id": staff_id})["id"]
            for goal in business.goals
        ]
        for goal_index, task in business.tasks:
            call("POST", f"/goals/{goal_ids[goal_index]}/tasks", task)
        for session in business.sessions:
            body = session.fields | {
                "staff_id": staff_ids[session.staff_index],
                "goal_ids": [goal_ids[index] for index in session.goal_indexes],
            }
            call("POST", f"/businesses/{business_id}/sessions", body)
        for fiscal_year, quarter, figures in business.financials:
            call("PUT", f"/businesses/{business_id}/financials/{fiscal_year}/{quarter}", figures)
        for support in business.policy_supports:
            call("POST", f"/businesses/{business_id}/policy-supports", support)
        for outcome in business.outcomes:
            goal_id = None if outcome.goal_index is None else goal_ids[outcome.goal_index]
            call("POST", f"/businesses/{business_id}/outcomes", outcome.fields | {"goal_id": goal_id})
    counts = records.counts()
    return (
        f"{AREAS[org_id].name}: デモデータ demo data loaded — {counts['businesses']} 事業者 businesses, "
        f"{counts['goals']} 目標 goals, {counts['tasks']} 課題 tasks, {counts['sessions']} 支援記録 sessions, "
        f"{counts['financials']} 四半期 quarters, {counts['policy_supports']} 施策支援 policy supports, "
        f"{counts['outcomes']} 成果 outcomes, 1 経営発達支援計画 plan"
    )


def _name_stems(org_id: str) -> list[tuple[str, str]]:
    """This organization's share of the stems: no two demo businesses anywhere get the same name."""
    shuffled = random.Random("banso-demo:names").sample(NAME_STEMS, len(NAME_STEMS))
    return shuffled[list(AREAS).index(org_id) :: len(AREAS)]


def _plan(area: Area, businesses: int) -> dict[str, Any]:
    """経営発達支援計画 令和6年4月1日～令和11年3月31日, its KPI targets scaled to the size of the register."""
    kpis = [
        {
            "code": code,
            "label": label,
            "measure": measure,
            "targets": {
                str(year): round(businesses * per_business) + step * (year - PLAN_YEARS[0]) for year in PLAN_YEARS
            },
        }
        for code, label, measure, per_business, step in KPIS
    ]
    kgis = [
        {"code": f"KGI-{n}", "label": label, "theme": theme, "condition": condition, "threshold_percent": threshold}
        for n, (label, theme, condition, threshold) in enumerate(area.kgis, start=1)
    ]
    return {
        "title": f"{area.name} 経営発達支援計画（令和6年度～令和10年度）",
        "starts_on": PLAN_STARTS_ON.isoformat(),
        "ends_on": PLAN_ENDS_ON.isoformat(),
        "themes": [{"code": code, "title": title} for code, title in area.themes],
        "kpis": kpis,
        "kgis": kgis,
    }


@dataclass
class _Goal:
    category: GoalCategory
    text: str
    set_on: dt.date
    status: GoalStatus = GoalStatus.not_started
    achieved_on: dt.date | None = None
    last_discussed: dt.date = LAST_DAY
    """After this day the goal is no longer talked about (achieved, paused or dropped)."""


class _BusinessBuilder:
    """One business and its whole history, drawn from one random stream."""

    def __init__(self, rng: random.Random, area: Area, kind: str, stem: tuple[str, str], staff: int) -> None:
        self.rng = rng
        self.area = area
        self.kind = kind
        self.industry = industry = INDUSTRIES[kind]
        self.stem = stem
        self.staff_count = staff
        self.town = self._town()
        self.stage = rng.choices(
            (SupportStage.active, SupportStage.candidate, SupportStage.graduated, SupportStage.prospect),
            weights=(68, 12, 12, 8),
        )[0]
        self.disaster_affected = rng.random() < (0.75 if self.town.noto else 0.04)
        self.employees = rng.randint(*industry.employees)

    def _town(self) -> Town:
        local = [town for town in self.area.towns if self.kind in town.specialties]
        return self.rng.choice(local if local and self.rng.random() < 0.7 else self.area.towns)

    def build(self, staff_index: int, serial: str) -> DemoBusiness:
        fields = self._fields(serial)
        dates = self._session_dates()
        goals = self._goals(dates)
        sessions = self._sessions(dates, goals, staff_index)
        outcomes = self._outcomes(goals, dates)
        return DemoBusiness(
            fields=fields,
            staff_index=staff_index,
            goals=[self._goal_body(goal) for goal in goals],
            tasks=self._tasks(goals),
            sessions=sessions,
            financials=self._financials(goals, outcomes),
            policy_supports=self._policy_supports(goals, fields),
            outcomes=outcomes,
        )

    # 事業者

    def _fields(self, serial: str) -> dict[str, Any]:
        rng, industry, town = self.rng, self.industry, self.town
        pattern, reading = rng.choice(industry.trade_names)
        trade_name = pattern.format(self.stem[0])
        is_corporation = rng.random() < industry.corporation_share
        founded_on = _date_between(rng, dt.date(industry.founded[0], 1, 1), dt.date(industry.founded[1], 12, 31))
        legal_form = rng.choices(("株式会社", "有限会社"), weights=(7, 3))[0]
        name = trade_name
        if is_corporation:
            stem = trade_name.replace(" ", "")
            name = f"{legal_form}{stem}" if legal_form == "有限会社" or rng.random() < 0.7 else f"{stem}{legal_form}"
        # 会社法人等番号: 2200 (金沢地方法務局), 01 株式会社 / 02 有限会社, a serial unique to the organization
        registry = f"2200{'01' if legal_form == '株式会社' else '02'}{serial}"
        return {
            "name": name,
            "name_kana": reading.format(self.stem[1]),
            "representative": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}",
            "address": f"〒{town.postal_code} 石川県{town.address.format(n=rng.randint(1, 40), m=rng.randint(1, 20))}",
            "phone": f"{town.phone_prefix}-{rng.randint(1000, 9999)}",
            "corporate_number": corporate_number(registry) if is_corporation else None,
            "business_form": BusinessForm.corporation if is_corporation else BusinessForm.sole_proprietor,
            "jsic_major": industry.jsic_major,
            "jsic_middle": industry.jsic_middle,
            "employees": self.employees,
            "employees_as_of": EMPLOYEES_AS_OF.isoformat(),
            "capital_yen": rng.choice((3, 5, 10, 20, 30, 50)) * 1_000_000 if is_corporation else None,
            "founded_on": founded_on.isoformat(),
            "membership": Membership.member if rng.random() < 0.85 else Membership.non_member,
            "disaster_affected": self.disaster_affected,
            "support_stage": self.stage,
            "sharing_consent": rng.random() < 0.85,
        }

    # 支援記録の日付: first contact, then every one to three months

    def _session_dates(self) -> list[dt.date]:
        rng = self.rng
        if self.stage == SupportStage.prospect:
            count = rng.choice((0, 1, 1, 2))
            return sorted(_date_between(rng, FIRST_DAY, LAST_DAY) for _ in range(count))
        latest_start = dt.date(2026, 6, 30) if self.stage == SupportStage.candidate else dt.date(2025, 9, 30)
        start = FIRST_DAY + dt.timedelta(days=int(rng.betavariate(1.2, 2.5) * (latest_start - FIRST_DAY).days))
        if self.disaster_affected:
            start = min(start, _date_between(rng, FIRST_DAY, dt.date(2024, 6, 30)))
        end = LAST_DAY
        if self.stage == SupportStage.graduated:
            end = _date_between(rng, dt.date(2025, 9, 1), dt.date(2026, 9, 30))
        if self.stage == SupportStage.candidate:
            count = rng.randint(2, 5)
        elif self.stage == SupportStage.graduated:
            count = rng.randint(6, 12)
        else:
            count = rng.randint(11, 15) if self.disaster_affected else rng.randint(8, 15)
        span = (end - start).days
        count = max(1, min(count, span // 25 + 1))
        gap = span / max(1, count - 1) if count > 1 else 0
        dates = [start] + [
            min(end, start + dt.timedelta(days=round(gap * (n + rng.uniform(-0.3, 0.3))))) for n in range(1, count)
        ]
        return sorted(set(dates))

    # 目標

    def _goals(self, dates: list[dt.date]) -> list[_Goal]:
        rng, industry = self.rng, self.industry
        count = rng.choices((1, 2, 3, 4), weights=(3, 4, 3, 1))[0]
        chosen = [rng.choice(RECOVERY_GOALS)] if self.disaster_affected else []
        weights = [3] + [1] * (len(industry.goals) - 1)
        chosen.append(rng.choices(industry.goals, weights=weights)[0])
        others = [goal for goal in (*industry.goals, *GENERAL_GOALS) if goal not in chosen]
        chosen += rng.sample(others, max(0, count - len(chosen)))
        # goals are set at sessions: the first at the first contacts, later ones as the support goes on
        settable = [day for day in dates if day <= LAST_SET_ON] or [_date_between(rng, FIRST_DAY, LAST_SET_ON)]
        set_dates = sorted(
            rng.choice(settable[: max(1, len(settable) * (n + 1) // len(chosen))]) for n in range(len(chosen))
        )
        set_dates[0] = settable[0]
        goals = [_Goal(category, text, set_on) for (category, text), set_on in zip(chosen, set_dates, strict=True)]
        for goal in goals:
            self._settle(goal, [day for day in dates if day > goal.set_on])
        return goals

    def _settle(self, goal: _Goal, later_sessions: list[dt.date]) -> None:
        """Decide how the goal went; an achievement is confirmed at a later session."""
        rng = self.rng
        weights = {
            SupportStage.active: (45, 12, 33, 6, 4),
            SupportStage.graduated: (10, 0, 80, 5, 5),
            SupportStage.candidate: (35, 50, 5, 6, 4),
            SupportStage.prospect: (10, 85, 0, 3, 2),
        }[self.stage]
        statuses = (GoalStatus.in_progress, GoalStatus.not_started, GoalStatus.achieved, GoalStatus.paused)
        goal.status = rng.choices((*statuses, GoalStatus.dropped), weights=weights)[0]
        confirmable = [
            day
            for day in later_sessions
            if goal.set_on + dt.timedelta(days=45) <= day <= min(goal.set_on + dt.timedelta(days=600), LAST_ACHIEVED_ON)
        ]
        if goal.status == GoalStatus.achieved:
            if confirmable:
                goal.achieved_on = rng.choice(confirmable[len(confirmable) // 3 :])
                goal.last_discussed = goal.achieved_on + dt.timedelta(days=60)
            else:
                goal.status = GoalStatus.in_progress
        if goal.status in (GoalStatus.paused, GoalStatus.dropped) and later_sessions:
            goal.last_discussed = rng.choice(later_sessions)
        if goal.status == GoalStatus.not_started:
            goal.last_discussed = goal.set_on

    def _goal_body(self, goal: _Goal) -> dict[str, Any]:
        body: dict[str, Any] = {
            "set_on": goal.set_on.isoformat(),
            "category": goal.category,
            "text": goal.text,
            "status": goal.status,
        }
        if goal.achieved_on is not None:
            body["achieved_on"] = goal.achieved_on.isoformat()
        if goal.category in self.area.theme_of:
            body["plan_theme"] = self.area.theme_of[goal.category]
        if self.rng.random() < 0.06:
            body["shared"] = False
        return body

    # 課題・行動タスク

    def _tasks(self, goals: list[_Goal]) -> list[tuple[int, dict[str, Any]]]:
        rng, tasks = self.rng, []
        for index, goal in enumerate(goals):
            templates = TASKS.get(goal.category, TASKS[C.other])
            for title, owner in rng.sample(templates, min(len(templates), rng.choice((0, 1, 2, 2, 3)))):
                due_on = goal.set_on + dt.timedelta(days=rng.randint(30, 180))
                if goal.status == GoalStatus.achieved:
                    status = "done"
                elif goal.status == GoalStatus.in_progress:
                    status = rng.choices(("done", "doing", "open"), weights=(4, 4, 2))[0]
                elif goal.status in (GoalStatus.paused, GoalStatus.dropped):
                    status = rng.choice(("on_hold", "open"))
                else:
                    status = "open"
                task: dict[str, Any] = {"title": title, "owner": owner, "due_on": due_on.isoformat(), "status": status}
                if status == "done":
                    last = min(goal.achieved_on or LAST_DAY, due_on + dt.timedelta(days=30), LAST_DAY)
                    task["done_on"] = _date_between(
                        rng, min(goal.set_on + dt.timedelta(days=7), last), last
                    ).isoformat()
                tasks.append((index, task))
        return tasks

    # 支援記録: approach and attitude follow how the goals discussed went

    def _sessions(self, dates: list[dt.date], goals: list[_Goal], staff_index: int) -> list[DemoSession]:
        rng, sessions = self.rng, []
        for day in dates:
            open_goals = [index for index, goal in enumerate(goals) if goal.set_on <= day <= goal.last_discussed]
            discussed = (
                sorted(rng.sample(open_goals, min(len(open_goals), rng.choice((1, 1, 1, 2))))) if open_goals else []
            )
            if discussed and rng.random() < 0.1:
                discussed = []
            focus = goals[discussed[0]] if discussed else None
            channel = self._channel(focus)
            approach, attitude = self._approach_and_attitude(focus)
            fields: dict[str, Any] = {
                "held_on": day.isoformat(),
                "channel": channel,
                "minutes": self._minutes(channel),
                "approach": approach,
                "attitude": attitude,
                "notes": self._note(focus),
                "next_action": self._next_action(focus),
            }
            if channel == SessionChannel.expert:
                category = focus.category if focus else C.other
                fields["expert_name"] = rng.choice(EXPERTS.get(category, DEFAULT_EXPERTS))
            someone_else = self.staff_count > 1 and rng.random() < 0.12
            staff = (
                rng.choice([i for i in range(self.staff_count) if i != staff_index]) if someone_else else staff_index
            )
            sessions.append(DemoSession(fields=fields, goal_indexes=tuple(discussed), staff_index=staff))
        return sessions

    def _channel(self, focus: _Goal | None) -> SessionChannel:
        S = SessionChannel
        channels = (S.visit, S.counter, S.expert, S.online, S.phone, S.joint_visit, S.seminar)
        weights = [45, 28, 5, 8, 10, 2, 2]
        if focus is not None and focus.category in (C.digital, C.succession, C.recovery, C.new_product):
            weights[2] = 12
        return self.rng.choices(channels, weights=weights)[0]

    def _minutes(self, channel: SessionChannel) -> int:
        low, high = {
            SessionChannel.visit: (45, 120),
            SessionChannel.counter: (30, 90),
            SessionChannel.online: (30, 60),
            SessionChannel.phone: (10, 30),
            SessionChannel.expert: (90, 180),
            SessionChannel.joint_visit: (60, 150),
            SessionChannel.seminar: (60, 120),
        }.get(channel, (30, 60))
        return self.rng.randint(low // 5, high // 5) * 5

    def _approach_and_attitude(self, focus: _Goal | None) -> tuple[Approach, Attitude]:
        """Achieved goals were mostly met with dialogue and a willing owner; dropped ones with instruction."""
        approach_weights, attitude_weights = MIX[focus.status if focus else None]
        approach = self.rng.choices((Approach.listening, Approach.dialogue, Approach.directive), approach_weights)[0]
        attitude = self.rng.choices((Attitude.positive, Attitude.negative, Attitude.passive), attitude_weights)[0]
        return approach, attitude

    def _note(self, focus: _Goal | None) -> str:
        if focus is None:
            return self.rng.choice(GENERAL_NOTES)
        return self.rng.choice(NOTES.get(focus.category, NOTES[C.other])).format(goal=focus.text)

    def _next_action(self, focus: _Goal | None) -> str:
        choices = NEXT_ACTIONS.get(focus.category, NEXT_ACTIONS[C.other]) if focus else GENERAL_NEXT_ACTIONS
        return self.rng.choice(choices)

    # 成果

    def _outcomes(self, goals: list[_Goal], dates: list[dt.date]) -> list[DemoOutcome]:
        rng, outcomes = self.rng, []

        def add(kind: str, day: dt.date, goal_index: int | None, note: str, count: int = 1) -> None:
            fields = {
                "kind": kind,
                "occurred_on": min(day, LAST_DAY).isoformat(),
                "count": count,
                "verified": rng.random() < 0.6,
                "note": note,
            }
            outcomes.append(DemoOutcome(fields=fields, goal_index=goal_index))

        if len(dates) >= 2 and rng.random() < 0.6:
            day = dates[min(len(dates) - 1, rng.randint(1, 3))]
            add("plan_formulated", day, 0, "経営計画書を策定（伴走支援による）")
        for index, goal in enumerate(goals[1:], start=1):
            revised = [day for day in dates if day > goal.set_on]
            if revised and goal.set_on > goals[0].set_on and rng.random() < 0.3:
                add("plan_formulated", revised[0], index, "新たな目標に向けて事業計画を改定")
        for index, goal in enumerate(goals):
            if goal.achieved_on is None:
                if goal.status == GoalStatus.in_progress and goal.category == C.sales_channel and rng.random() < 0.3:
                    day = _date_between(rng, goal.set_on, LAST_DAY)
                    add("deal_closed", day, index, "商談会での成約", rng.randint(1, 2))
                continue
            day = goal.achieved_on
            match goal.category:
                case C.sales_channel:
                    add("new_partner", day, index, "県外の新規取引先を獲得", rng.randint(1, 5))
                    if rng.random() < 0.5:
                        add("deal_closed", day, index, "商談会での成約", rng.randint(1, 3))
                case C.new_product | C.new_business:
                    add("deal_closed", day, index, "新商品の取扱いが決定", rng.randint(1, 3))
                    if rng.random() < 0.4:
                        add("new_partner", day, index, "新商品で新規取引先を獲得", rng.randint(1, 2))
                case C.talent:
                    add("hire", day, index, "正社員を採用", rng.randint(1, 3))
                case C.digital:
                    add("digital_tool", day, index, "クラウドサービスを導入")
                case C.succession:
                    done = rng.random() < 0.4
                    kind = "succession_done" if done else "succession_executing"
                    add(kind, day, index, "代表者交代" if done else "後継者が決定し承継計画を実行中")
                case C.recovery:
                    if rng.random() < 0.6:
                        add("closure_avoided", day, index, "被災後の営業再開")
                case C.capex | C.productivity:
                    if rng.random() < 0.3:
                        add("digital_tool", day, index, "生産管理ツールを導入")
        for index, goal in enumerate(goals):
            if goal.category in (C.succession, C.digital, C.new_product) and goal.status != GoalStatus.not_started:
                if rng.random() < 0.15:
                    add("talent_matched", _date_between(rng, goal.set_on, LAST_DAY), index, "専門家とのマッチング")
        return sorted(outcomes, key=lambda outcome: outcome.fields["occurred_on"])

    # 四半期モニタリング

    def _financials(self, goals: list[_Goal], outcomes: list[DemoOutcome]) -> list[tuple[int, int, dict[str, Any]]]:
        if self.stage == SupportStage.prospect:
            return []
        rng, economics = self.rng, self.industry.economics
        annual = max(6_000_000, int(self.employees * economics.sales_per_employee * rng.lognormvariate(0, 0.25)))
        achieved = sum(goal.status == GoalStatus.achieved for goal in goals) / len(goals)
        dropped = any(goal.status == GoalStatus.dropped for goal in goals)
        growth = rng.gauss(0.005, 0.025) + 0.05 * achieved - (0.02 if dropped else 0.0)
        target_growth = rng.uniform(0.02, 0.06)
        margin_gain = (
            0.03 * achieved if any(g.category in (C.sales_channel, C.new_product, C.finance) for g in goals) else 0.0
        )
        fixed_costs = annual * (economics.gross_margin - economics.operating_margin) / 4
        hires = Counter[tuple[int, int]]()
        for outcome in outcomes:
            if outcome.fields["kind"] == "hire":
                hires[_quarter_of(dt.date.fromisoformat(outcome.fields["occurred_on"]))] += outcome.fields["count"]
        depth, recovery = rng.uniform(0.25, 0.6), rng.randint(4, 8)
        if self.kind in ("ryokan", "minshuku"):
            depth, recovery = rng.uniform(0.6, 0.9), rng.randint(8, 10)  # 和倉温泉: most inns closed for months
        elif self.industry.jsic_major == "D":
            depth = -rng.uniform(0.1, 0.3)  # 建設: reconstruction work after the earthquake
        existing_share = rng.uniform(0.6, 0.9) if rng.random() < 0.4 else None
        employees = max(1, self.employees - sum(hires.values()) + (rng.randint(0, 2) if self.disaster_affected else 0))
        rows = []
        for t, (fiscal_year, quarter) in enumerate(QUARTERS):
            employees += hires[(fiscal_year, quarter)]
            season = economics.seasonality[quarter - 1]
            shock = 1.0
            if self.disaster_affected:
                shock = 1 - depth * max(0.0, 1 - t / recovery)
            elif self.town.noto:
                shock = 1 - 0.15 * max(0.0, 1 - t / 3)  # 風評: fewer visitors even where nothing broke
            planned = annual / 4 * season * (1 + target_growth) ** (fiscal_year - 2024)
            if self.disaster_affected:
                planned *= 1 - depth * 0.7 * max(0.0, 1 - (fiscal_year - 2024 + 1) * 4 / (recovery + 4))
            sales = annual / 4 * season * (1 + growth) ** (t / 4) * shock * rng.uniform(0.93, 1.07)
            gain = margin_gain * min(1.0, t / 8)
            gross = sales * (economics.gross_margin + gain + rng.uniform(-0.02, 0.02))
            costs = fixed_costs * (1 + 0.01 * t)
            non_operating = -annual * 0.002 + (annual * 0.01 if self.disaster_affected and t < 4 else 0)
            figures: dict[str, Any] = {
                "sales_target": _yen(planned),
                "gross_profit_target": _yen(planned * economics.gross_margin),
                "operating_profit_target": _yen(planned * economics.gross_margin - fixed_costs),
                "ordinary_profit_target": _yen(planned * economics.gross_margin - fixed_costs - annual * 0.002),
            }
            last_quarter = t == len(QUARTERS) - 1
            if rng.random() >= (0.35 if last_quarter else 0.04):
                figures |= {
                    "sales_actual": _yen(sales),
                    "gross_profit_actual": _yen(gross),
                    "operating_profit_actual": _yen(gross - costs),
                    "ordinary_profit_actual": _yen(gross - costs + non_operating),
                    "employees": employees,
                    "labor_cost": _yen(employees * economics.wage / 4 * rng.uniform(0.95, 1.05)),
                    "depreciation": _yen(annual * economics.depreciation_rate / 4),
                }
                if existing_share is not None:
                    figures["existing_customer_sales"] = _yen(sales * existing_share)
            rows.append((fiscal_year, quarter, figures))
        return rows

    # 施策支援

    def _policy_supports(self, goals: list[_Goal], fields: dict[str, Any]) -> list[dict[str, Any]]:
        rng, supports = self.rng, []
        annual = self.employees * self.industry.economics.sales_per_employee
        categories = {goal.category for goal in goals}
        start = min(goal.set_on for goal in goals)

        def apply(kind: str, program: str, requested: int | None, adoption: float, days: tuple[int, int]) -> None:
            applied_on = _date_between(rng, start, min(start + dt.timedelta(days=450), LAST_DAY))
            decided_on = applied_on + dt.timedelta(days=rng.randint(*days))
            support: dict[str, Any] = {"kind": kind, "program": program, "amount_requested_yen": requested}
            if applied_on + dt.timedelta(days=20) > LAST_DAY:
                support["result"] = "preparing"
            elif decided_on > LAST_DAY:
                support |= {"result": "applied", "applied_on": applied_on.isoformat()}
            else:
                result = rng.choices(("adopted", "rejected", "withdrawn"), weights=(adoption, 1 - adoption, 0.04))[0]
                support |= {"result": result, "applied_on": applied_on.isoformat()}
                if result in ("adopted", "rejected", "withdrawn"):
                    support["decided_on"] = decided_on.isoformat()
                if result == "adopted" and requested is not None:
                    support["amount_granted_yen"] = _round_thousand(requested * rng.uniform(0.8, 1.0))
            supports.append(support)

        if self.disaster_affected and rng.random() < 0.85:
            requested = _round_thousand(min(150_000_000, annual * rng.uniform(0.1, 0.5)))
            apply("subsidy", "なりわい再建支援補助金", requested, 0.9, (60, 150))
        if C.recovery in categories and rng.random() < 0.4:
            apply("certification", "事業継続力強化計画", None, 0.95, (30, 60))
        if rng.random() < 0.35:
            limit = 2_000_000 if self.disaster_affected else 500_000
            apply("subsidy", "小規模事業者持続化補助金", _round_thousand(rng.uniform(0.4, 1.0) * limit), 0.6, (90, 150))
        if C.digital in categories and rng.random() < 0.6:
            apply("subsidy", "IT導入補助金", _round_thousand(rng.uniform(300_000, 3_000_000)), 0.75, (45, 90))
        if categories & {C.capex, C.productivity, C.new_product} and self.industry.jsic_major in ("E", "D", "A", "B"):
            if rng.random() < 0.35:
                requested = _round_thousand(rng.uniform(7_500_000, 12_500_000))
                apply("subsidy", "ものづくり補助金", requested, 0.5, (90, 150))
        if C.succession in categories and rng.random() < 0.3:
            apply("subsidy", "事業承継・M&A補助金", _round_thousand(rng.uniform(1_000_000, 8_000_000)), 0.6, (90, 150))
        if C.new_product in categories and rng.random() < 0.15:
            apply("certification", "経営革新計画", None, 0.9, (30, 60))
        if fields["membership"] == Membership.member and rng.random() < 0.2:
            apply("loan", "小規模事業者経営改善資金（マル経融資）", rng.randint(3, 20) * 1_000_000, 0.9, (14, 40))
        if C.finance in categories and rng.random() < 0.6:
            apply("loan", "日本政策金融公庫融資", rng.randint(5, 40) * 1_000_000, 0.85, (14, 45))
        return supports


def _quarter_of(day: dt.date) -> tuple[int, int]:
    fiscal_year = day.year if day.month >= 4 else day.year - 1
    return fiscal_year, (day.month - 4) % 12 // 3 + 1


def _yen(amount: float) -> int:
    """Figures are reported in thousands of yen: round to ¥1,000."""
    return round(amount / 1_000) * 1_000


def _round_thousand(amount: float) -> int:
    return int(amount // 1_000) * 1_000


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
