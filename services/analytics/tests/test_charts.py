"""GET /api/v1/charts/{name}.png|.svg: valid images, drawn with a Japanese font that is really found."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from analytics.charts.render import japanese_font_path, rendered

from .conftest import KANAZAWA, NANAO, outcome_record

CHARTS = ["approach-attitude", "achievement-by-category", "trend"]


def test_the_japanese_font_comes_with_the_package():
    path = Path(japanese_font_path())
    assert path.name == "ipaexg.ttf" and path.exists()
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(path))
    for character in "傾聴型前向き達成率県全体秘匿":
        assert font.get_char_index(ord(character)) != 0, f"{character} would be a tofu box"


@pytest.fixture
async def charted(start_analytics, wire):
    analytics = await start_analytics(min_businesses=2)
    for year in (2024, 2025):
        for org in (KANAZAWA, NANAO):
            for _ in range(2):
                await wire.publish_record(
                    outcome_record(
                        wire.new_ref(), org_id=org, fiscal_year=year,
                        sessions_by_approach={"listening": 2}, sessions_by_attitude={"positive": 2},
                        sessions_by_approach_attitude={"listening/positive": 2},
                        goals_set_by_category={"digital": 1}, goals_achieved_by_category={"digital": 1},
                    )
                )  # fmt: skip
    await wire.settled()
    return analytics


@pytest.mark.parametrize("name", CHARTS)
async def test_png_is_a_valid_image(charted, name):
    response = await charted.get(f"/api/v1/charts/{name}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG" and image.size[0] > 300 and image.size[1] > 200


@pytest.mark.parametrize("name", CHARTS)
async def test_svg_is_valid_and_carries_japanese_text_in_the_font(charted, name):
    response = await charted.get(f"/api/v1/charts/{name}.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    text = response.content.decode()
    assert "IPAexGothic" in text
    assert {"approach-attitude": "前向き", "achievement-by-category": "目標カテゴリ別の達成率",
            "trend": "令和7年度"}[name] in text  # fmt: skip


async def test_an_organization_charts_itself_only(charted):
    assert (await charted.get("/api/v1/charts/trend.png", KANAZAWA, org=KANAZAWA)).status_code == 200
    assert (await charted.get("/api/v1/charts/trend.png", KANAZAWA, org=NANAO)).status_code == 403


@pytest.mark.parametrize(("filename", "status"), [("pie.png", 404), ("trend.gif", 422), ("trend", 422)])
async def test_unknown_charts_and_formats_are_refused(charted, filename, status):
    assert (await charted.get(f"/api/v1/charts/{filename}")).status_code == status


async def test_charts_need_a_member_token(charted):
    assert (await charted.get("/api/v1/charts/trend.png", caller=None)).status_code == 401


async def test_the_heat_map_measure_is_checked(charted):
    shown = await charted.get("/api/v1/charts/approach-attitude.svg", measure="sessions")
    assert shown.status_code == 200 and "支援回数" in shown.text
    refused = await charted.get("/api/v1/charts/approach-attitude.svg", measure="salaries")
    assert refused.status_code == 422 and "measure" in refused.json()["detail"][0]["loc"]


@pytest.mark.parametrize("name", CHARTS)
async def test_charts_of_an_empty_store_are_still_images(analytics, name):
    response = await analytics.get(f"/api/v1/charts/{name}.png")
    assert response.status_code == 200
    Image.open(io.BytesIO(response.content)).verify()


def test_the_same_figures_are_drawn_once_and_new_figures_again():
    drawn: list[tuple[str, list[float | None]]] = []

    def draw(title: str, values: list[float | None]) -> bytes:
        drawn.append((title, values))
        return f"{title}{values}".encode()

    first = rendered(draw, "達成率 2025年度", [0.5, None])
    assert rendered(draw, "達成率 2025年度", [0.5, None]) == first
    assert len(drawn) == 1
    assert rendered(draw, "達成率 2025年度", [0.5, 0.75]) != first  # a value changed, or a cell was published
    assert len(drawn) == 2
