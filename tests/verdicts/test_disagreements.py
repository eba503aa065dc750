import html
import re

import pytest

from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db

URL = "/disagreements/"
SHIPS = ((80, "ship"), (70, "ship"), (75, "ship"), (60, "ship"))
SKIPS = ((30, "skip"), (20, "skip"), (40, "skip"), (35, "skip"))
SPLIT = ((80, "ship"), (20, "skip"), (75, "ship"), (35, "skip"))


def visible(markup: str) -> str:
    """The visible text of some HTML, whitespace collapsed, entities decoded."""
    markup = re.sub(r"<script.*?</script>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def text_of(response) -> str:
    return visible(response.content.decode())


def add_votes(tool, *, ships: int, skips: int) -> None:
    visitors = Visitor.objects.bulk_create(Visitor() for _ in range(ships + skips))
    Vote.objects.bulk_create(
        Vote(visitor=visitor, tool=tool, value="ship" if index < ships else "skip")
        for index, visitor in enumerate(visitors)
    )


@pytest.fixture
def crowd(make_reviewed_tool):
    def tool(name: str, verdicts, *, ships: int, skips: int, **fields):
        made = make_reviewed_tool(*verdicts, name=name, slug=name.lower(), **fields)
        add_votes(made, ships=ships, skips=skips)
        return made

    tool("Twenty", SHIPS, ships=5, skips=15)  # exactly the quorum: listed
    tool("Nineteen", SHIPS, ships=0, skips=19)  # one vote short: not listed
    tool("Contrarian", SKIPS, ships=25, skips=5)  # the crowd ships what the panel skips
    tool("Agreed", SHIPS, ships=20, skips=5)  # both ship
    tool("Torn", SPLIT, ships=4, skips=16)  # a split panel, a decided crowd
    tool("Tied", SHIPS, ships=10, skips=10)  # no community majority
    tool("Unreviewed", (), ships=2, skips=30)  # the panel has not spoken
    tool("Hidden", SHIPS, ships=0, skips=30, status="draft")


def sections(response) -> tuple[str, str]:
    text = text_of(response)
    opposed, split = text.split("The panel is split, the crowd is not", 1)
    return opposed.split("Opposite verdicts", 1)[1], split


def test_it_lists_tools_where_the_panel_and_the_crowd_reach_opposite_verdicts(client, crowd):
    response = client.get(URL)
    assert response.status_code == 200
    opposed, split = sections(response)
    assert "Twenty" in opposed
    assert "Contrarian" in opposed
    assert "Torn" in split
    for name in ("Nineteen", "Agreed", "Tied", "Unreviewed", "Hidden"):
        assert name not in text_of(response)


def test_a_tool_one_vote_short_of_the_quorum_is_left_out(client, crowd):
    text = text_of(client.get(URL))
    assert "Twenty" in text
    assert "Nineteen" not in text


def test_it_shows_both_figures_side_by_side_and_links_the_tool(client, crowd):
    response = client.get(URL)
    content = response.content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/tools/twenty/\">.*?</tr>", content, re.S)
    assert row is not None
    cells = visible(row[0])
    assert "Ship 100% panel ship · 4 ship / 0 skip" in cells
    assert "Skip 25% ship · 20 votes" in cells


def test_the_widest_gap_comes_first(client, crowd):
    opposed, _ = sections(client.get(URL))
    # Twenty: panel 100% vs crowd 25% (gap 75); Contrarian: panel 0% vs crowd 83% (gap 83).
    assert opposed.index("Contrarian") < opposed.index("Twenty")


def test_an_empty_listing_says_so(client, panel):
    text = text_of(client.get(URL))
    assert "No tool has the panel and the community on opposite sides right now." in text
    assert "No split panel faces a decided crowd right now." in text


def test_it_has_a_real_title_and_description(client, crowd):
    content = client.get(URL).content.decode()
    assert "<title>Where the panel and the crowd disagree | Shiplist</title>" in content
    assert '<meta name="description" content="AI tools our critics ship that readers' in content


def test_it_rejects_post(client, panel):
    assert client.post(URL).status_code == 405


def populate(make_reviewed_tool, count: int) -> None:
    for index in range(count):
        tool = make_reviewed_tool(*(SHIPS if index % 2 else SKIPS), name=f"Bulk {index}")
        add_votes(tool, ships=5 + index % 20, skips=15)


def test_the_query_count_does_not_grow_with_tools_or_votes(
    client, crowd, make_reviewed_tool, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1) as few:
        assert client.get(URL).status_code == 200
    populate(make_reviewed_tool, 30)
    with django_assert_max_num_queries(1) as many:
        response = client.get(URL)
    assert len(few.captured_queries) == len(many.captured_queries)
    assert "Bulk 29" in text_of(response)
