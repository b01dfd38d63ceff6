"""Ids in HR URLs and forms: each must name what the URL says, or nothing is done."""

from hr.models import ExportLog
from progress.models import CohortMember
from tests.factories import UserFactory


def test_removing_someone_who_is_not_in_the_cohort_is_404_and_changes_nothing(hr_client, org):
    outsider = UserFactory(email="outsider@example.com")
    response = hr_client.post(f"/hr/cohorts/{org['cohort'].pk}/members/{outsider.pk}/remove/")
    assert response.status_code == 404
    assert CohortMember.objects.filter(cohort=org["cohort"], left_at__isnull=True).count() == 5


def test_an_export_link_works_only_for_the_person_it_was_emailed_to(hr_client, hr_user, org, settings, tmp_path,
                                                                     client):
    from hr.exports import export_token
    from hr.filters import ReportFilters
    from hr.services import export_start, export_write

    settings.EXPORT_ASYNC_ROWS = 0
    settings.EXPORT_DIR = str(tmp_path)
    log = export_start(user=hr_user, kind="summary_csv", filters=ReportFilters())
    export_write(export_id=log.pk)
    path = f"/hr/exports/{export_token(ExportLog.objects.get(pk=log.pk))}/"
    assert hr_client.get(path).status_code == 200
    colleague = UserFactory(email="hr2@example.com", roles=["learner", "hr"])
    client.force_login(colleague)
    assert client.get(path).status_code == 404


def test_an_unknown_cohort_or_manager_id_in_the_report_filters_shows_nothing(hr_client, org):
    for bad in ("cohort=999999", "manager=999999", f"manager={org['ops'][0].pk}"):  # ops0 manages nobody
        response = hr_client.get(f"/hr/?{bad}")
        assert response.status_code == 400, bad
        assert "0 条报名记录" in response.content.decode(), bad


def test_the_manager_filter_is_typed_not_picked_from_every_manager(hr_client, org):
    page = hr_client.get("/hr/").content.decode()
    assert 'name="manager_search"' in page and f'<option value="{org["boss"].pk}"' not in page
    found = hr_client.get("/hr/?manager_search=BOSS@example.com").content.decode()
    assert "3 条报名记录" in found and 'value="BOSS@example.com"' in found
    linked = hr_client.get(f"/hr/?manager={org['boss'].pk}").content.decode()
    assert "3 条报名记录" in linked and 'value="boss@example.com"' in linked
    assert "没有哪位直属上级" in hr_client.get("/hr/?manager_search=nobody@example.com").content.decode()


def test_report_links_keep_every_filter_the_page_shows(hr_client, org):
    query = f"course={org['course'].pk}&cohort={org['cohort'].pk}&department=运营部&manager={org['boss'].pk}"
    page = hr_client.get(f"/hr/?{query}").content.decode()
    link = page[page.index("/hr/export/?kind=summary_csv"):].split('"', 1)[0].replace("&amp;", "&")
    # The form reads course=, cohort=, manager=; links used to say course_id=, cohort_id=, manager_id=,
    # which the form ignored: the export then held every course, cohort and manager.
    for name, value in (("course", org["course"].pk), ("cohort", org["cohort"].pk), ("manager", org["boss"].pk)):
        assert f"&{name}={value}" in link or f"?{name}={value}" in link, link
    response = hr_client.get(link)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "运营0" in body and "销售0" not in body
