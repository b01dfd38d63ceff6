"""The stand-ins' directories: fixtures shaped like the documented responses, and the large
generated directory the benchmarks use."""

from collections import Counter

from tests.standins.directory import dingtalk_shape, feishu_shape, generate, load_fixture, small_org, wecom_shape


def test_fixture_files_match_the_small_org():
    for platform, shape in {"wecom": wecom_shape, "dingtalk": dingtalk_shape, "feishu": feishu_shape}.items():
        assert load_fixture(platform) == shape(small_org()), f"regenerate fixtures/{platform}_directory.json"


def test_generated_directory_has_10000_people_in_800_departments():
    org = generate()
    assert len(org.members) == 10_000 and len(org.depts) == 800
    assert len({m.userid for m in org.members}) == 10_000
    ids = {d.id for d in org.depts}
    assert all(d.parent in ids for d in org.depts if d.parent)  # one connected tree under "1"
    assert all(d.leader for d in org.depts)
    assert all(m.manager != m.userid for m in org.members)
    statuses = Counter(m.status for m in org.members)
    assert statuses["active"] > 9000 and statuses["left"] > 0 and statuses["disabled"] > 0


def test_generation_is_deterministic_and_shapes_render():
    assert generate(people=200, departments=20) == generate(people=200, departments=20)
    org = generate(people=200, departments=20)
    assert len(wecom_shape(org)["users"]) == 200
    assert len(dingtalk_shape(org)["users"]) == sum(m.status != "left" for m in org.members)
    assert len(feishu_shape(org)["departments"]) == 19  # Feishu does not list the root


def test_a_generated_directory_is_served_with_paging():
    from integrations.conf import FeishuConfig
    from integrations.feishu import FeishuClient
    from tests.standins.feishu import FeishuStandin

    standin = FeishuStandin(directory=feishu_shape(generate(people=300, departments=30)), page_cap=50).start()
    try:
        config = FeishuConfig(base_url=standin.base_url, app_id=standin.app_id, app_secret=standin.app_secret)
        assert len(FeishuClient(config).sub_departments()) == 29
    finally:
        standin.stop()
