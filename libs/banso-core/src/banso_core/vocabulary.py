"""The stable English codes of domain.md with the Japanese labels people know.

Codes travel (API, database, protobuf); labels are shown. Lists marked *configurable* in domain.md ship
these defaults; organizations extend them in their own records service.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Self


class LabelledCode(StrEnum):
    """A code whose value is the English code and which carries its Japanese label."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}


class OrgKind(LabelledCode):
    cci = "cci", "商工会議所"
    society = "society", "商工会"
    federation = "federation", "商工会連合会"
    central = "central", "中小企業団体中央会"
    agency = "agency", "産業支援機関"
    yorozu = "yorozu", "よろず支援拠点"
    finance = "finance", "金融機関"
    prefecture = "prefecture", "県"
    other = "other", "その他"


class StaffRole(LabelledCode):
    """担当者の役割."""

    advisor = "advisor", "経営指導員"
    lead_advisor = "lead_advisor", "法定経営指導員"
    assistant = "assistant", "補助員"
    clerk = "clerk", "一般職員"
    org_admin = "org_admin", "団体管理者"
    prefecture = "prefecture", "県職員"
    readonly = "readonly", "閲覧のみ"


class AuditAction(LabelledCode):
    """監査ログの操作."""

    read = "read", "閲覧"
    create = "create", "登録"
    update = "update", "更新"
    delete = "delete", "削除"
    sign_in = "sign_in", "ログイン"
    other = "other", "その他"


class BusinessForm(LabelledCode):
    """事業形態."""

    corporation = "corporation", "法人"
    sole_proprietor = "sole_proprietor", "個人事業主"
    pre_startup = "pre_startup", "創業予定"
    other = "other", "その他（組合・NPO等）"


class Membership(LabelledCode):
    member = "member", "会員"
    non_member = "non_member", "非会員"


class SupportStage(LabelledCode):
    """伴走支援の段階."""

    prospect = "prospect", "経営発達支援事業の支援先"
    candidate = "candidate", "伴走支援候補"
    active = "active", "伴走支援中"
    graduated = "graduated", "卒業"
    ended = "ended", "終了"


class GoalCategory(LabelledCode):
    """目標カテゴリ (configurable: these are the defaults)."""

    new_product = "new_product", "新商品・サービス開発"
    sales_channel = "sales_channel", "販路開拓・マーケティング"
    talent = "talent", "人材確保・育成"
    digital = "digital", "DX・IT活用"
    succession = "succession", "事業承継"
    productivity = "productivity", "生産性向上・コスト削減"
    finance = "finance", "資金調達・財務改善"
    new_business = "new_business", "創業・新事業展開"
    capex = "capex", "設備投資"
    recovery = "recovery", "災害復旧・BCP"
    other = "other", "その他"


class GoalStatus(LabelledCode):
    """支援状況."""

    not_started = "not_started", "未着手"
    in_progress = "in_progress", "支援中"
    achieved = "achieved", "達成"
    paused = "paused", "中断"
    dropped = "dropped", "中止"


class EmployeeBand(LabelledCode):
    """従業員帯: the only form in which a head count may leave an organization (sharing-policy.md §1, §3)."""

    b0_5 = "0-5", "0〜5人"
    b6_20 = "6-20", "6〜20人"
    b21_50 = "21-50", "21〜50人"
    b51_100 = "51-100", "51〜100人"
    b101_300 = "101-300", "101〜300人"
    b301_plus = "301+", "301人以上"
    # The wider bands used when generalising for k-anonymity.
    w0_20 = "0-20", "0〜20人"
    w21_100 = "21-100", "21〜100人"
    w101_plus = "101+", "101人以上"

    @classmethod
    def of(cls, employees: int) -> EmployeeBand:
        for upper, band in (
            (5, cls.b0_5),
            (20, cls.b6_20),
            (50, cls.b21_50),
            (100, cls.b51_100),
            (300, cls.b101_300),
        ):
            if employees <= upper:
                return band
        return cls.b301_plus


class Jsic:
    """日本標準産業分類 majors (A–T) and middle divisions (01–99), shipped as data."""

    def __init__(self, majors: dict[str, str], middles: dict[str, tuple[str, str]]) -> None:
        self.majors = majors
        self.middles = middles

    def major_label(self, code: str) -> str:
        return self.majors.get(code, "")

    def middle_label(self, code: str) -> str:
        return self.middles[code][1] if code in self.middles else ""

    def major_of(self, middle: str) -> str | None:
        return self.middles[middle][0] if middle in self.middles else None


@cache
def jsic() -> Jsic:
    raw = json.loads(resources.files("banso_core.data").joinpath("jsic.json").read_text(encoding="utf-8"))
    majors = {code: entry["name"] for code, entry in raw["majors"].items()}
    middles = {
        middle: (major, name) for major, entry in raw["majors"].items() for middle, name in entry["middles"].items()
    }
    return Jsic(majors, middles)


def label_of(vocabulary: type[LabelledCode], code: str | None) -> str:
    """The label of a code, or an empty string for a code this version does not know (a newer producer's)."""
    return next((member.label for member in vocabulary if member.value == code), "") if code else ""


class SessionChannel(LabelledCode):
    """支援方法."""

    visit = "visit", "巡回訪問"
    counter = "counter", "窓口相談"
    online = "online", "オンライン"
    phone = "phone", "電話"
    expert = "expert", "専門家派遣"
    joint_visit = "joint_visit", "同行支援"
    seminar = "seminar", "セミナー・個別相談会"
    other = "other", "その他"


class Approach(LabelledCode):
    """支援者のアプローチ (required on every session)."""

    listening = "listening", "傾聴型アプローチ"
    dialogue = "dialogue", "対話型アプローチ"
    directive = "directive", "指導型アプローチ"


class Attitude(LabelledCode):
    """事業者の姿勢 (required on every session)."""

    positive = "positive", "納得していた・前向きだった"
    negative = "negative", "納得していなかった・否定的だった"
    passive = "passive", "受動的であった・どちらともとれない"


class TaskOwner(LabelledCode):
    """課題・行動タスクの担い手."""

    business = "business", "事業者"
    advisor = "advisor", "経営指導員"


class TaskStatus(LabelledCode):
    """課題・行動タスクの状況."""

    open = "open", "未着手"
    doing = "doing", "進行中"
    done = "done", "完了"
    on_hold = "on_hold", "保留"


class PolicySupportKind(LabelledCode):
    """施策支援の種類."""

    subsidy = "subsidy", "補助金"
    loan = "loan", "融資"
    certification = "certification", "認定"
    other = "other", "その他"


class PolicySupportResult(LabelledCode):
    """施策支援の結果."""

    preparing = "preparing", "準備中"
    applied = "applied", "申請済"
    adopted = "adopted", "採択・実行"
    rejected = "rejected", "不採択・否決"
    withdrawn = "withdrawn", "取下げ"


class OutcomeKind(LabelledCode):
    """成果の種類, counted by the plan's KPIs."""

    plan_formulated = "plan_formulated", "事業計画策定"
    new_partner = "new_partner", "新規取引先獲得"
    deal_closed = "deal_closed", "商談成立"
    hire = "hire", "採用"
    digital_tool = "digital_tool", "デジタルツール導入"
    talent_matched = "talent_matched", "専門家・副業人材マッチング"
    succession_done = "succession_done", "事業承継完了"
    succession_executing = "succession_executing", "事業承継実行段階"
    closure_avoided = "closure_avoided", "廃業回避"
    startup = "startup", "創業"
    other = "other", "その他"


class PolicyProgram:
    """施策 (configurable): a program from the shipped default list; organizations may record others as text."""

    def __init__(self, code: str, label: str, kind: PolicySupportKind) -> None:
        self.code = code
        self.label = label
        self.kind = kind


@cache
def policy_programs() -> tuple[PolicyProgram, ...]:
    """The default programs of domain.md, shipped as data (banso_core/data/policy_programs.json)."""
    raw = json.loads(resources.files("banso_core.data").joinpath("policy_programs.json").read_text(encoding="utf-8"))
    return tuple(PolicyProgram(entry["code"], entry["label"], PolicySupportKind[entry["kind"]]) for entry in raw)


class KpiMeasure(LabelledCode):
    """経営発達支援計画のKPI: what a KPI counts in the records of one fiscal year (April–March)."""

    businesses_followed_up = "businesses_followed_up", "フォローアップ対象事業者数"
    follow_up_sessions = "follow_up_sessions", "フォローアップ延べ回数"
    sales_or_profit_increased = "sales_or_profit_increased", "売上または営業利益が増加した事業者数"
    plans_formulated = "plans_formulated", "事業計画策定事業者数"
    new_partners = "new_partners", "新規取引先獲得数"
    deals_closed = "deals_closed", "商談成立件数"
    subsidies_adopted = "subsidies_adopted", "補助金採択件数"
    seminar_participants = "seminar_participants", "セミナー・個別相談会参加事業者数"
    expert_dispatches = "expert_dispatches", "専門家派遣回数"
    startups = "startups", "創業件数"
    hires = "hires", "採用人数"
    digital_tools = "digital_tools", "デジタルツール導入件数"
    talent_matched = "talent_matched", "専門家・副業人材マッチング件数"


class KgiCondition(LabelledCode):
    """経営発達支援計画のKGI: the condition a supported business must meet to count toward the share."""

    gross_margin_improved = "gross_margin_improved", "粗利率が改善した企業割合"
    labor_productivity_improved_or_hired = (
        "labor_productivity_improved_or_hired",
        "労働生産性が改善または採用を実現した企業割合",
    )
    succession_done_or_executing = "succession_done_or_executing", "事業承継を完了または実行段階に移した企業割合"
    sales_increased = "sales_increased", "売上高が増加した企業割合"


class NoticeKind(LabelledCode):
    """お知らせの種類: an official notice of the prefecture, or a post by any member of staff."""

    official = "official", "県からのお知らせ"
    post = "post", "投稿"


class NoticeCategory(LabelledCode):
    """お知らせのカテゴリ."""

    subsidy_loan = "subsidy_loan", "補助金・融資"
    disaster_support = "disaster_support", "災害支援"
    seminar = "seminar", "セミナー・研修"
    system_change = "system_change", "制度改正"
    other = "other", "その他"
